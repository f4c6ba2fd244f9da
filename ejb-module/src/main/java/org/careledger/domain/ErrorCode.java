package org.careledger.domain;

/**
 * Every error a user, operator or client can see carries one of these stable codes, so logs,
 * problem responses and support tickets point at one place in the code. Codes are never reused or
 * renumbered; retired ones stay listed.
 */
public enum ErrorCode {
  /** The node keystore cannot be parsed: the file is damaged or not a PKCS#12 keystore. */
  IDENTITY_KEYSTORE_CORRUPT(1001),
  /** The node keystore does not open with the password held in the credential store. */
  IDENTITY_KEYSTORE_WRONG_PASSWORD(1002),
  /** A keystore exists, but the credential store holds no password for it. */
  IDENTITY_PASSWORD_MISSING(1003),
  /** The keystore belongs to another institution than the one configured. */
  IDENTITY_INSTITUTION_MISMATCH(1004),
  /** The keystore lacks one of the signing, key-agreement or TLS entries. */
  IDENTITY_INCOMPLETE(1005),
  /** The institution id is missing or not of the allowed form. */
  INVALID_INSTITUTION_ID(1006),
  /** WildFly's credential store is not configured or cannot be read or written. */
  CREDENTIAL_STORE_UNAVAILABLE(1007),
  /** The database cannot be reached. */
  DATABASE_UNREACHABLE(1008),
  /**
   * A schema migration failed; the schema is left as the failed migration's transaction left it.
   */
  DATABASE_MIGRATION_FAILED(1009),
  /** The node is still starting (migrations or identity not done). */
  NODE_NOT_READY(1010),
  /** The keystore could not be written. */
  IDENTITY_KEYSTORE_WRITE_FAILED(1011),
  /** A value outside the canonical JSON model: type, key, float, integer range, lone surrogate. */
  ENCODING_UNSUPPORTED_VALUE(1100),
  /** Bytes offered as canonical JSON are not well-formed UTF-8 JSON, or repeat a member name. */
  ENCODING_MALFORMED(1101),
  /** Well-formed JSON that differs from its RFC 8785 canonical encoding, so it cannot be signed. */
  ENCODING_NOT_CANONICAL(1102),
  /** Canonical JSON nested deeper or larger than the ledger accepts. */
  ENCODING_LIMIT_EXCEEDED(1103),
  /** A key or certificate given for Ed25519 holds another algorithm or a damaged encoding. */
  SIGNING_KEY_NOT_ED25519(1110),
  /** A transaction, header or certificate that is not of the ledger's form (fields, types, ids). */
  TX_MALFORMED(1150),
  /** A transaction larger than the ledger accepts; documents travel off-chain. */
  TX_TOO_LARGE(1151),
  /** A transaction whose signature does not verify under its author's signing key. */
  TX_SIGNATURE_INVALID(1152),
  /** A transaction by an institution that is not a member of the channel, or with a stale key. */
  TX_UNKNOWN_AUTHOR(1153),
  /** No channel of that id is held by this node. */
  CHANNEL_UNKNOWN(1170),
  /** A channel of that id exists already. */
  CHANNEL_EXISTS(1171),
  /** No transaction of that id is on the channel's chain. */
  TX_UNKNOWN(1172),
  /** A chain that fails verification: a link, tree head, signature or certificate is wrong. */
  CHAIN_INVALID(1160),
  /** A proof bundle that does not prove what it claims; the message names the failing check. */
  PROOF_INVALID(1161),
  /** A Merkle proof is well formed but does not lead to the expected root hash. */
  MERKLE_PROOF_INVALID(1201),
  /** A Merkle proof's index, sizes, path length or hash lengths fit no valid proof. */
  MERKLE_PROOF_MALFORMED(1202),
  /** An encrypted blob failed authentication: altered, or read with another key or record id. */
  BLOB_TAMPERED(1301),
  /** An encrypted blob ends before its final chunk. */
  BLOB_TRUNCATED(1302),
  /** A data-key envelope does not open: damaged, or sealed for another recipient or record. */
  ENVELOPE_INVALID(1303),
  /** A blob does not start with a CareLedger blob header of a version this node reads. */
  BLOB_FORMAT_UNSUPPORTED(1304),
  /** No stored document has that content address (never stored, or erased). */
  BLOB_NOT_FOUND(1310),
  /** A stored document's ciphertext no longer hashes to its content address. */
  BLOB_HASH_MISMATCH(1311),
  /** The document store could not write or read a file. */
  BLOB_STORE_FAILED(1312),
  /** The record was erased (crypto-shredded): its ciphertext and key envelopes are gone. */
  RECORD_ERASED(1313),
  // --- Federation transport over JMS bridges (1600-1649) ---------------------------------------
  /** No outbound queue (bridge) is configured on this node for that peer institution. */
  FEDERATION_PEER_UNKNOWN(1600),
  /** An inbound federation message is not of a form this node reads; it is dropped, not retried. */
  FEDERATION_MESSAGE_MALFORMED(1601),
  /** The message could not be handed to the local outbound queue (JMS failure). */
  FEDERATION_SEND_FAILED(1602),
  /** Any failure without a more precise code; its detail is in the server log. */
  INTERNAL_ERROR(1999);

  private final int number;

  ErrorCode(int number) {
    this.number = number;
  }

  /** The code as users see it, e.g. {@code CL-1001}. */
  public String code() {
    return "CL-" + number;
  }

  @Override
  public String toString() {
    return code();
  }
}
