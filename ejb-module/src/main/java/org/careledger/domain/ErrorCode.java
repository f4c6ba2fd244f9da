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
  /** A batch of submissions with more transactions than a node takes in one request. */
  TX_BATCH_TOO_LARGE(1154),
  /** No channel of that id is held by this node. */
  CHANNEL_UNKNOWN(1170),
  /** A channel of that id exists already. */
  CHANNEL_EXISTS(1171),
  /** No transaction of that id is on the channel's chain. */
  TX_UNKNOWN(1172),
  /** The channel has no block at that height (yet). */
  BLOCK_UNKNOWN(1173),
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
  // --- Federation (1500-1549): descriptor, descriptor-derived genesis, signed envelopes ---
  /**
   * A federation descriptor that is not of the documented form: a field missing, unknown or
   * mistyped.
   */
  FEDERATION_DESCRIPTOR_MALFORMED(1500),
  /** A federation descriptor of a version this node does not read. */
  FEDERATION_DESCRIPTOR_VERSION_UNSUPPORTED(1501),
  /** A federation, institution or channel id in a descriptor that is not of the allowed form. */
  FEDERATION_ID_INVALID(1502),
  /** An institution listed twice, or two institutions sharing a certificate or key. */
  FEDERATION_MEMBER_DUPLICATE(1503),
  /** The federation id is also an institution id; genesis authorship would be ambiguous. */
  FEDERATION_ID_CLASHES_WITH_MEMBER(1504),
  /** A member certificate that is not base64 DER X.509, or names another institution. */
  FEDERATION_CERTIFICATE_INVALID(1505),
  /**
   * A member certificate of the wrong key type (signing Ed25519, agreement X25519, TLS P-256/RSA).
   */
  FEDERATION_CERTIFICATE_WRONG_KEY_TYPE(1506),
  /** A member's Artemis host or port is not valid, or two members share one endpoint. */
  FEDERATION_ENDPOINT_INVALID(1507),
  /** Two channels with the same id. */
  FEDERATION_CHANNEL_DUPLICATE(1508),
  /** A channel lists an institution that is not a declared member, or one member twice. */
  FEDERATION_CHANNEL_MEMBER_UNDECLARED(1509),
  /** A channel's consensus mode does not fit its member count (single 1, unanimity 2-3, bft 4+). */
  FEDERATION_CONSENSUS_MISMATCH(1510),
  /** A channel's batch bounds lie outside the accepted range. */
  FEDERATION_BATCH_OUT_OF_RANGE(1511),
  /** A channel's consent policy is not a JSON object. */
  FEDERATION_CONSENT_POLICY_INVALID(1512),
  /** The descriptor holds no channel of that id. */
  FEDERATION_CHANNEL_UNKNOWN(1513),
  /** A federation envelope that is not of the wire form (truncated, bad field, trailing bytes). */
  FEDERATION_ENVELOPE_MALFORMED(1520),
  /** A federation envelope larger than the limit. */
  FEDERATION_ENVELOPE_TOO_LARGE(1521),
  /** A federation envelope of a wire version this node does not read. */
  FEDERATION_ENVELOPE_VERSION_UNSUPPORTED(1522),
  /** A federation envelope for another federation. */
  FEDERATION_ENVELOPE_WRONG_FEDERATION(1523),
  /** A federation envelope for a channel the descriptor does not hold. */
  FEDERATION_ENVELOPE_UNKNOWN_CHANNEL(1524),
  /** A federation envelope whose sender is not a member of the federation or of its channel. */
  FEDERATION_ENVELOPE_UNKNOWN_SENDER(1525),
  /** A federation envelope whose signature does not verify under its sender's signing key. */
  FEDERATION_ENVELOPE_SIGNATURE_INVALID(1526),
  /** A federation envelope already received (same sender and message id): dropped. */
  FEDERATION_ENVELOPE_DUPLICATE(1527),
  /** A federation envelope older than the acceptance window: dropped. */
  FEDERATION_ENVELOPE_EXPIRED(1528),
  /** A federation envelope dated further in the future than the allowed clock skew. */
  FEDERATION_ENVELOPE_FROM_THE_FUTURE(1529),
  /** The replay guard holds as many live message ids as it may; retry once some expire. */
  FEDERATION_REPLAY_GUARD_FULL(1530),
  /** A sync request, sync response or transactions payload that is not of its wire form. */
  FEDERATION_PAYLOAD_MALFORMED(1531),
  /** The node's federation descriptor is missing, unreadable or does not name this node. */
  FEDERATION_CONFIG_INVALID(1532),
  /** A channel's stored genesis differs from the one its federation descriptor derives. */
  FEDERATION_GENESIS_MISMATCH(1533),
  /**
   * A submitted transaction was not committed within the wait: it may still commit (poll its proof)
   * or, if the channel cannot reach a quorum, stay pending.
   */
  FEDERATION_COMMIT_TIMEOUT(1534),
  // --- Consensus (1400–1449): QBFT engine, its messages, block synchronisation ---
  /** A consensus message or signed state whose bytes do not decode to the documented form. */
  CONSENSUS_MESSAGE_MALFORMED(1400),
  /** A consensus message larger, or with more entries, than the engine accepts. */
  CONSENSUS_MESSAGE_TOO_LARGE(1401),
  /** A consensus message from an institution that is not a member of the channel. */
  CONSENSUS_UNKNOWN_SENDER(1402),
  /** A consensus message, justification entry or commit seal whose signature does not verify. */
  CONSENSUS_SIGNATURE_INVALID(1403),
  /** A proposal sent by a member that is not the proposer of its height and round. */
  CONSENSUS_WRONG_PROPOSER(1404),
  /** A proposed block that fails the engine's or the channel's block validation. */
  CONSENSUS_PROPOSAL_INVALID(1405),
  /** A proposal or round change whose round-change or prepare certificate does not justify it. */
  CONSENSUS_JUSTIFICATION_INVALID(1406),
  /** A block received by synchronisation that does not link, verify or carry a quorum. */
  CONSENSUS_SYNC_BLOCK_INVALID(1407),
  /** A message for another channel, an old height or round, or otherwise not for this instance. */
  CONSENSUS_MESSAGE_IRRELEVANT(1408),
  /** Signing would contradict a message this member signed before (possibly before a restart). */
  CONSENSUS_CONFLICTING_SIGNATURE(1409),
  /** Engine settings or persisted state that do not fit the channel (bad bounds, wrong channel). */
  CONSENSUS_CONFIG_INVALID(1410),
  /**
   * A transaction offered to the pool that is for another channel, unsigned or already committed.
   */
  CONSENSUS_TRANSACTION_REJECTED(1411),
  /**
   * Another node of this institution took the consensus member over (its lease epoch is newer):
   * this node signs nothing more and stands by (an institution run as a cluster casts one vote).
   */
  CONSENSUS_MEMBER_FENCED(1412),
  // --- Channel governance (1450-1469): channel-config updates and their approvals --------------
  /**
   * A channel-config update that cannot apply to the configuration in force (stale base, unknown or
   * already present member, a revoked or unchanged certificate, a malformed body).
   */
  CONFIG_UPDATE_INVALID(1450),
  /** An approval of a config update that is not pending (unknown, applied or superseded). */
  CONFIG_PROPOSAL_UNKNOWN(1451),
  /** An approval by a member that does not decide on this update, or approves it twice. */
  CONFIG_APPROVAL_INVALID(1452),
  // --- Sharing (1700-1749): patients, record metadata, requests and grants ---------------------
  /** A patient id that is not 1-128 printable ASCII characters without spaces. */
  PATIENT_ID_INVALID(1700),
  /**
   * The node holds no pseudonym key for the channel (the federation launcher provisions one per
   * channel; between institutions it is exchanged out of band), or the key is malformed.
   */
  PSEUDONYM_KEY_MISSING(1701),
  /** Record metadata that is not of its form: a title too long, a date that is not ISO 8601. */
  RECORD_METADATA_INVALID(1702),
  /**
   * A record id already registered on the channel: a new version is an amendment ({@code POST
   * …/records/{recordId}/versions}).
   */
  RECORD_EXISTS(1703),
  /** A search whose parameters are not of their form (a time that is not ISO 8601). */
  QUERY_INVALID(1704),
  /**
   * The caller's institution holds no grant for the record that is in force (none committed,
   * revoked, expired, or the record erased); the refusal itself is logged on the chain.
   */
  ACCESS_DENIED(1710),
  /** No access request with that id is on the channel. */
  REQUEST_UNKNOWN(1711),
  /** Only the record's provider may grant, deny or revoke access to it. */
  NOT_RECORD_PROVIDER(1712),
  /** The request was already granted or denied. */
  REQUEST_CLOSED(1713),
  /** No grant with that transaction id is on the channel, or it was revoked already. */
  GRANT_UNKNOWN(1714),
  /** A purpose of use that is not one of the HL7 PurposeOfUse codes CareLedger accepts. */
  PURPOSE_INVALID(1715),
  /** The provider's node did not deliver the document within the retrieval wait. */
  TRANSFER_TIMEOUT(1716),
  /**
   * The provider's node refused the transfer, or what arrived does not match the chain (content
   * hash or key-envelope hash): nothing of it is returned.
   */
  TRANSFER_FAILED(1717),
  /** A request for a record of this node's own institution: it reads its records directly. */
  REQUEST_FOR_OWN_RECORD(1718),
  /** The caller is authenticated but holds none of the roles the operation needs. */
  ROLE_REQUIRED(1719),
  /**
   * A grant the channel's sharing policy does not allow (the grantee's role may not receive that
   * document class, or not for that purpose, or not without the patient's consent): refused before
   * it is submitted, and by every member while validating a block.
   */
  POLICY_VIOLATION(1720),
  /** A consent that is not of its form (decision permit or withdraw, a member as grantee). */
  CONSENT_INVALID(1721),
  /**
   * An amendment or grant prepared against a state of the record that is no longer its current one:
   * the amendment does not name the current version as its previous one (another amendment
   * committed first, or the caller's expected version is stale), it does not carry a key envelope
   * for every grant in force (a grant committed meanwhile), or a grant wraps the data key of a
   * version that is no longer current. Refused by every member; nothing is stored. Read the record
   * again and retry.
   */
  RECORD_VERSION_CONFLICT(1722),
  /**
   * A grant of a request for a patient's records of a class, when this provider holds no record on
   * the chain for that patient (pseudonym) and class that is not erased: nothing is committed; the
   * provider denies the request instead, or grants it once such a record is registered.
   */
  CLASS_REQUEST_NO_RECORDS(1723),
  /**
   * A caller with the patient role whose identity names no patient (no {@code patient-id} attribute
   * in the realm, no such claim in the bearer token): the patient views cannot tell whose records
   * are theirs.
   */
  PATIENT_NOT_LINKED(1725),
  // --- HTTP requests the API cannot take (1800-1819) ------------------------------------------
  /** A request body that is not well-formed (malformed JSON, a body that does not parse). */
  REQUEST_BODY_MALFORMED(1800),
  /** A request body of a media type the operation does not take (e.g. text/plain for JSON). */
  MEDIA_TYPE_UNSUPPORTED(1801),
  /** An HTTP method the path does not offer. */
  METHOD_NOT_ALLOWED(1802),
  /** No API operation at this path. */
  PATH_UNKNOWN(1803),
  /** A response in none of the media types the caller accepts. */
  NOT_ACCEPTABLE(1804),
  // --- Admin console sessions (1820-1839) ------------------------------------------------------
  /** A console call without a signed-in session (never signed in, signed out, or expired). */
  CONSOLE_NOT_SIGNED_IN(1820),
  /**
   * A state-changing request on a signed-in browser session without the session's CSRF token (or
   * with another): refused, nothing done.
   */
  CSRF_TOKEN_INVALID(1821),
  /** A console sign-in by an account that has neither the admin nor the auditor role. */
  CONSOLE_ROLE_REQUIRED(1822),
  /** No verification run of that id is known here (never started, or no longer kept). */
  VERIFICATION_UNKNOWN(1823),
  // --- Federation transport over JMS bridges (1600-1649) ---------------------------------------
  /** No outbound queue (bridge) is configured on this node for that peer institution. */
  FEDERATION_PEER_UNKNOWN(1600),
  /** An inbound federation message is not of a form this node reads; it is dropped, not retried. */
  FEDERATION_MESSAGE_MALFORMED(1601),
  /** The message could not be handed to the local outbound queue (JMS failure). */
  FEDERATION_SEND_FAILED(1602),
  /** Any failure without a more precise code; its detail is in the server log. */
  /**
   * A research export would hold a group of patients sharing the same quasi-identifiers (birth
   * year, sex, three-digit ZIP) smaller than the required k: refused, nothing exported.
   */
  RESEARCH_BELOW_K(1730),
  /** A research export asked for is not of its form (no document class, a k below the node's). */
  RESEARCH_EXPORT_INVALID(1731),
  /**
   * A FHIR resource that is not valid for what it is sent for (not parseable, the wrong resource
   * type, a required element missing or not of its form): answered with an OperationOutcome.
   */
  FHIR_RESOURCE_INVALID(1900),
  /** A FHIR interaction, search parameter or Bundle type this server does not support. */
  FHIR_NOT_SUPPORTED(1901),
  /**
   * A patient identifier in a FHIR URL's query string, which proxies and access logs record: use
   * {@code POST …/_search} with a form body (or the {@code CareLedger-Patient-Id} header).
   */
  FHIR_PATIENT_ID_IN_URL(1902),
  /**
   * A DocumentReference whose inline attachment is larger than the FHIR interface takes (stream
   * large documents through {@code POST …/records} instead).
   */
  FHIR_ATTACHMENT_TOO_LARGE(1903),
  INTERNAL_ERROR(1999);

  private final int number;

  ErrorCode(int number) {
    this.number = number;
  }

  /** The number of the code ({@code 1001} for {@code CL-1001}). */
  public int number() {
    return number;
  }

  /** The code with that number, if there is one. */
  public static java.util.Optional<ErrorCode> ofNumber(int number) {
    for (ErrorCode code : values()) {
      if (code.number == number) {
        return java.util.Optional.of(code);
      }
    }
    return java.util.Optional.empty();
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
