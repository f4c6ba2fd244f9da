package org.careledger.interfaces.fhir;

import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/** Systems, references and the patient id rule shared by the mappers. */
final class Mapping {

  static final String LOINC = "http://loinc.org";
  static final String INSTITUTION_SYSTEM = "urn:careledger:institution";
  static final String PSEUDONYM_SYSTEM = "urn:careledger:patient-pseudonym";
  static final String RECORD_SYSTEM = "urn:careledger:record";
  static final String TX_SYSTEM = "urn:careledger:tx";
  static final String STRUCTURE_DEFINITION_BASE =
      "https://careledger.org/fhir/StructureDefinition/";
  static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  static final String PARTICIPATION_TYPE =
      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

  /** A LOINC code: digits, a hyphen, the check digit. */
  static final Pattern LOINC_CODE = Pattern.compile("\\d{1,8}-\\d");

  /** {@link org.careledger.domain.sharing.PatientId}'s form. */
  private static final Pattern PATIENT_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private Mapping() {}

  /** A reference to an institution by its CareLedger id (no Organization resources are served). */
  static Reference organization(String institution) {
    return new Reference()
        .setType("Organization")
        .setIdentifier(new Identifier().setSystem(INSTITUTION_SYSTEM).setValue(institution));
  }

  /**
   * The identifier of a patient: {@code system|value} split at the first {@code |} (a patient id
   * without one becomes a value without system).
   */
  static Identifier patientIdentifier(String patientId) {
    int bar = patientId.indexOf('|');
    if (bar < 0) {
      return new Identifier().setValue(patientId);
    }
    return new Identifier()
        .setSystem(patientId.substring(0, bar))
        .setValue(patientId.substring(bar + 1));
  }

  /** The patient known by id, else by the channel's pseudonym. */
  static Reference patient(String patientId, String pseudonym) {
    Identifier identifier =
        patientId != null
            ? patientIdentifier(patientId)
            : new Identifier().setSystem(PSEUDONYM_SYSTEM).setValue(pseudonym);
    return new Reference().setType("Patient").setIdentifier(identifier);
  }

  /**
   * The CareLedger patient id ({@code system|value}) of a patient reference, which must name the
   * patient by identifier with system and value: the server holds no Patient resources, so a
   * literal reference alone cannot be resolved, and a pseudonym is the chain's, never an input.
   *
   * @param path the FHIRPath of the reference, e.g. {@code DocumentReference.subject}
   */
  static String patientId(Reference reference, String path) {
    if (reference == null || reference.isEmpty()) {
      throw FhirProblem.required(path, "the patient is required, by identifier (system and value)");
    }
    if (!reference.hasIdentifier()) {
      if (reference.hasReference()) {
        throw FhirProblem.invalid(
            path + ".reference",
            "this server holds no Patient resources: name the patient by identifier (system and"
                + " value) instead of a reference");
      }
      throw FhirProblem.required(path + ".identifier", "the patient's identifier is required");
    }
    if (reference.hasType() && !"Patient".equals(reference.getType())) {
      throw FhirProblem.invalid(path + ".type", "the subject must be a Patient");
    }
    Identifier identifier = reference.getIdentifier();
    if (!identifier.hasSystem()) {
      throw FhirProblem.required(
          path + ".identifier.system", "the patient identifier's system is required");
    }
    if (!identifier.hasValue()) {
      throw FhirProblem.required(
          path + ".identifier.value", "the patient identifier's value is required");
    }
    if (PSEUDONYM_SYSTEM.equals(identifier.getSystem())) {
      throw FhirProblem.invalid(
          path + ".identifier.system",
          "a channel pseudonym names no patient here: give the patient's own identifier");
    }
    String patientId = identifier.getSystem() + "|" + identifier.getValue();
    if (!PATIENT_ID.matcher(patientId).matches()) {
      throw FhirProblem.invalid(
          path + ".identifier",
          "a patient id (system|value) is 1-128 printable ASCII characters without spaces ("
              + patientId.length()
              + " characters given)");
    }
    return patientId;
  }
}
