package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** A FHIR document Bundle registered as one record, its JSON the document, byte for byte. */
class FhirDocumentsTest {

  private static final String OID = "urn:oid:2.16.840.1.113883.2.4.6.3";

  static Bundle document() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.DOCUMENT);
    bundle.setIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986").setValue("dis-42"));
    bundle.setTimestamp(new Date(1_763_640_000_000L));
    Composition composition = new Composition();
    composition.setStatus(Composition.CompositionStatus.FINAL);
    composition.getType().addCoding(new Coding("http://loinc.org", "18842-5", "Discharge summary"));
    composition.setSubject(new Reference("urn:uuid:9d2f1f4e-0000-4000-8000-000000000001"));
    composition.setDate(new Date(1_763_640_000_000L));
    composition.addAuthor(new Reference().setDisplay("Ward 3"));
    composition.setTitle("Discharge summary");
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(OID).setValue("123456782");
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:9d2f1f4e-0000-4000-8000-000000000000")
        .setResource(composition);
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:9d2f1f4e-0000-4000-8000-000000000001")
        .setResource(patient);
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:9d2f1f4e-0000-4000-8000-000000000002")
        .setResource(new Observation().setStatus(Observation.ObservationStatus.FINAL));
    return bundle;
  }

  @Test
  void aDocumentIsOneRecordOfItsCompositionsClassAndPatientKeptAsSent() {
    Bundle bundle = document();
    String raw = Fhir.write(bundle);

    DocumentReferences.Registration r = FhirDocuments.fromBundle(bundle, raw, 1 << 20);

    assertThat(r.recordId()).isEqualTo("dis-42");
    assertThat(r.documentClass()).isEqualTo("18842-5");
    assertThat(r.patientId()).isEqualTo(OID + "|123456782");
    assertThat(r.mediaType()).isEqualTo("application/fhir+json");
    assertThat(r.title()).isEqualTo("Discharge summary");
    assertThat(r.documentDate()).isEqualTo("2025-11-20");
    assertThat(r.content()).isEqualTo(raw.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSubjectByIdentifierIsTakenAsGiven() {
    Bundle bundle = document();
    ((Composition) bundle.getEntryFirstRep().getResource())
        .setSubject(new Reference().setIdentifier(new Identifier().setSystem(OID).setValue("77")));

    assertThat(FhirDocuments.fromBundle(bundle, Fhir.write(bundle), 1 << 20).patientId())
        .isEqualTo(OID + "|77");
  }

  @Test
  void whatADocumentLacksIsRefusedNamingTheElement() {
    Bundle noIdentifier = document().setIdentifier(null);
    Bundle noComposition = document();
    noComposition.getEntry().remove(0);
    Bundle noLoinc = document();
    ((Composition) noLoinc.getEntryFirstRep().getResource())
        .getType()
        .getCodingFirstRep()
        .setSystem("http://snomed.info/sct");
    Bundle unresolvedSubject = document();
    ((Composition) unresolvedSubject.getEntryFirstRep().getResource())
        .setSubject(new Reference("Patient/elsewhere"));

    assertRefused(noIdentifier, ErrorCode.FHIR_RESOURCE_INVALID, "Bundle.identifier.value");
    assertRefused(noComposition, ErrorCode.FHIR_RESOURCE_INVALID, "Bundle.entry[0].resource");
    assertRefused(noLoinc, ErrorCode.FHIR_RESOURCE_INVALID, "ofType(Composition).type");
    assertRefused(
        unresolvedSubject, ErrorCode.FHIR_RESOURCE_INVALID, "ofType(Composition).subject");
  }

  @Test
  void aDocumentLargerThanTheLimitIsRefused() {
    Bundle bundle = document();
    String raw = Fhir.write(bundle);

    assertThatThrownBy(() -> FhirDocuments.fromBundle(bundle, raw, raw.length() - 1))
        .isInstanceOfSatisfying(
            FhirProblem.class,
            p -> assertThat(p.errorCode()).isEqualTo(ErrorCode.FHIR_ATTACHMENT_TOO_LARGE));
  }

  private static void assertRefused(Bundle bundle, ErrorCode code, String expression) {
    assertThatThrownBy(() -> FhirDocuments.fromBundle(bundle, Fhir.write(bundle), 1 << 20))
        .isInstanceOfSatisfying(
            FhirProblem.class,
            p -> {
              assertThat(p.errorCode()).isEqualTo(code);
              assertThat(p.expression()).contains(expression);
            });
  }
}
