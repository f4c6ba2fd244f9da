package org.careledger.domain.consensus;

import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * What the engine reads from the member's committed chain besides its head: whether a transaction
 * is already on it, so no transaction is proposed or accepted twice (the chain verifier rejects a
 * chain with a repeated transaction id).
 */
@FunctionalInterface
public interface LedgerView {

  boolean containsTransaction(byte[] transactionId);

  /**
   * Which of these transactions are on the chain, as lower-case hex ids. The engine asks once per
   * batch (a relay, a proposal, a synchronised block); a database-backed view answers with one
   * query instead of one per transaction.
   */
  default Set<String> committedAmong(Collection<byte[]> transactionIds) {
    Set<String> committed = new HashSet<>();
    for (byte[] id : transactionIds) {
      if (containsTransaction(id)) {
        committed.add(HexFormat.of().formatHex(id));
      }
    }
    return committed;
  }
}
