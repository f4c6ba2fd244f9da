package org.careledger.interfaces.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.careledger.application.RecordService;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.StringType;

/**
 * DocumentReference &#8596; CareLedger record: what a FHIR create registers, what a search returns,
 * and batch Bundles of creates. See the package documentation for the choices.
 */
public final class DocumentReferences {

  /** Extension on {@code content.attachment}: the SHA-256 (hex) of the stored ciphertext. */
  public static final String CIPHERTEXT_SHA256_EXTENSION =
      Mapping.STRUCTURE_DEFINITION_BASE + "ciphertext-sha256";

  /** The record id form this interface takes (the ledger's, starting with a letter or digit). */
  static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,80}");
  private static final int MAX_TITLE = 500;

  private DocumentReferences() {}

  /**
   * What a FHIR create asks to register: the fields of {@link RecordService.Metadata} and the
   * decoded document. {@link #toString()} hides the patient id and title.
   */
  public record Registration(
      String recordId,
      String patientId,
      String documentClass,
      String mediaType,
      String title,
      String documentDate,
      byte[] content) {

    /** The metadata for {@link RecordService#register}. */
    public RecordService.Metadata metadata() {
      return new RecordService.Metadata(
          recordId, mediaType, documentClass, patientId, title, documentDate);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Registration r
          && Objects.equals(recordId, r.recordId)
          && Objects.equals(patientId, r.patientId)
          && Objects.equals(documentClass, r.documentClass)
          && Objects.equals(mediaType, r.mediaType)
          && Objects.equals(title, r.title)
          && Objects.equals(documentDate, r.documentDate)
          && Arrays.equals(content, r.content);
    }

    @Override
    public int hashCode() {
      return Objects.hash(recordId, patientId, documentClass, mediaType, title, documentDate) * 31
          + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
      return "Registration[recordId="
          + recordId
          + ", class="
          + documentClass
          + ", mediaType="
          + mediaType
          + ", bytes="
          + (content == null ? 0 : content.length)
          + ", redacted]";
    }
  }

  /**
   * One entry of a batch-response.
   *
   * @param status the HTTP status line, e.g. {@code 201 Created}, {@code 400 Bad Request}
   * @param location for a created record {@code DocumentReference/{id}/_history/1}, else null
   * @param outcome for a failure, the OperationOutcome, else null
   */
  public record EntryOutcome(String status, String location, OperationOutcome outcome) {

    public EntryOutcome {
      if (status == null || status.isBlank()) {
        throw new IllegalArgumentException("an entry outcome needs a status");
      }
    }

    /** {@code 201 Created} at {@code location}. */
    public static EntryOutcome created(String location) {
      return new EntryOutcome("201 Created", location, null);
    }
  }

  /**
   * The registration a DocumentReference asks for (the rules are in the package documentation).
   *
   * @param maxInlineBytes the largest inline document taken (decoded bytes)
   * @throws FhirProblem {@code CL-1900} naming the offending element; {@code CL-1903} for data
   *     larger than {@code maxInlineBytes}; {@code CL-1901} for {@code relatesTo} (amendments do
   *     not travel as FHIR creates)
   */
  public static Registration fromResource(DocumentReference dr, int maxInlineBytes) {
    Objects.requireNonNull(dr, "dr");
    String recordId = recordId(dr);
    if (dr.hasStatus() && dr.getStatus() != DocumentReferenceStatus.CURRENT) {
      throw FhirProblem.invalid(
          "DocumentReference.status",
          "only a current document is registered (status " + dr.getStatus().toCode() + ")");
    }
    if (dr.hasRelatesTo()) {
      throw FhirProblem.notSupported(
          "DocumentReference.relatesTo",
          "a DocumentReference relating to another is not taken: register a new record, or amend"
              + " one through POST …/records/{recordId}/versions");
    }
    String documentClass = documentClass(dr);
    String patientId = Mapping.patientId(dr.getSubject(), "DocumentReference.subject");
    if (dr.getContent().size() != 1) {
      throw FhirProblem.invalid(
          "DocumentReference.content",
          "exactly one content is taken (" + dr.getContent().size() + " given)");
    }
    Attachment attachment = dr.getContentFirstRep().getAttachment();
    String at = "DocumentReference.content[0].attachment";
    if (attachment.hasUrl()) {
      throw FhirProblem.invalid(
          at + ".url", "this server does not fetch documents: send them inline as data");
    }
    if (!attachment.hasContentType()) {
      throw FhirProblem.required(at + ".contentType", "the document's media type is required");
    }
    String mediaType = attachment.getContentType();
    if (!MEDIA_TYPE.matcher(mediaType).matches()) {
      throw FhirProblem.invalid(
          at + ".contentType", "a media type is type/subtype in lower case, without parameters");
    }
    if (!attachment.hasData()) {
      throw FhirProblem.required(at + ".data", "the document is required inline, as data");
    }
    byte[] content = attachment.getData();
    if (content.length > maxInlineBytes) {
      throw new FhirProblem(
          ErrorCode.FHIR_ATTACHMENT_TOO_LARGE,
          IssueType.TOOCOSTLY,
          "an inline document is at most "
              + maxInlineBytes
              + " bytes ("
              + content.length
              + " given): upload large documents through POST …/records",
          at + ".data");
    }
    if (attachment.hasSize() && attachment.getSize() != content.length) {
      throw FhirProblem.invalid(
          at + ".size",
          "size " + attachment.getSize() + " differs from the data's " + content.length + " bytes");
    }
    if (attachment.hasHash() && !Arrays.equals(attachment.getHash(), sha1(content))) {
      throw FhirProblem.invalid(at + ".hash", "hash is not the SHA-1 of the data");
    }
    String title = null;
    if (dr.hasDescription()) {
      title = title(dr.getDescription(), "DocumentReference.description");
    } else if (attachment.hasTitle()) {
      title = title(attachment.getTitle(), at + ".title");
    }
    String documentDate = null;
    if (dr.hasContext() && dr.getContext().getPeriod().hasStart()) {
      documentDate =
          isoDate(
              dr.getContext().getPeriod().getStartElement(),
              "DocumentReference.context.period.start");
    } else if (dr.hasDate()) {
      documentDate = dr.getDate().toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
    return new Registration(
        recordId, patientId, documentClass, mediaType, title, documentDate, content);
  }

  /**
   * A record as a DocumentReference.
   *
   * @param patientId the patient's id where the search was by it (then the subject is named by it),
   *     else null (then by the channel's pseudonym, system {@value Mapping#PSEUDONYM_SYSTEM})
   * @param contentUrl where the current version's document is read; left out for an erased record
   */
  public static DocumentReference toResource(
      RecordService.Found found, String patientId, String contentUrl) {
    Objects.requireNonNull(found, "found");
    DocumentReference dr = new DocumentReference();
    dr.setId(Ids.of(found.recordId()));
    dr.getMeta().setVersionId(String.valueOf(found.version()));
    dr.setMasterIdentifier(
        new Identifier().setSystem(Mapping.RECORD_SYSTEM).setValue(found.recordId()));
    dr.setStatus(
        found.erased() ? DocumentReferenceStatus.ENTEREDINERROR : DocumentReferenceStatus.CURRENT);
    dr.setDocStatus(DocumentReference.ReferredDocumentStatus.FINAL);
    dr.getType().addCoding(new Coding(Mapping.LOINC, found.documentClass(), null));
    dr.setSubject(Mapping.patient(patientId, found.patient()));
    if (found.registeredAt() != null) {
      dr.setDate(Date.from(found.registeredAt()));
    }
    dr.addAuthor(Mapping.organization(found.provider()));
    dr.setCustodian(Mapping.organization(found.provider()));
    if (found.title() != null && !found.title().isEmpty()) {
      dr.setDescription(found.title());
    }
    Attachment attachment = dr.addContent().getAttachment();
    attachment.setContentType(found.mediaType());
    if (found.size() >= 0 && found.size() <= Integer.MAX_VALUE) {
      attachment.setSize((int) found.size());
    }
    if (contentUrl != null && !found.erased()) {
      attachment.setUrl(contentUrl);
    }
    if (found.title() != null && !found.title().isEmpty()) {
      attachment.setTitle(found.title());
    }
    if (found.contentHash() != null) {
      attachment.addExtension(CIPHERTEXT_SHA256_EXTENSION, new StringType(found.contentHash()));
    }
    if (found.documentDate() != null && !found.documentDate().isEmpty()) {
      dr.getContext()
          .setPeriod(new Period().setStartElement(new DateTimeType(found.documentDate())));
    }
    return dr;
  }

  /** A {@code searchset} of DocumentReferences ({@link Bundles#searchSet}). */
  public static Bundle searchSet(List<DocumentReference> resources, String selfUrl) {
    return Bundles.searchSet(resources, selfUrl);
  }

  /**
   * The DocumentReferences a {@code batch} Bundle creates, in entry order (each still to go through
   * {@link #fromResource}, answered entry by entry in the batch-response).
   *
   * @throws FhirProblem {@code CL-1901} (expression {@code Bundle.type}) for a {@code transaction}:
   *     each record is its own ledger commit, and a committed one cannot be rolled back with
   *     another; {@code CL-1900} for any other type, and (expression {@code Bundle.entry[i]}) for
   *     an entry that is not a POST of a DocumentReference to {@code DocumentReference}; {@code
   *     CL-1901} for a conditional create ({@code ifNoneExist})
   */
  public static List<DocumentReference> fromBatch(Bundle bundle) {
    Objects.requireNonNull(bundle, "bundle");
    if (bundle.getType() == BundleType.TRANSACTION) {
      throw FhirProblem.notSupported(
          "Bundle.type",
          "transaction Bundles are not supported: every record is its own ledger commit, which"
              + " cannot be rolled back together with others; send a batch");
    }
    if (bundle.getType() != BundleType.BATCH) {
      throw FhirProblem.invalid(
          "Bundle.type",
          "a Bundle at the base is a batch of creates or a FHIR document ("
              + (bundle.hasType() ? bundle.getType().toCode() : "no type")
              + " given)");
    }
    List<DocumentReference> out = new ArrayList<>();
    List<BundleEntryComponent> entries = bundle.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      String where = "Bundle.entry[" + i + "]";
      if (!entry.hasRequest()
          || entry.getRequest().getMethod() != HTTPVerb.POST
          || !"DocumentReference".equals(entry.getRequest().getUrl())) {
        throw FhirProblem.invalid(
            where, "every entry must be a POST to DocumentReference (a create)");
      }
      if (entry.getRequest().hasIfNoneExist()) {
        throw FhirProblem.notSupported(
            where + ".request.ifNoneExist", "conditional create is not supported");
      }
      if (!(entry.getResource() instanceof DocumentReference dr)) {
        throw FhirProblem.invalid(where, "every entry's resource must be a DocumentReference");
      }
      out.add(dr);
    }
    return out;
  }

  /** A {@code batch-response} Bundle, one entry per outcome in order. */
  public static Bundle batchResponse(List<EntryOutcome> outcomes) {
    Objects.requireNonNull(outcomes, "outcomes");
    Bundle bundle = new Bundle().setType(BundleType.BATCHRESPONSE);
    for (EntryOutcome outcome : outcomes) {
      Bundle.BundleEntryResponseComponent response = bundle.addEntry().getResponse();
      response.setStatus(outcome.status());
      if (outcome.location() != null) {
        response.setLocation(outcome.location());
      }
      if (outcome.outcome() != null) {
        response.setOutcome(outcome.outcome());
      }
    }
    return bundle;
  }

  private static String recordId(DocumentReference dr) {
    if (!dr.hasMasterIdentifier() || !dr.getMasterIdentifier().hasValue()) {
      throw FhirProblem.required(
          "DocumentReference.masterIdentifier.value", "the record id is required");
    }
    String recordId = dr.getMasterIdentifier().getValue();
    if (!RECORD_ID.matcher(recordId).matches()) {
      throw FhirProblem.invalid(
          "DocumentReference.masterIdentifier.value",
          "a record id is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return recordId;
  }

  private static String documentClass(DocumentReference dr) {
    String code = null;
    List<Coding> codings = dr.getType().getCoding();
    for (int i = 0; i < codings.size(); i++) {
      Coding coding = codings.get(i);
      if (!Mapping.LOINC.equals(coding.getSystem())) {
        continue;
      }
      String path = "DocumentReference.type.coding[" + i + "].code";
      if (!coding.hasCode() || !Mapping.LOINC_CODE.matcher(coding.getCode()).matches()) {
        throw FhirProblem.invalid(path, "a LOINC code has the form 12345-6");
      }
      if (code != null && !code.equals(coding.getCode())) {
        throw FhirProblem.invalid(path, "the document has one class: two LOINC codes given");
      }
      code = coding.getCode();
    }
    if (code == null) {
      throw FhirProblem.required(
          "DocumentReference.type.coding",
          "the document class is required as a LOINC coding (system " + Mapping.LOINC + ")");
    }
    return code;
  }

  static String title(String title, String path) {
    if (title.length() > MAX_TITLE) {
      throw FhirProblem.invalid(path, "a title is at most " + MAX_TITLE + " characters");
    }
    if (title.chars().anyMatch(Character::isISOControl)) {
      throw FhirProblem.invalid(path, "a title holds no control characters");
    }
    return title;
  }

  /** A dateTime of at least day precision as its date: as written for a date, UTC otherwise. */
  private static String isoDate(DateTimeType value, String path) {
    TemporalPrecisionEnum precision = value.getPrecision();
    if (precision == TemporalPrecisionEnum.YEAR || precision == TemporalPrecisionEnum.MONTH) {
      throw FhirProblem.invalid(path, "the clinical date needs a day (yyyy-MM-dd)");
    }
    if (precision == TemporalPrecisionEnum.DAY) {
      return LocalDate.of(value.getYear(), value.getMonth() + 1, value.getDay()).toString();
    }
    Instant instant = value.getValue().toInstant();
    return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing", e);
    }
  }
}
