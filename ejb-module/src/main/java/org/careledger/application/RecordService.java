package org.careledger.application;

import jakarta.ejb.Local;
import java.io.InputStream;
import org.careledger.domain.ledger.ChainVerifier;

/**
 * Documents a provider registers: encrypted into the off-chain store, their hash and key envelope's
 * hash on the channel's chain.
 */
@Local
public interface RecordService {

  /**
   * What a caller says about a document. No name, identifier or clinical text: the patient is a
   * 64-hex pseudonym, the class a LOINC code.
   */
  record Metadata(
      String recordId, String mediaType, String documentClass, String patientPseudonym) {}

  record Registered(
      String channelId, String recordId, String contentHash, long size, String txId, long height) {}

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
