package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.careledger.application.SharingService;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditEventsTest {

  private static final FhirValidation VALIDATION = new FhirValidation();

  private static final String TX = "0123456789abcdef".repeat(4);
  private static final String PSEUDONYM = "ef".repeat(32);
  private static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");

  static SharingService.AuditEvent event(String kind, String subject, String basis) {
    return new SharingService.AuditEvent(
        kind, "lab-1", PSEUDONYM, "hospital-a", subject, basis, "unconscious-patient", TX, 42, AT);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "register, C, create, 0",
    "amend, U, update, 0",
    "request, E, , 0",
    "grant, E, , 0",
    "deny, E, , 4",
    "revoke, E, , 0",
    "access-logged, R, read, 0",
    "access-refused, R, read, 4",
    "break-glass, R, read, 0",
    "erase, D, delete, 0",
    "consent, E, , 0"
  })
  void everyKindIsAValidAuditEvent(String kind, String action, String interaction, String outcome) {
    AuditEvent a = AuditEvents.toResource(event(kind, "clinic-b", "TREAT"), "ch-1", "node-x");

    assertThat(a.getAction()).isEqualTo(AuditEventAction.fromCode(action));
    assertThat(a.getOutcome()).isEqualTo(AuditEventOutcome.fromCode(outcome));
    assertThat(a.getType().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/audit-event-type");
    assertThat(a.getType().getCode()).isEqualTo("rest");
    assertThat(a.getSubtype())
        .extracting(c -> c.getSystem() + "|" + c.getCode())
        .contains("urn:careledger:audit-event-kind|" + kind);
    if (interaction == null) {
      assertThat(a.getSubtype()).hasSize(1);
    } else {
      assertThat(a.getSubtype())
          .extracting(c -> c.getSystem() + "|" + c.getCode())
          .startsWith("http://hl7.org/fhir/restful-interaction|" + interaction);
    }
    assertThat(a.getRecorded().toInstant()).isEqualTo(AT);
    assertThat(a.getIdElement().getIdPart()).isEqualTo(TX);
    VALIDATION.assertValid(a);
  }

  @Test
  void theAuthorRequestsTheGranteeReceivesAndThisNodeObserves() {
    AuditEvent a = AuditEvents.toResource(event("grant", "clinic-b", "TREAT"), "ch-1", "node-x");

    assertThat(a.getAgent()).hasSize(2);
    assertThat(a.getAgent().get(0).getRequestor()).isTrue();
    assertThat(a.getAgent().get(0).getWho().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:institution");
    assertThat(a.getAgent().get(0).getWho().getIdentifier().getValue()).isEqualTo("hospital-a");
    assertThat(a.getAgent().get(1).getRequestor()).isFalse();
    assertThat(a.getAgent().get(1).getWho().getIdentifier().getValue()).isEqualTo("clinic-b");
    assertThat(a.getSource().getObserver().getIdentifier().getValue()).isEqualTo("node-x");
    assertThat(a.getSource().getSite()).isEqualTo("ch-1");
    assertThat(a.getSource().getTypeFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/security-source-type");
    assertThat(a.getSource().getTypeFirstRep().getCode()).isEqualTo("4");
    assertThat(a.getPurposeOfEvent())
        .flatExtracting(CodeableConcept::getCoding)
        .extracting(Coding::getCode)
        .containsExactly("TREAT");
  }

  @Test
  void anEventWithoutAnotherInstitutionHasOneAgent() {
    assertThat(AuditEvents.toResource(event("register", null, null), "ch-1", "n").getAgent())
        .hasSize(1);
    assertThat(
            AuditEvents.toResource(event("access-logged", "hospital-a", "grant"), "ch-1", "n")
                .getAgent())
        .hasSize(1);
  }

  @Test
  void breakGlassAddsBtgAndARefusalCarriesItsReason() {
    AuditEvent glass =
        AuditEvents.toResource(event("break-glass", "clinic-b", null), "ch-1", "node-x");
    AuditEvent refused =
        AuditEvents.toResource(event("access-refused", "clinic-b", null), "ch-1", "node-x");

    assertThat(glass.getPurposeOfEvent())
        .flatExtracting(CodeableConcept::getCoding)
        .extracting(c -> c.getSystem() + "|" + c.getCode())
        .containsExactly("http://terminology.hl7.org/CodeSystem/v3-ActReason|BTG");
    assertThat(refused.getOutcomeDesc()).isEqualTo("unconscious-patient");
    assertThat(refused.hasPurposeOfEvent()).isFalse();
    VALIDATION.assertValid(glass);
  }

  @Test
  void aBasisThatIsNoPurposeIsADetailNotAPurpose() {
    AuditEvent a =
        AuditEvents.toResource(event("access-logged", "clinic-b", "grant"), "ch-1", "node-x");

    assertThat(a.hasPurposeOfEvent()).isFalse();
    assertThat(txEntity(a).getDetail())
        .extracting(d -> d.getType() + "=" + d.getValue().primitiveValue())
        .contains("basis=grant", "height=42", "channel=ch-1");
  }

  @Test
  void theEntitiesAreTheRecordThePatientPseudonymAndTheTransaction() {
    AuditEvent a = AuditEvents.toResource(event("register", null, null), "ch-1", "node-x");

    assertThat(a.getEntity()).hasSize(3);
    AuditEventEntityComponent record = a.getEntity().get(0);
    assertThat(record.getWhat().getReference()).isEqualTo("DocumentReference/lab-1");
    assertThat(record.getType().getCode()).isEqualTo("2");
    assertThat(record.getRole().getCode()).isEqualTo("4");
    AuditEventEntityComponent patient = a.getEntity().get(1);
    assertThat(patient.getWhat().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:patient-pseudonym");
    assertThat(patient.getWhat().getIdentifier().getValue()).isEqualTo(PSEUDONYM);
    assertThat(patient.getType().getCode()).isEqualTo("1");
    assertThat(patient.getRole().getCode()).isEqualTo("1");
    AuditEventEntityComponent tx = txEntity(a);
    assertThat(tx.getWhat().getIdentifier().getValue()).isEqualTo(TX);
  }

  @Test
  void aClassRequestWithoutRecordOrPatientHasOnlyTheTransaction() {
    AuditEvent a =
        AuditEvents.toResource(
            new SharingService.AuditEvent(
                "request", null, null, "clinic-b", "hospital-a", "TREAT", null, TX, 3, AT),
            "ch-1",
            "node-x");

    assertThat(a.getEntity()).hasSize(1);
    assertThat(a.getEntityFirstRep().getWhat().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:tx");
    VALIDATION.assertValid(a);
  }

  @Test
  void aRecordIdThatIsNoFhirIdIsReferencedByItsDigestId() {
    AuditEvent a =
        AuditEvents.toResource(
            new SharingService.AuditEvent(
                "register", "lab_1", PSEUDONYM, "hospital-a", null, null, null, TX, 3, AT),
            "ch-1",
            "node-x");

    assertThat(a.getEntityFirstRep().getWhat().getReference())
        .isEqualTo("DocumentReference/" + Ids.of("lab_1"));
    assertThat(a.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("lab_1");
    VALIDATION.assertValid(a);
  }

  private static AuditEventEntityComponent txEntity(AuditEvent a) {
    return a.getEntity().stream()
        .filter(e -> "urn:careledger:tx".equals(e.getWhat().getIdentifier().getSystem()))
        .findFirst()
        .orElseThrow();
  }
}
