package org.careledger.domain.consensus;

/**
 * What the engine reads from the member's committed chain besides its head: whether a transaction
 * is already on it, so no transaction is proposed or accepted twice (the chain verifier rejects a
 * chain with a repeated transaction id).
 */
@FunctionalInterface
public interface LedgerView {

  boolean containsTransaction(byte[] transactionId);
}
