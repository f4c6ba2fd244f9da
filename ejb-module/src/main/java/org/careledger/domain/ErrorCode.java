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
  /** An encrypted blob failed authentication: altered, or read with another key or record id. */
  BLOB_TAMPERED(1301),
  /** An encrypted blob ends before its final chunk. */
  BLOB_TRUNCATED(1302),
  /** A data-key envelope does not open: damaged, or sealed for another recipient or record. */
  ENVELOPE_INVALID(1303),
  /** A blob does not start with a CareLedger blob header of a version this node reads. */
  BLOB_FORMAT_UNSUPPORTED(1304),
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
