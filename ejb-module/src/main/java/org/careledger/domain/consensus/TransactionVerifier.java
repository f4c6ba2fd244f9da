package org.careledger.domain.consensus;

import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * Checks a transaction's author and signature against the channel's members. {@link #DIRECT} is
 * {@link SignedTransaction#verify}; {@link CachingTransactionVerifier} remembers successes, since
 * every member checks each transaction when it enters the pool and again inside each proposal.
 */
@FunctionalInterface
public interface TransactionVerifier {

  TransactionVerifier DIRECT = SignedTransaction::verify;

  /** Throws a {@link org.careledger.domain.CareLedgerException} if the transaction is not valid. */
  void verify(SignedTransaction transaction, Membership membership);
}
