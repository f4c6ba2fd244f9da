package org.careledger.interfaces.fhir;

import java.util.Date;
import java.util.Objects;
import org.careledger.application.SharingService;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The channel's sharing events (the auditor's view of the chain) as AuditEvents, shaped after IHE
 * Basic Audit Log Patterns (BALP): type {@code rest}, the RESTful interaction as subtype where one
 * fits (and always the CareLedger event kind), the author institution as requesting agent, the
 * grantee or accessor as second agent, this node as observer, and the record, the patient
 * (pseudonym) and the ledger transaction as entities.
 */
public final class AuditEvents {

  /** CareLedger's event kinds (the ledger's transaction types). */
  public static final String KIND_SYSTEM = "urn:careledger:audit-event-kind";

  static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
  static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
  static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";

  private AuditEvents() {}

  /**
   * An event as an AuditEvent.
   *
   * @param channel the channel (as {@code source.site})
   * @param observer this node's institution, which reports the event from its copy of the chain
   */
  public static AuditEvent toResource(
      SharingService.AuditEvent e, String channel, String observer) {
    Objects.requireNonNull(e, "e");
    Objects.requireNonNull(observer, "observer");
    String kind = Objects.requireNonNull(e.kind(), "kind");
    AuditEvent event = new AuditEvent();
    if (e.txId() != null) {
      event.setId(Ids.of(e.txId()));
    }
    event.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"));
    String interaction = interaction(kind);
    if (interaction != null) {
      event.addSubtype(new Coding(RESTFUL_INTERACTION, interaction, null));
    }
    event.addSubtype(new Coding(KIND_SYSTEM, kind, null));
    event.setAction(action(kind));
    event.setRecorded(Date.from(e.at()));
    boolean failure = "access-refused".equals(kind) || "deny".equals(kind);
    event.setOutcome(failure ? AuditEventOutcome._4 : AuditEventOutcome._0);
    if (failure && e.reasonCode() != null) {
      event.setOutcomeDesc(e.reasonCode());
    }
    if (e.basis() != null && SharingService.PURPOSES.contains(e.basis())) {
      event.addPurposeOfEvent(new CodeableConcept(new Coding(Mapping.ACT_REASON, e.basis(), null)));
    }
    if ("break-glass".equals(kind)) {
      event.addPurposeOfEvent(
          new CodeableConcept(new Coding(Mapping.ACT_REASON, "BTG", "break the glass")));
    }

    AuditEventAgentComponent author = event.addAgent();
    author.setType(
        new CodeableConcept(new Coding(Mapping.PARTICIPATION_TYPE, "AUT", "author (originator)")));
    author.setWho(Mapping.organization(e.institution())).setRequestor(true);
    if (e.subject() != null && !e.subject().equals(e.institution())) {
      event
          .addAgent()
          .setType(
              new CodeableConcept(
                  new Coding(Mapping.PARTICIPATION_TYPE, "IRCP", "information recipient")))
          .setWho(Mapping.organization(e.subject()))
          .setRequestor(false);
    }

    event.getSource().setSite(channel);
    event.getSource().setObserver(Mapping.organization(observer));
    event.getSource().addType(new Coding(SOURCE_TYPE, "4", "Application Server"));

    if (e.recordId() != null) {
      AuditEventEntityComponent record = event.addEntity();
      record.setWhat(
          new Reference("DocumentReference/" + Ids.of(e.recordId()))
              .setIdentifier(
                  new Identifier().setSystem(Mapping.RECORD_SYSTEM).setValue(e.recordId())));
      record.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
      record.setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }
    if (e.patient() != null) {
      AuditEventEntityComponent patient = event.addEntity();
      patient.setWhat(
          new Reference()
              .setType("Patient")
              .setIdentifier(
                  new Identifier().setSystem(Mapping.PSEUDONYM_SYSTEM).setValue(e.patient())));
      patient.setType(new Coding(ENTITY_TYPE, "1", "Person"));
      patient.setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }
    if (e.txId() != null) {
      AuditEventEntityComponent tx = event.addEntity();
      tx.setWhat(
          new Reference()
              .setIdentifier(new Identifier().setSystem(Mapping.TX_SYSTEM).setValue(e.txId())));
      tx.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
      tx.setName("ledger transaction");
      tx.addDetail().setType("height").setValue(new StringType(String.valueOf(e.height())));
      if (channel != null) {
        tx.addDetail().setType("channel").setValue(new StringType(channel));
      }
      if (e.basis() != null && !SharingService.PURPOSES.contains(e.basis())) {
        tx.addDetail().setType("basis").setValue(new StringType(e.basis()));
      }
      if (e.reasonCode() != null) {
        tx.addDetail().setType("reasonCode").setValue(new StringType(e.reasonCode()));
      }
    }
    return event;
  }

  /** The RESTful interaction a kind is, or null. */
  static String interaction(String kind) {
    return switch (kind) {
      case "register" -> "create";
      case "amend" -> "update";
      case "access-logged", "break-glass", "access-refused" -> "read";
      case "erase" -> "delete";
      default -> null;
    };
  }

  /** C register; U amend; R reads, refused reads and break-glass; D erase; E every other step. */
  static AuditEventAction action(String kind) {
    return switch (kind) {
      case "register" -> AuditEventAction.C;
      case "amend" -> AuditEventAction.U;
      case "access-logged", "break-glass", "access-refused" -> AuditEventAction.R;
      case "erase" -> AuditEventAction.D;
      default -> AuditEventAction.E;
    };
  }
}
