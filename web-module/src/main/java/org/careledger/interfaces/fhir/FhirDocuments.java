package org.careledger.interfaces.fhir;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Objects;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR document (a Bundle of type {@code document}: a Composition first, then what it references)
 * registered as a record, its own JSON being the document: kept byte for byte as it was sent (a
 * FHIR document is an attested whole that must not be rewritten), media type {@value
 * Fhir#MEDIA_TYPE}, so it can later be de-identified for research. The record id is the Bundle's
 * {@code identifier.value} (a document's identifier is required by R4, bdl-9); the class is the
 * Composition's LOINC {@code type}; the patient is the Composition's {@code subject}, by identifier
 * or as a reference to a Patient entry of the Bundle that carries one; the title and clinical date
 * are the Composition's.
 */
public final class FhirDocuments {

  private FhirDocuments() {}

  /**
   * The registration of a document Bundle.
   *
   * @param raw the Bundle's JSON exactly as received (stored as the document)
   * @throws FhirProblem {@code CL-1900} naming what is missing or malformed, {@code CL-1903} for a
   *     document larger than {@code maxBytes}
   */
  public static DocumentReferences.Registration fromBundle(
      Bundle bundle, String raw, int maxBytes) {
    Objects.requireNonNull(bundle, "bundle");
    byte[] content = raw.getBytes(StandardCharsets.UTF_8);
    if (content.length > maxBytes) {
      throw new FhirProblem(
          ErrorCode.FHIR_ATTACHMENT_TOO_LARGE,
          IssueType.TOOCOSTLY,
          "a FHIR document is at most "
              + maxBytes
              + " bytes here ("
              + content.length
              + " given): upload large documents through POST …/records",
          "Bundle");
    }
    if (!bundle.hasIdentifier() || !bundle.getIdentifier().hasValue()) {
      throw FhirProblem.required(
          "Bundle.identifier.value", "a document's identifier is its record id (bdl-9)");
    }
    String recordId = bundle.getIdentifier().getValue();
    if (!DocumentReferences.RECORD_ID.matcher(recordId).matches()) {
      throw FhirProblem.invalid(
          "Bundle.identifier.value",
          "a record id is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (!bundle.hasEntry()
        || !(bundle.getEntryFirstRep().getResource() instanceof Composition composition)) {
      throw FhirProblem.required(
          "Bundle.entry[0].resource", "a document's first entry is its Composition (bdl-11)");
    }
    String at = "Bundle.entry[0].resource.ofType(Composition)";
    String documentClass = null;
    for (Coding coding : composition.getType().getCoding()) {
      if (Mapping.LOINC.equals(coding.getSystem())
          && coding.hasCode()
          && Mapping.LOINC_CODE.matcher(coding.getCode()).matches()) {
        documentClass = coding.getCode();
        break;
      }
    }
    if (documentClass == null) {
      throw FhirProblem.required(
          at + ".type", "the Composition's type needs a LOINC coding: the document class");
    }
    String patientId =
        Mapping.patientId(subjectByIdentifier(bundle, composition.getSubject()), at + ".subject");
    String title =
        composition.hasTitle()
            ? DocumentReferences.title(composition.getTitle(), at + ".title")
            : null;
    String documentDate =
        composition.hasDate()
            ? composition.getDate().toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString()
            : null;
    return new DocumentReferences.Registration(
        recordId, patientId, documentClass, Fhir.MEDIA_TYPE, title, documentDate, content);
  }

  /**
   * The subject as a reference by identifier: as given, or the first identifier with system and
   * value of the Patient entry it references ({@code Patient/x} or an entry's {@code fullUrl}).
   */
  private static Reference subjectByIdentifier(Bundle bundle, Reference subject) {
    if (subject == null || subject.hasIdentifier() || !subject.hasReference()) {
      return subject;
    }
    String reference = subject.getReference();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (!(resource instanceof Patient patient)) {
        continue;
      }
      boolean named =
          reference.equals(entry.getFullUrl())
              || reference.equals("Patient/" + patient.getIdElement().getIdPart());
      if (named) {
        return patient.getIdentifier().stream()
            .filter(i -> i.hasSystem() && i.hasValue())
            .findFirst()
            .map(i -> new Reference().setIdentifier(i.copy()))
            .orElse(subject);
      }
    }
    return subject;
  }
}
