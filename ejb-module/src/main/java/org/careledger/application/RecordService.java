package org.careledger.application;

import jakarta.ejb.Local;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.careledger.domain.ledger.ChainVerifier;

/**
 * Documents a provider registers and amends: encrypted into the off-chain store, their hash and key
 * envelope's hash on the channel's chain.
 *
 * <p><b>Versions.</b> A record is registered as version 1; each amendment by its provider adds the
 * next version (2, 3, …) with its own content, data key, ciphertext and key envelopes, and an
 * {@code amend} transaction naming the previous version. Nothing is overwritten: every version's
 * transaction stays on the chain, and its ciphertext in the provider's store until the record is
 * erased (which destroys all versions). Reads, retrievals and searches give the current (latest)
 * version.
 */
@Local
public interface RecordService {

  /**
   * What a caller says about a document. On the chain go the record id, media type and class (a
   * LOINC code), and the patient only as the channel's pseudonym of {@code patientId}; the patient
   * id, the title (clinical text) and the clinical date stay in this node's database.
   *
   * @param title optional, at most 500 characters, no control characters
   * @param documentDate optional, ISO 8601 ({@code 2026-11-23})
   */
  record Metadata(
      String recordId,
      String mediaType,
      String documentClass,
      String patientId,
      String title,
      String documentDate) {

    /** Hides the patient id and title, so that the metadata never prints them into a log. */
    @Override
    public String toString() {
      return "Metadata[recordId=" + recordId + ", class=" + documentClass + ", redacted]";
    }
  }

  /**
   * What a provider says about a new version of one of its records. The record id, class and
   * patient are the record's and cannot change (a document about another patient or of another
   * class is another record).
   *
   * @param mediaType the new version's media type (required; it may differ from the previous one)
   * @param title optional: the record's new title (kept at this node only); absent keeps the title
   * @param documentDate optional, ISO 8601: the record's new clinical date; absent keeps the date
   * @param expectedVersion optional: the version the caller amends; if the record has moved on (an
   *     amendment by another user committed first) the amendment is refused with {@code
   *     RECORD_VERSION_CONFLICT} rather than silently replacing a version the caller never saw
   */
  record Amendment(String mediaType, String title, String documentDate, Long expectedVersion) {

    /** Hides the title, so that an amendment never prints it into a log. */
    @Override
    public String toString() {
      return "Amendment[mediaType="
          + mediaType
          + ", expectedVersion="
          + expectedVersion
          + ", redacted]";
    }
  }

  /**
   * A committed amendment: the new version, the one it follows, its ciphertext's hash and size, its
   * transaction, and the institutions whose grants in force were carried over to it (each got an
   * envelope for the new data key, named on the chain).
   */
  record Amended(
      String channelId,
      String recordId,
      long version,
      long previousVersion,
      String contentHash,
      long size,
      String mediaType,
      List<String> grantees,
      String txId,
      long height) {}

  /** {@code patient} is the pseudonym that went on the chain. */
  record Registered(
      String channelId,
      String recordId,
      String contentHash,
      long size,
      String patient,
      String txId,
      long height) {}

  /**
   * A search of the channel's records. Every field is optional: the patient by id (turned into the
   * channel's pseudonym here; the id goes nowhere), a LOINC class, a registration-time range (from
   * inclusive, to exclusive; the time the record's block was proposed), and one record by id.
   */
  record Query(String patientId, String documentClass, Instant from, Instant to, String recordId) {
    public Query(String patientId, String documentClass, Instant from, Instant to) {
      this(patientId, documentClass, from, to, null);
    }

    @Override
    public String toString() {
      return "Query[class=" + documentClass + ", from=" + from + ", to=" + to + ", redacted]";
    }
  }

  /**
   * A record as the chain describes it (what every member of the channel can see), plus the title
   * and clinical date where this node is its provider and keeps them. {@code version}, {@code
   * mediaType}, {@code size}, {@code contentHash}, {@code txId} and {@code height} are those of the
   * current version (its register or amend transaction); {@code registeredAt} is when the record
   * was registered (version 1).
   */
  record Found(
      String recordId,
      long version,
      String patient,
      String documentClass,
      String mediaType,
      long size,
      String provider,
      String contentHash,
      String txId,
      long height,
      Instant registeredAt,
      boolean erased,
      String title,
      String documentDate) {}

  /** At most this many records per search, newest first. */
  int FIND_LIMIT = 500;

  /** The channel's records that match, newest first, at most {@link #FIND_LIMIT}. */
  List<Found> find(String channelId, Query query);

  /** Stores the document and commits its register transaction, as one unit. */
  Registered register(String channelId, Metadata metadata, InputStream content);

  /**
   * Stores a new version of a record this node's institution provides and commits its amend
   * transaction, as one unit (a failure leaves neither ciphertext nor ledger entry). Only the
   * record's provider may amend it ({@code NOT_RECORD_PROVIDER}); an erased record cannot be
   * amended ({@code RECORD_ERASED}). Every grant in force keeps access: the new data key is wrapped
   * for each grantee in the same unit, and the envelopes' hashes go on the chain in the amendment.
   */
  Amended amend(String channelId, String recordId, Amendment amendment, InputStream content);

  /**
   * The current version's plaintext, checked against the chain's hash before any byte is returned.
   */
  InputStream read(String channelId, String recordId);

  /**
   * A version's signed ledger transaction ({@code register} for version 1, {@code amend} after):
   * its author, block, consensus time, the author's Ed25519 signature and the canonical bytes it
   * signs (RFC 8785 JSON), for provenance.
   */
  record SignedVersion(
      String recordId,
      long version,
      String author,
      String txId,
      long height,
      Instant committedAt,
      byte[] signature,
      byte[] canonicalTransaction) {}

  /** Every version of a record as signed on the chain, oldest first; empty when unknown. */
  List<SignedVersion> signedVersions(String channelId, String recordId);

  /** The system property with the smallest k a research export may use (default 5). */
  String RESEARCH_MIN_K = "careledger.research.min-k";

  /**
   * A de-identified research dataset and the ledger event that records it.
   *
   * @param txIds its {@code research-export} transactions (one per 500 patients), in order
   * @param height the height of the block of the last of them
   * @param dataset a FHIR R4 Bundle (type collection, JSON) of de-identified resources
   * @param smallestGroup the size of the smallest group of patients sharing quasi-identifiers
   */
  record ResearchExport(
      String exportId,
      List<String> txIds,
      long height,
      String documentClass,
      int k,
      int records,
      int skipped,
      int patients,
      int smallestGroup,
      String datasetHash,
      byte[] dataset) {}

  /**
   * A de-identified dataset of the records of {@code documentClass} that this node's institution
   * provides on the channel, taken only from patients whose latest research consent on the chain is
   * permit (role {@code researcher}). Structured (FHIR JSON) records are de-identified per HIPAA
   * Safe Harbor, dates shifted per patient, patients named by pseudonyms of this export only; the
   * export is refused ({@code RESEARCH_BELOW_K}) when a group of patients sharing quasi-identifiers
   * is smaller than k ({@code requestedK}, at least the node's {@value #RESEARCH_MIN_K}). The
   * export is committed as a {@code research-export} transaction before the dataset is returned.
   */
  ResearchExport researchExport(String channelId, String documentClass, Integer requestedK);

  /**
   * Crypto-shredding: commits an erase transaction, destroys the record's key envelopes (of every
   * version) and, once that is committed, the ciphertext of every version. The chain keeps the
   * hashes and still verifies; the content cannot be recovered.
   */
  String erase(String channelId, String recordId, String reasonCode);

  /** The chain check, then every document version this node stores re-hashed. */
  ChainVerifier.Report verifyWithDocuments(String channelId);

  /** As {@link #verifyWithDocuments(String)}, reporting the blocks checked so far. */
  ChainVerifier.Report verifyWithDocuments(
      String channelId, java.util.function.LongConsumer progress);
}
