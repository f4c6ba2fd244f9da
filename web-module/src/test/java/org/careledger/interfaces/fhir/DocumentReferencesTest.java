package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.interfaces.fhir.FhirValidation.problem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.careledger.application.RecordService;
import org.careledger.domain.ErrorCode;
import org.careledger.interfaces.fhir.DocumentReferences.EntryOutcome;
import org.careledger.interfaces.fhir.DocumentReferences.Registration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DocumentReferencesTest {

  private static final FhirValidation VALIDATION = new FhirValidation();

  static final String OID = "urn:oid:2.16.840.1.113883.2.4.6.3";
  static final String PATIENT = OID + "|123456782";
  private static final byte[] PDF = "%PDF-1.7 lab report".getBytes(StandardCharsets.US_ASCII);
  private static final String HASH = "ab".repeat(32);
  private static final String TX = "cd".repeat(32);
  private static final String PSEUDONYM = "ef".repeat(32);
  private static final Instant REGISTERED = Instant.parse("2026-11-23T10:15:30Z");
  private static final String SELF =
      "https://node.example/careledger/fhir/ch-1/DocumentReference?type=11502-2";
  private static final int MAX = 1024;

  static DocumentReference valid() {
    DocumentReference dr = new DocumentReference();
    dr.setMasterIdentifier(new Identifier().setSystem("urn:example:records").setValue("lab-1"));
    dr.setStatus(DocumentReferenceStatus.CURRENT);
    dr.getType().addCoding(new Coding("http://loinc.org", "11502-2", "Laboratory report"));
    dr.setSubject(
        new Reference().setIdentifier(new Identifier().setSystem(OID).setValue("123456782")));
    dr.setDescription("Lab report");
    dr.getContext().getPeriod().setStartElement(new DateTimeType("2026-11-20"));
    dr.addContent().getAttachment().setContentType("application/pdf").setData(PDF);
    return dr;
  }

  static RecordService.Found found(String recordId, boolean erased) {
    return new RecordService.Found(
        recordId,
        2,
        PSEUDONYM,
        "11502-2",
        "application/pdf",
        PDF.length,
        "hospital-a",
        HASH,
        TX,
        7,
        REGISTERED,
        erased,
        erased ? null : "Lab report",
        erased ? null : "2026-11-20");
  }

  @Test
  void aValidCreateGivesItsRegistration() {
    Registration r = DocumentReferences.fromResource(valid(), MAX);

    assertThat(r.recordId()).isEqualTo("lab-1");
    assertThat(r.patientId()).isEqualTo(PATIENT);
    assertThat(r.documentClass()).isEqualTo("11502-2");
    assertThat(r.mediaType()).isEqualTo("application/pdf");
    assertThat(r.title()).isEqualTo("Lab report");
    assertThat(r.documentDate()).isEqualTo("2026-11-20");
    assertThat(r.content()).isEqualTo(PDF);
    assertThat(r.metadata())
        .isEqualTo(
            new RecordService.Metadata(
                "lab-1", "application/pdf", "11502-2", PATIENT, "Lab report", "2026-11-20"));
  }

  @Test
  void aCreateParsedFromJsonGivesTheSameRegistration() {
    String json = Fhir.write(valid());

    assertThat(DocumentReferences.fromResource(Fhir.parse(json, DocumentReference.class), MAX))
        .isEqualTo(DocumentReferences.fromResource(valid(), MAX));
  }

  @Test
  void theRegistrationPrintsNoPatientAndNoTitle() {
    String printed = DocumentReferences.fromResource(valid(), MAX).toString();

    assertThat(printed).contains("lab-1").doesNotContain("123456782").doesNotContain("Lab report");
  }

  @Test
  void anAbsentStatusIsTakenAsCurrentAndOptionalPartsMayBeMissing() {
    DocumentReference dr = valid();
    dr.setStatus(null);
    dr.setDescription(null);
    dr.setContext(null);

    Registration r = DocumentReferences.fromResource(dr, MAX);

    assertThat(r.title()).isNull();
    assertThat(r.documentDate()).isNull();
  }

  @Test
  void theTitleFallsBackToTheAttachmentsTitle() {
    DocumentReference dr = valid();
    dr.setDescription(null);
    dr.getContentFirstRep().getAttachment().setTitle("Attachment title");

    assertThat(DocumentReferences.fromResource(dr, MAX).title()).isEqualTo("Attachment title");
  }

  @Test
  void theClinicalDateFallsBackToTheReferencesDateAsAUtcDate() {
    DocumentReference dr = valid();
    dr.setContext(null);
    dr.setDateElement(new InstantType("2026-11-23T23:30:00-05:00"));

    assertThat(DocumentReferences.fromResource(dr, MAX).documentDate()).isEqualTo("2026-11-24");
  }

  @Test
  void thePeriodStartWinsOverTheDateAndATimeIsTakenAsItsUtcDate() {
    DocumentReference dr = valid();
    dr.setDateElement(new InstantType("2026-12-01T00:00:00Z"));
    dr.getContext().getPeriod().setStartElement(new DateTimeType("2026-11-20T22:00:00-04:00"));

    assertThat(DocumentReferences.fromResource(dr, MAX).documentDate()).isEqualTo("2026-11-21");
  }

  @Test
  void aMatchingSizeAndSha1HashAreTaken() throws Exception {
    DocumentReference dr = valid();
    dr.getContentFirstRep()
        .getAttachment()
        .setSize(PDF.length)
        .setHash(MessageDigest.getInstance("SHA-1").digest(PDF));

    assertThat(DocumentReferences.fromResource(dr, MAX).content()).isEqualTo(PDF);
  }

  @Test
  void dataOfExactlyTheLimitIsTakenOneByteMoreIsTooLarge() {
    assertThat(DocumentReferences.fromResource(valid(), PDF.length).content()).hasSize(PDF.length);

    FhirProblem p =
        problem(
            () -> DocumentReferences.fromResource(valid(), PDF.length - 1),
            ErrorCode.FHIR_ATTACHMENT_TOO_LARGE,
            "DocumentReference.content[0].attachment.data");
    assertThat(p.issueType()).isEqualTo(IssueType.TOOCOSTLY);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal(
            "no record id",
            dr -> dr.setMasterIdentifier(null),
            "DocumentReference.masterIdentifier.value"),
        refusal(
            "record id of another form",
            dr -> dr.getMasterIdentifier().setValue("_lab 1"),
            "DocumentReference.masterIdentifier.value"),
        refusal(
            "record id too long",
            dr -> dr.getMasterIdentifier().setValue("a".repeat(65)),
            "DocumentReference.masterIdentifier.value"),
        refusal(
            "superseded",
            dr -> dr.setStatus(DocumentReferenceStatus.SUPERSEDED),
            "DocumentReference.status"),
        refusal(
            "entered in error",
            dr -> dr.setStatus(DocumentReferenceStatus.ENTEREDINERROR),
            "DocumentReference.status"),
        refusal(
            "no LOINC coding",
            dr -> dr.getType().getCodingFirstRep().setSystem("http://snomed.info/sct"),
            "DocumentReference.type.coding"),
        refusal(
            "a LOINC code of another form",
            dr -> dr.getType().getCodingFirstRep().setCode("11502"),
            "DocumentReference.type.coding[0].code"),
        refusal(
            "two LOINC classes",
            dr -> dr.getType().addCoding(new Coding("http://loinc.org", "18842-5", null)),
            "DocumentReference.type.coding[1].code"),
        refusal("no subject", dr -> dr.setSubject(null), "DocumentReference.subject"),
        refusal(
            "a subject reference alone",
            dr -> dr.setSubject(new Reference("Patient/123")),
            "DocumentReference.subject.reference"),
        refusal(
            "a subject identifier without system",
            dr -> dr.getSubject().getIdentifier().setSystem(null),
            "DocumentReference.subject.identifier.system"),
        refusal(
            "a subject identifier without value",
            dr -> dr.getSubject().getIdentifier().setValue(null),
            "DocumentReference.subject.identifier.value"),
        refusal(
            "a subject that is no patient",
            dr -> dr.getSubject().setType("Group"),
            "DocumentReference.subject.type"),
        refusal(
            "a pseudonym for the subject",
            dr -> dr.getSubject().getIdentifier().setSystem("urn:careledger:patient-pseudonym"),
            "DocumentReference.subject.identifier.system"),
        refusal(
            "a patient id with a space",
            dr -> dr.getSubject().getIdentifier().setValue("12 34"),
            "DocumentReference.subject.identifier"),
        refusal(
            "a patient id too long",
            dr -> dr.getSubject().getIdentifier().setValue("9".repeat(128)),
            "DocumentReference.subject.identifier"),
        refusal("no content", dr -> dr.getContent().clear(), "DocumentReference.content"),
        refusal(
            "two contents",
            dr -> dr.addContent().getAttachment().setContentType("text/plain").setData(PDF),
            "DocumentReference.content"),
        refusal(
            "an attachment url",
            dr -> dr.getContentFirstRep().getAttachment().setUrl("https://elsewhere/doc.pdf"),
            "DocumentReference.content[0].attachment.url"),
        refusal(
            "no content type",
            dr -> dr.getContentFirstRep().getAttachment().setContentType(null),
            "DocumentReference.content[0].attachment.contentType"),
        refusal(
            "a content type with parameters",
            dr ->
                dr.getContentFirstRep().getAttachment().setContentType("text/plain; charset=utf-8"),
            "DocumentReference.content[0].attachment.contentType"),
        refusal(
            "no data",
            dr -> dr.getContentFirstRep().getAttachment().setData(null),
            "DocumentReference.content[0].attachment.data"),
        refusal(
            "a size that is not the data's",
            dr -> dr.getContentFirstRep().getAttachment().setSize(PDF.length + 1),
            "DocumentReference.content[0].attachment.size"),
        refusal(
            "a hash that is not the data's",
            dr -> dr.getContentFirstRep().getAttachment().setHash(new byte[20]),
            "DocumentReference.content[0].attachment.hash"),
        refusal(
            "a description too long",
            dr -> dr.setDescription("x".repeat(501)),
            "DocumentReference.description"),
        refusal(
            "an attachment title with a control character",
            dr -> {
              dr.setDescription(null);
              dr.getContentFirstRep().getAttachment().setTitle("line\nbreak");
            },
            "DocumentReference.content[0].attachment.title"),
        refusal(
            "a period start without day",
            dr -> dr.getContext().getPeriod().setStartElement(new DateTimeType("2026-11")),
            "DocumentReference.context.period.start"));
  }

  private static Arguments refusal(
      String name, Consumer<DocumentReference> change, String expression) {
    return Arguments.of(name, change, expression);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithCl1900NamingTheElement(
      String name, Consumer<DocumentReference> change, String expression) {
    DocumentReference dr = valid();
    change.accept(dr);

    FhirProblem p =
        problem(
            () -> DocumentReferences.fromResource(dr, MAX),
            ErrorCode.FHIR_RESOURCE_INVALID,
            expression);
    assertThat(p.getMessage()).doesNotContain("123456782");
  }

  @Test
  void refusesARelationToAnotherDocumentAsNotSupported() {
    DocumentReference dr = valid();
    dr.addRelatesTo()
        .setCode(DocumentReference.DocumentRelationshipType.REPLACES)
        .setTarget(new Reference("DocumentReference/lab-0"));

    FhirProblem p =
        problem(
            () -> DocumentReferences.fromResource(dr, MAX),
            ErrorCode.FHIR_NOT_SUPPORTED,
            "DocumentReference.relatesTo");
    assertThat(p.issueType()).isEqualTo(IssueType.NOTSUPPORTED);
  }

  @Test
  void aLiveRecordWithItsPatientIdIsAValidDocumentReference() {
    DocumentReference dr =
        DocumentReferences.toResource(found("lab-1", false), PATIENT, "https://n/c/lab-1/content");

    assertThat(dr.getIdElement().getIdPart()).isEqualTo("lab-1");
    assertThat(dr.getMeta().getVersionId()).isEqualTo("2");
    assertThat(dr.getMasterIdentifier().getSystem()).isEqualTo("urn:careledger:record");
    assertThat(dr.getMasterIdentifier().getValue()).isEqualTo("lab-1");
    assertThat(dr.getStatus()).isEqualTo(DocumentReferenceStatus.CURRENT);
    assertThat(dr.getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.FINAL);
    assertThat(dr.getType().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
    assertThat(dr.getType().getCodingFirstRep().getCode()).isEqualTo("11502-2");
    assertThat(dr.getSubject().getIdentifier().getSystem()).isEqualTo(OID);
    assertThat(dr.getSubject().getIdentifier().getValue()).isEqualTo("123456782");
    assertThat(dr.getDate().toInstant()).isEqualTo(REGISTERED);
    assertThat(dr.getAuthorFirstRep().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:institution");
    assertThat(dr.getAuthorFirstRep().getIdentifier().getValue()).isEqualTo("hospital-a");
    assertThat(dr.getCustodian().getIdentifier().getValue()).isEqualTo("hospital-a");
    assertThat(dr.getDescription()).isEqualTo("Lab report");
    var attachment = dr.getContentFirstRep().getAttachment();
    assertThat(attachment.getContentType()).isEqualTo("application/pdf");
    assertThat(attachment.getSize()).isEqualTo(PDF.length);
    assertThat(attachment.getUrl()).isEqualTo("https://n/c/lab-1/content");
    assertThat(attachment.getTitle()).isEqualTo("Lab report");
    assertThat(attachment.getExtensionByUrl(DocumentReferences.CIPHERTEXT_SHA256_EXTENSION))
        .extracting(e -> ((StringType) e.getValue()).getValue())
        .isEqualTo(HASH);
    assertThat(dr.getContext().getPeriod().getStartElement().getValueAsString())
        .isEqualTo("2026-11-20");
    VALIDATION.assertValid(dr);
  }

  @Test
  void anErasedRecordIsEnteredInErrorWithoutContentUrlAndNamesThePseudonym() {
    DocumentReference dr =
        DocumentReferences.toResource(found("lab-2", true), null, "https://n/c/lab-2/content");

    assertThat(dr.getStatus()).isEqualTo(DocumentReferenceStatus.ENTEREDINERROR);
    assertThat(dr.getContentFirstRep().getAttachment().hasUrl()).isFalse();
    assertThat(dr.getSubject().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:patient-pseudonym");
    assertThat(dr.getSubject().getIdentifier().getValue()).isEqualTo(PSEUDONYM);
    assertThat(dr.hasDescription()).isFalse();
    assertThat(dr.hasContext()).isFalse();
    VALIDATION.assertValid(dr);
  }

  @Test
  void aSizeBeyondAnIntIsLeftOut() {
    RecordService.Found f = found("big-1", false);
    RecordService.Found big =
        new RecordService.Found(
            f.recordId(),
            f.version(),
            f.patient(),
            f.documentClass(),
            f.mediaType(),
            1L << 32,
            f.provider(),
            f.contentHash(),
            f.txId(),
            f.height(),
            f.registeredAt(),
            false,
            null,
            null);

    DocumentReference dr = DocumentReferences.toResource(big, null, "https://n/c/big-1/content");

    assertThat(dr.getContentFirstRep().getAttachment().hasSize()).isFalse();
    VALIDATION.assertValid(dr);
  }

  @Test
  void aRecordIdThatIsNoFhirIdGetsAStableDigestIdAndKeepsItsOwnAsMasterIdentifier() {
    DocumentReference dr = DocumentReferences.toResource(found("lab_1", false), null, null);

    String id = dr.getIdElement().getIdPart();
    assertThat(id).startsWith("-").hasSize(64).matches("[A-Za-z0-9\\-.]{1,64}");
    assertThat(
            DocumentReferences.toResource(found("lab_1", false), null, null)
                .getIdElement()
                .getIdPart())
        .isEqualTo(id);
    assertThat(
            DocumentReferences.toResource(found("lab_2", false), null, null)
                .getIdElement()
                .getIdPart())
        .isNotEqualTo(id);
    assertThat(dr.getMasterIdentifier().getValue()).isEqualTo("lab_1");
    VALIDATION.assertValid(dr);
  }

  @Test
  void aRecordShownAndSentBackRegistersTheSameMetadata() {
    DocumentReference shown = DocumentReferences.toResource(found("lab-1", false), PATIENT, null);
    shown.getContentFirstRep().getAttachment().setData(PDF);

    Registration r =
        DocumentReferences.fromResource(
            Fhir.parse(Fhir.write(shown), DocumentReference.class), MAX);

    assertThat(r.metadata())
        .isEqualTo(
            new RecordService.Metadata(
                "lab-1", "application/pdf", "11502-2", PATIENT, "Lab report", "2026-11-20"));
  }

  @Test
  void aSearchSetListsEveryRecordWithItsFullUrlAndValidates() {
    List<DocumentReference> found =
        List.of(
            DocumentReferences.toResource(found("lab-1", false), PATIENT, "https://n/1"),
            DocumentReferences.toResource(found("lab-2", true), PATIENT, null));

    Bundle bundle = DocumentReferences.searchSet(found, SELF);

    assertThat(bundle.getType()).isEqualTo(BundleType.SEARCHSET);
    assertThat(bundle.getTotal()).isEqualTo(2);
    assertThat(bundle.getLink("self").getUrl()).isEqualTo(SELF);
    assertThat(bundle.getEntry())
        .extracting(Bundle.BundleEntryComponent::getFullUrl)
        .containsExactly(
            "https://node.example/careledger/fhir/ch-1/DocumentReference/lab-1",
            "https://node.example/careledger/fhir/ch-1/DocumentReference/lab-2");
    assertThat(bundle.getEntry())
        .allSatisfy(
            e -> assertThat(e.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH));
    VALIDATION.assertValid(bundle);
  }

  @Test
  void aSearchByPostAndAnEmptyResultAreValidSearchSets() {
    Bundle bundle =
        Bundles.searchSet(
            List.of(), "https://node.example/careledger/fhir/ch-1/DocumentReference/_search");

    assertThat(bundle.getTotal()).isZero();
    assertThat(Bundles.base("https://n.example/fhir/ch-1/DocumentReference/_search?x=1"))
        .isEqualTo("https://n.example/fhir/ch-1");
    VALIDATION.assertValid(bundle);
  }

  @Test
  void aSearchResultWithoutIdIsRefused() {
    assertThatThrownBy(() -> Bundles.searchSet(List.of(new DocumentReference()), SELF))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static Bundle batch(DocumentReference... resources) {
    Bundle bundle = new Bundle().setType(BundleType.BATCH);
    for (DocumentReference dr : resources) {
      bundle
          .addEntry()
          .setResource(dr)
          .getRequest()
          .setMethod(HTTPVerb.POST)
          .setUrl("DocumentReference");
    }
    return bundle;
  }

  @Test
  void aBatchOfCreatesGivesItsDocumentReferencesInOrder() {
    DocumentReference second = valid();
    second.getMasterIdentifier().setValue("lab-2");

    List<DocumentReference> out = DocumentReferences.fromBatch(batch(valid(), second));

    assertThat(out)
        .extracting(dr -> dr.getMasterIdentifier().getValue())
        .containsExactly("lab-1", "lab-2");
  }

  @Test
  void aTransactionBundleIsNotSupported() {
    Bundle bundle = batch(valid()).setType(BundleType.TRANSACTION);

    FhirProblem p =
        problem(
            () -> DocumentReferences.fromBatch(bundle),
            ErrorCode.FHIR_NOT_SUPPORTED,
            "Bundle.type");
    assertThat(p.getMessage()).contains("rolled back");
  }

  @Test
  void aBundleOfAnotherTypeIsInvalid() {
    problem(
        () -> DocumentReferences.fromBatch(batch(valid()).setType(BundleType.COLLECTION)),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Bundle.type");
    problem(
        () -> DocumentReferences.fromBatch(batch(valid()).setType(null)),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Bundle.type");
  }

  @Test
  void everyEntryMustBeAPostOfADocumentReference() {
    Bundle put = batch(valid(), valid());
    put.getEntry().get(1).getRequest().setMethod(HTTPVerb.PUT);
    problem(
        () -> DocumentReferences.fromBatch(put),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Bundle.entry[1]");

    Bundle otherUrl = batch(valid());
    otherUrl.getEntryFirstRep().getRequest().setUrl("Consent");
    problem(
        () -> DocumentReferences.fromBatch(otherUrl),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Bundle.entry[0]");

    Bundle noRequest = batch(valid());
    noRequest.getEntryFirstRep().setRequest(null);
    problem(
        () -> DocumentReferences.fromBatch(noRequest),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Bundle.entry[0]");

    Bundle patient = batch(valid());
    patient.getEntryFirstRep().setResource(new Patient());
    problem(
        () -> DocumentReferences.fromBatch(patient),
        ErrorCode.FHIR_RESOURCE_INVALID,
        "Bundle.entry[0]");

    Bundle conditional = batch(valid());
    conditional.getEntryFirstRep().getRequest().setIfNoneExist("identifier=lab-1");
    problem(
        () -> DocumentReferences.fromBatch(conditional),
        ErrorCode.FHIR_NOT_SUPPORTED,
        "Bundle.entry[0].request.ifNoneExist");
  }

  @Test
  void aBatchResponseAnswersEveryEntryAndValidates() {
    Bundle response =
        DocumentReferences.batchResponse(
            List.of(
                EntryOutcome.created("DocumentReference/lab-1/_history/1"),
                new EntryOutcome(
                    "400 Bad Request",
                    null,
                    OperationOutcomes.of(
                        ErrorCode.FHIR_RESOURCE_INVALID,
                        IssueType.REQUIRED,
                        "the record id is required",
                        "DocumentReference.masterIdentifier.value"))));

    assertThat(response.getType()).isEqualTo(BundleType.BATCHRESPONSE);
    assertThat(response.getEntry()).hasSize(2);
    assertThat(response.getEntry().get(0).getResponse().getStatus()).isEqualTo("201 Created");
    assertThat(response.getEntry().get(0).getResponse().getLocation())
        .isEqualTo("DocumentReference/lab-1/_history/1");
    assertThat(response.getEntry().get(1).getResponse().getStatus()).isEqualTo("400 Bad Request");
    assertThat(response.getEntry().get(1).getResponse().getOutcome()).isNotNull();
    VALIDATION.assertValid(response);
  }

  @Test
  void anEntryOutcomeNeedsAStatus() {
    assertThatThrownBy(() -> new EntryOutcome(" ", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
