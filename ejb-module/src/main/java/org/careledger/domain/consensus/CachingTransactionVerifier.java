package org.careledger.domain.consensus;

import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * Remembers which transactions verified under which membership (by identity of the membership
 * object), so re-checking one costs a map lookup. Failures are not remembered. Bounded (least
 * recently used entries go first); thread-safe.
 */
public final class CachingTransactionVerifier implements TransactionVerifier {

  private final TransactionVerifier delegate;
  private final RecentlyVerified<Key> verified;

  private record Key(SignedTransaction transaction, Membership membership) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key that
          && transaction.equals(that.transaction)
          && membership == that.membership;
    }

    @Override
    public int hashCode() {
      return transaction.hashCode() * 31 + System.identityHashCode(membership);
    }
  }

  public CachingTransactionVerifier(TransactionVerifier delegate, int capacity) {
    this.delegate = delegate;
    this.verified = new RecentlyVerified<>(capacity);
  }

  @Override
  public void verify(SignedTransaction transaction, Membership membership) {
    Key key = new Key(transaction, membership);
    if (verified.contains(key)) {
      return;
    }
    delegate.verify(transaction, membership);
    verified.add(key);
  }
}
