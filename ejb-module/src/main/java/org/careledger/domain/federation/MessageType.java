package org.careledger.domain.federation;

import java.util.Optional;

/**
 * What a federation envelope's payload is, as one byte on the wire. Codes 1-15 are protocol
 * messages; 16-63 are for document transfer; codes are never reused.
 */
public enum MessageType {
  /** A consensus engine message (proposal, prepare, commit, round change). */
  CONSENSUS(1),
  /** A lagging member asks a peer for blocks with their certificates. */
  SYNC_REQUEST(2),
  /** Blocks with certificates, answering a sync request. */
  SYNC_RESPONSE(3),
  /** Liveness probe between peers; the only type that may name no channel. */
  PING(4),
  /** Signed transactions submitted at the sender, for every member's pending pool. */
  TRANSACTIONS(5),
  /** A grantee asks the record's provider for its ciphertext (and its own key envelope). */
  DOCUMENT_REQUEST(16),
  /** One piece of a document's ciphertext, answering a document request. */
  DOCUMENT_CHUNK(17),
  /** The provider will not serve the request (no grant in force on its chain, erased, ...). */
  DOCUMENT_REFUSED(18);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<MessageType> ofCode(int code) {
    for (MessageType type : values()) {
      if (type.code == code) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
