package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.interfaces.fhir.FhirValidation.problem;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.careledger.domain.ErrorCode;
import org.careledger.interfaces.fhir.Consents.ConsentFact;
import org.careledger.interfaces.fhir.Consents.ConsentInput;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConsentsTest {

  private static final FhirValidation VALIDATION = new FhirValidation();

  private static final String OID = DocumentReferencesTest.OID;
  private static final String PATIENT = DocumentReferencesTest.PATIENT;
  private static final String TX = "0123456789abcdef".repeat(4);
  private static final String PSEUDONYM = "ef".repeat(32);
  private static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");
  private static final String SCOPES = "http://terminology.hl7.org/CodeSystem/consentscope";
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  static Consent forClinicB() {
    Consent c = new Consent();
    c.setStatus(ConsentState.ACTIVE);
    c.setScope(new CodeableConcept(new Coding(SCOPES, "patient-privacy", null)));
    c.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", null)));
    c.setPatient(
        new Reference().setIdentifier(new Identifier().setSystem(OID).setValue("123456782")));
    c.setPolicyRule(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", null)));
    c.getProvision()
        .setType(ConsentProvisionType.PERMIT)
        .addActor()
        .setRole(
            new CodeableConcept(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", null)))
        .setReference(
            new Reference()
                .setIdentifier(
                    new Identifier().setSystem("urn:careledger:institution").setValue("clinic-b")));
    return c;
  }

  static Consent forResearch() {
    Consent c = forClinicB();
    c.setScope(new CodeableConcept(new Coding(SCOPES, "research", null)));
    c.getProvision().getActor().clear();
    c.getProvision().addPurpose(new Coding(ACT_REASON, "HRESCH", null));
    return c;
  }

  @Test
  void anActivePermitForAnInstitutionIsAPermit() {
    ConsentInput in = Consents.fromResource(Fhir.parse(Fhir.write(forClinicB()), Consent.class));

    assertThat(in).isEqualTo(new ConsentInput(PATIENT, "clinic-b", false, "permit"));
    assertThat(in.toString()).doesNotContain("123456782");
  }

  @Test
  void inactiveRejectedOrDenyAreAWithdrawal() {
    Consent inactive = forClinicB().setStatus(ConsentState.INACTIVE);
    Consent rejected = forClinicB().setStatus(ConsentState.REJECTED);
    Consent deny = forClinicB();
    deny.getProvision().setType(ConsentProvisionType.DENY);

    assertThat(Consents.fromResource(inactive).decision()).isEqualTo("withdraw");
    assertThat(Consents.fromResource(rejected).decision()).isEqualTo("withdraw");
    assertThat(Consents.fromResource(deny).decision()).isEqualTo("withdraw");
  }

  @Test
  void aResearchConsentHasNoGrantee() {
    assertThat(Consents.fromResource(forResearch()))
        .isEqualTo(new ConsentInput(PATIENT, null, true, "permit"));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal(
            "no status", c -> c.setStatus(null), ErrorCode.FHIR_RESOURCE_INVALID, "Consent.status"),
        refusal(
            "draft",
            c -> c.setStatus(ConsentState.DRAFT),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.status"),
        refusal(
            "proposed",
            c -> c.setStatus(ConsentState.PROPOSED),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.status"),
        refusal(
            "no scope", c -> c.setScope(null), ErrorCode.FHIR_RESOURCE_INVALID, "Consent.scope"),
        refusal(
            "another scope",
            c -> c.getScope().getCodingFirstRep().setCode("treatment"),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.scope"),
        refusal(
            "research scope without purpose",
            c -> c.getScope().getCodingFirstRep().setCode("research"),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.scope"),
        refusal(
            "no category",
            c -> c.getCategory().clear(),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.category"),
        refusal(
            "no patient",
            c -> c.setPatient(null),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.patient"),
        refusal(
            "a patient reference alone",
            c -> c.setPatient(new Reference("Patient/1")),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.patient.reference"),
        refusal(
            "a patient identifier without system",
            c -> c.getPatient().getIdentifier().setSystem(null),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.patient.identifier.system"),
        refusal(
            "no provision",
            c -> c.setProvision(null),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision"),
        refusal(
            "no provision type",
            c -> c.getProvision().setType(null),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.type"),
        refusal(
            "no actor",
            c -> c.getProvision().getActor().clear(),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.actor"),
        refusal(
            "two actors",
            c -> c.getProvision().addActor(c.getProvision().getActorFirstRep().copy()),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.actor"),
        refusal(
            "an actor without role",
            c -> c.getProvision().getActorFirstRep().setRole(null),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.actor[0].role"),
        refusal(
            "an actor by reference",
            c -> c.getProvision().getActorFirstRep().setReference(new Reference("Organization/1")),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.actor[0].reference.identifier.system"),
        refusal(
            "an actor without institution id",
            c -> c.getProvision().getActorFirstRep().getReference().getIdentifier().setValue(null),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.actor[0].reference.identifier.value"),
        refusal(
            "research purpose and an institution",
            c -> {
              c.getScope().getCodingFirstRep().setCode("research");
              c.getProvision().addPurpose(new Coding(ACT_REASON, "HRESCH", null));
            },
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.provision.actor"),
        refusal(
            "research purpose under privacy scope",
            c -> c.getProvision().addPurpose(new Coding(ACT_REASON, "HRESCH", null)),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "Consent.scope"),
        refusal(
            "a period",
            c -> c.getProvision().setPeriod(new Period().setEnd(new java.util.Date())),
            ErrorCode.FHIR_NOT_SUPPORTED,
            "Consent.provision.period"),
        refusal(
            "nested provisions",
            c -> c.getProvision().addProvision().setType(ConsentProvisionType.DENY),
            ErrorCode.FHIR_NOT_SUPPORTED,
            "Consent.provision.provision"),
        refusal(
            "a class limit",
            c ->
                c.getProvision()
                    .addClass_(
                        new Coding(
                            "http://hl7.org/fhir/resource-types", "DocumentReference", null)),
            ErrorCode.FHIR_NOT_SUPPORTED,
            "Consent.provision.class"));
  }

  private static Arguments refusal(
      String name, Consumer<Consent> change, ErrorCode code, String expression) {
    return Arguments.of(name, change, code, expression);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesNamingTheElement(
      String name, Consumer<Consent> change, ErrorCode code, String expression) {
    Consent c = forClinicB();
    change.accept(c);

    problem(() -> Consents.fromResource(c), code, expression);
  }

  @Test
  void aPermitIsAnActiveValidConsent() {
    Consent c =
        Consents.toResource(
            new ConsentFact(
                PATIENT, PSEUDONYM, "clinic-b", "permit", "staff", "hospital-a", TX, AT));

    assertThat(c.getIdElement().getIdPart()).isEqualTo(TX);
    assertThat(c.getStatus()).isEqualTo(ConsentState.ACTIVE);
    assertThat(c.getScope().getCodingFirstRep().getCode()).isEqualTo("patient-privacy");
    assertThat(c.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("59284-0");
    assertThat(c.getPatient().getIdentifier().getSystem()).isEqualTo(OID);
    assertThat(c.getPatient().getIdentifier().getValue()).isEqualTo("123456782");
    assertThat(c.getDateTime().toInstant()).isEqualTo(AT);
    assertThat(c.getOrganizationFirstRep().getIdentifier().getValue()).isEqualTo("hospital-a");
    assertThat(c.getPolicyRule().getCodingFirstRep().getCode()).isEqualTo("OPTIN");
    assertThat(c.getProvision().getType()).isEqualTo(ConsentProvisionType.PERMIT);
    assertThat(c.getProvision().getActorFirstRep().getRole().getCodingFirstRep().getCode())
        .isEqualTo("IRCP");
    assertThat(c.getProvision().getActorFirstRep().getReference().getIdentifier().getValue())
        .isEqualTo("clinic-b");
    assertThat(
            ((CodeType) c.getExtensionByUrl(Consents.RECORDED_VIA_EXTENSION).getValue()).getValue())
        .isEqualTo("staff");
    VALIDATION.assertValid(c);
  }

  @Test
  void aWithdrawalIsAnInactiveDenyNamingThePseudonym() {
    Consent c =
        Consents.toResource(
            new ConsentFact(
                null, PSEUDONYM, "clinic-b", "withdraw", "patient", "hospital-a", TX, AT));

    assertThat(c.getStatus()).isEqualTo(ConsentState.INACTIVE);
    assertThat(c.getProvision().getType()).isEqualTo(ConsentProvisionType.DENY);
    assertThat(c.getPatient().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:patient-pseudonym");
    assertThat(c.getPatient().getIdentifier().getValue()).isEqualTo(PSEUDONYM);
    VALIDATION.assertValid(c);
    // Sent back, a pseudonym names no patient.
    problem(
        () -> Consents.fromResource(c),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Consent.patient.identifier.system");
  }

  @Test
  void aResearchConsentHasResearchScopeAndPurposeAndNoActor() {
    Consent c =
        Consents.toResource(
            new ConsentFact(PATIENT, PSEUDONYM, null, "permit", "patient", "hospital-a", TX, AT));

    assertThat(c.getScope().getCodingFirstRep().getCode()).isEqualTo("research");
    assertThat(c.getProvision().hasActor()).isFalse();
    assertThat(c.getProvision().getPurposeFirstRep().getSystem()).isEqualTo(ACT_REASON);
    assertThat(c.getProvision().getPurposeFirstRep().getCode()).isEqualTo("HRESCH");
    VALIDATION.assertValid(c);
  }

  @Test
  void whatIsShownReadsBackAsTheSameDecision() {
    for (ConsentFact fact :
        new ConsentFact[] {
          new ConsentFact(PATIENT, PSEUDONYM, "clinic-b", "permit", "staff", "hospital-a", TX, AT),
          new ConsentFact(
              PATIENT, PSEUDONYM, "clinic-b", "withdraw", "staff", "hospital-a", TX, AT),
          new ConsentFact(PATIENT, PSEUDONYM, null, "permit", "patient", "hospital-a", TX, AT),
          new ConsentFact(PATIENT, PSEUDONYM, null, "withdraw", "patient", "hospital-a", TX, AT)
        }) {
      Consent shown = Fhir.parse(Fhir.write(Consents.toResource(fact)), Consent.class);

      assertThat(Consents.fromResource(shown))
          .isEqualTo(
              new ConsentInput(PATIENT, fact.grantee(), fact.grantee() == null, fact.decision()));
    }
  }

  @Test
  void aDecisionOtherThanPermitOrWithdrawIsRefused() {
    assertThatThrownBy(
            () ->
                Consents.toResource(
                    new ConsentFact(PATIENT, PSEUDONYM, "b", "maybe", "staff", "a", TX, AT)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
