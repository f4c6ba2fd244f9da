package org.careledger.interfaces.fhir;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Consent.provisionActorComponent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Consent &#8596; a patient's consent decision on the ledger ({@code permit} or {@code withdraw},
 * for grants to one institution or for research). See the package documentation for the rules.
 */
public final class Consents {

  /** R4's consent scopes. */
  public static final String SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope";

  /** Extension: who recorded the decision at the institution, {@code staff} or {@code patient}. */
  public static final String RECORDED_VIA_EXTENSION =
      Mapping.STRUCTURE_DEFINITION_BASE + "consent-recorded-via";

  static final String PATIENT_CONSENT_LOINC = "59284-0";
  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  static final String RESEARCH_PURPOSE = "HRESCH";
  static final String RECIPIENT_ROLE = "IRCP";

  private Consents() {}

  /**
   * A consent decision as a FHIR create gives it. {@link #toString()} hides the patient id.
   *
   * @param grantee the institution the decision is about; null for a research consent
   * @param decision {@code permit} or {@code withdraw}
   */
  public record ConsentInput(String patientId, String grantee, boolean research, String decision) {
    @Override
    public String toString() {
      return "ConsentInput[grantee="
          + grantee
          + ", research="
          + research
          + ", decision="
          + decision
          + ", redacted]";
    }
  }

  /**
   * A consent decision as the ledger holds it (its {@code consent} transaction), for display.
   *
   * @param patientId the patient's id where known here (the search was by it), else null
   * @param patientPseudonym the channel's pseudonym of the patient (used when {@code patientId} is
   *     null)
   * @param grantee the institution; null for research
   * @param decision {@code permit} or {@code withdraw}
   * @param via {@code staff} or {@code patient}
   * @param recordedBy the institution whose node committed it
   * @param txId its transaction
   * @param at its block's consensus time
   */
  public record ConsentFact(
      String patientId,
      String patientPseudonym,
      String grantee,
      String decision,
      String via,
      String recordedBy,
      String txId,
      Instant at) {
    @Override
    public String toString() {
      return "ConsentFact[grantee=" + grantee + ", decision=" + decision + ", txId=" + txId + "]";
    }
  }

  /**
   * The decision a Consent records.
   *
   * @throws FhirProblem {@code CL-1900} naming the offending element; {@code CL-1901} for
   *     provisions this server cannot hold (nested provisions, or limits by period, data, class,
   *     code or security label, which the ledger's decision cannot express)
   */
  public static ConsentInput fromResource(Consent consent) {
    Objects.requireNonNull(consent, "consent");
    String decision = decisionOf(consent);
    boolean researchScope = scope(consent);
    if (!consent.hasCategory()) {
      throw FhirProblem.required(
          "Consent.category", "a category is required (e.g. LOINC 59284-0 Patient consent)");
    }
    String patientId = Mapping.patientId(consent.getPatient(), "Consent.patient");
    if (!consent.hasProvision()) {
      throw FhirProblem.required("Consent.provision", "the provision is required");
    }
    ProvisionComponent provision = consent.getProvision();
    refuseUnsupported(provision);
    if (!provision.hasType()) {
      throw FhirProblem.required("Consent.provision.type", "provision.type permit or deny");
    }
    if (provision.getType() == ConsentProvisionType.DENY) {
      decision = "withdraw";
    }
    boolean research = hasResearchPurpose(provision);
    if (research != researchScope) {
      throw FhirProblem.invalid(
          "Consent.scope",
          research
              ? "a consent for research (purpose HRESCH) has scope research"
              : "a research consent needs provision.purpose " + Mapping.ACT_REASON + "|HRESCH");
    }
    if (research) {
      if (provision.hasActor()) {
        throw FhirProblem.invalid(
            "Consent.provision.actor",
            "a consent is either for research or for one institution, not both");
      }
      return new ConsentInput(patientId, null, true, decision);
    }
    return new ConsentInput(patientId, grantee(provision), false, decision);
  }

  /** The Consent a ledger consent decision shows as. */
  public static Consent toResource(ConsentFact fact) {
    Objects.requireNonNull(fact, "fact");
    boolean permit =
        switch (fact.decision()) {
          case "permit" -> true;
          case "withdraw" -> false;
          default -> throw new IllegalArgumentException("decision is permit or withdraw");
        };
    boolean research = fact.grantee() == null;
    Consent consent = new Consent();
    consent.setId(Ids.of(fact.txId()));
    consent.addIdentifier(new Identifier().setSystem(Mapping.TX_SYSTEM).setValue(fact.txId()));
    consent.setStatus(permit ? ConsentState.ACTIVE : ConsentState.INACTIVE);
    consent.setScope(
        new CodeableConcept(
            new Coding(
                SCOPE_SYSTEM,
                research ? "research" : "patient-privacy",
                research ? "Research" : "Privacy Consent")));
    consent.addCategory(
        new CodeableConcept(new Coding(Mapping.LOINC, PATIENT_CONSENT_LOINC, "Patient consent")));
    Reference patient = Mapping.patient(fact.patientId(), fact.patientPseudonym());
    consent.setPatient(patient);
    consent.addPerformer(patient.copy());
    if (fact.at() != null) {
      consent.setDateTime(Date.from(fact.at()));
    }
    if (fact.recordedBy() != null) {
      consent.addOrganization(Mapping.organization(fact.recordedBy()));
    }
    if (fact.via() != null) {
      consent.addExtension(RECORDED_VIA_EXTENSION, new CodeType(fact.via()));
    }
    consent.setPolicyRule(new CodeableConcept(new Coding(ACT_CODE, "OPTIN", "opt-in")));
    ProvisionComponent provision = consent.getProvision();
    provision.setType(permit ? ConsentProvisionType.PERMIT : ConsentProvisionType.DENY);
    if (research) {
      provision.addPurpose(new Coding(Mapping.ACT_REASON, RESEARCH_PURPOSE, "healthcare research"));
    } else {
      provision
          .addActor()
          .setRole(
              new CodeableConcept(
                  new Coding(Mapping.PARTICIPATION_TYPE, RECIPIENT_ROLE, "information recipient")))
          .setReference(Mapping.organization(fact.grantee()));
    }
    return consent;
  }

  private static String decisionOf(Consent consent) {
    if (!consent.hasStatus()) {
      throw FhirProblem.required("Consent.status", "status active or inactive is required");
    }
    return switch (consent.getStatus()) {
      case ACTIVE -> "permit";
      case INACTIVE, REJECTED -> "withdraw";
      default ->
          throw FhirProblem.invalid(
              "Consent.status",
              "a consent decision is active (permit), inactive or rejected (withdraw); "
                  + consent.getStatus().toCode()
                  + " records none");
    };
  }

  /** Whether the scope is research (else patient-privacy). */
  private static boolean scope(Consent consent) {
    for (Coding coding : consent.getScope().getCoding()) {
      if (SCOPE_SYSTEM.equals(coding.getSystem())) {
        if ("patient-privacy".equals(coding.getCode())) {
          return false;
        }
        if ("research".equals(coding.getCode())) {
          return true;
        }
      }
    }
    if (!consent.hasScope()) {
      throw FhirProblem.required("Consent.scope", "the scope is required");
    }
    throw FhirProblem.invalid(
        "Consent.scope", "the scope is patient-privacy or research (" + SCOPE_SYSTEM + ")");
  }

  private static void refuseUnsupported(ProvisionComponent provision) {
    String why =
        ": the ledger holds one decision per patient and institution (or research), without"
            + " limits";
    if (provision.hasProvision()) {
      throw FhirProblem.notSupported("Consent.provision.provision", "nested provisions" + why);
    }
    if (provision.hasPeriod()) {
      throw FhirProblem.notSupported("Consent.provision.period", "a period" + why);
    }
    if (provision.hasDataPeriod()) {
      throw FhirProblem.notSupported("Consent.provision.dataPeriod", "a data period" + why);
    }
    if (provision.hasData()) {
      throw FhirProblem.notSupported("Consent.provision.data", "data limits" + why);
    }
    if (provision.hasClass_()) {
      throw FhirProblem.notSupported("Consent.provision.class", "class limits" + why);
    }
    if (provision.hasCode()) {
      throw FhirProblem.notSupported("Consent.provision.code", "code limits" + why);
    }
    if (provision.hasSecurityLabel()) {
      throw FhirProblem.notSupported("Consent.provision.securityLabel", "security labels" + why);
    }
  }

  private static boolean hasResearchPurpose(ProvisionComponent provision) {
    for (Coding purpose : provision.getPurpose()) {
      if (Mapping.ACT_REASON.equals(purpose.getSystem())
          && RESEARCH_PURPOSE.equals(purpose.getCode())) {
        return true;
      }
    }
    return false;
  }

  private static String grantee(ProvisionComponent provision) {
    List<provisionActorComponent> actors = provision.getActor();
    if (actors.isEmpty()) {
      throw FhirProblem.required(
          "Consent.provision.actor",
          "the institution the consent is about is required as provision.actor (or purpose"
              + " HRESCH for research)");
    }
    if (actors.size() > 1) {
      throw FhirProblem.invalid(
          "Consent.provision.actor", "one institution per Consent (" + actors.size() + " given)");
    }
    provisionActorComponent actor = actors.get(0);
    String path = "Consent.provision.actor[0]";
    if (!actor.hasRole()) {
      throw FhirProblem.required(path + ".role", "the actor's role is required");
    }
    Identifier identifier = actor.getReference().getIdentifier();
    if (!Mapping.INSTITUTION_SYSTEM.equals(identifier.getSystem())) {
      throw FhirProblem.invalid(
          path + ".reference.identifier.system",
          "the institution is named by identifier, system " + Mapping.INSTITUTION_SYSTEM);
    }
    if (!identifier.hasValue() || identifier.getValue().isBlank()) {
      throw FhirProblem.required(
          path + ".reference.identifier.value", "the institution id is required");
    }
    return identifier.getValue();
  }
}
