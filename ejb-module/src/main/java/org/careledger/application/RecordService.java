package org.careledger.application;

import jakarta.ejb.Local;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.careledger.domain.ledger.ChainVerifier;

/**
 * Documents a provider registers: encrypted into the off-chain store, their hash and key envelope's
 * hash on the channel's chain.
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
   * channel's pseudonym here; the id goes nowhere), a LOINC class, and a registration-time range
   * (from inclusive, to exclusive; the time the record's block was proposed).
   */
  record Query(String patientId, String documentClass, Instant from, Instant to) {
    @Override
    public String toString() {
      return "Query[class=" + documentClass + ", from=" + from + ", to=" + to + ", redacted]";
    }
  }

  /**
   * A record as the chain describes it (what every member of the channel can see), plus the title
   * and clinical date where this node is its provider and keeps them.
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

  /** The document's plaintext, checked against the chain's hash before any byte is returned. */
  InputStream read(String channelId, String recordId);

  /**
   * Crypto-shredding: commits an erase transaction, destroys the record's key envelopes and, once
   * that is committed, its ciphertext. The chain keeps the hashes and still verifies; the content
   * cannot be recovered.
   */
  String erase(String channelId, String recordId, String reasonCode);

  /** The chain check, then every registered document this node stores re-hashed. */
  ChainVerifier.Report verifyWithDocuments(String channelId);
}
