package org.careledger.domain.consensus;

import java.nio.ByteBuffer;
import java.util.List;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;

/**
 * Remembers the member signatures that verified, so that a signature checked once — typically by
 * the thread that received a message, before it takes the channel's lock (see {@link #precheck}) —
 * costs the engine a map lookup. Only successes are remembered, keyed by the member, the exact
 * signed bytes and the signature, so a cached answer is never given for anything but the same
 * check. Bounded (least recently used entries go first); thread-safe.
 */
public final class CachingSignatureVerifier implements SignatureVerifier {

  private final SignatureVerifier delegate;
  private final RecentlyVerified<Key> verified;

  private record Key(Member member, ByteBuffer message, ByteBuffer signature) {}

  public CachingSignatureVerifier(SignatureVerifier delegate, int capacity) {
    this.delegate = delegate;
    this.verified = new RecentlyVerified<>(capacity);
  }

  @Override
  public boolean verify(Member member, byte[] message, byte[] signature) {
    Key key = new Key(member, ByteBuffer.wrap(message.clone()), ByteBuffer.wrap(signature.clone()));
    if (verified.contains(key)) {
      return true;
    }
    boolean valid = delegate.verify(member, message, signature);
    if (valid) {
      verified.add(key);
    }
    return valid;
  }

  /**
   * Checks, outside any lock, every member signature a consensus message carries (its own, and
   * those of the round changes and prepares justifying it), and the transactions of the block it
   * proposes, so that the engine finds them all in the caches. Problems are not reported here: the
   * engine checks everything again and drops what fails.
   */
  public void precheck(
      ConsensusMessage message, Membership membership, TransactionVerifier transactions) {
    check(message.signed(), membership);
    check(message.roundChanges(), membership);
    check(message.prepares(), membership);
    ProposedBlock block = message.block();
    if (block != null) {
      for (var tx : block.transactions()) {
        try {
          transactions.verify(tx, membership);
        } catch (RuntimeException e) {
          // the engine rejects the proposal with the reason
        }
      }
    }
  }

  private void check(List<SignedPayload> signed, Membership membership) {
    if (signed != null) {
      for (SignedPayload one : signed) {
        check(one, membership);
      }
    }
  }

  private void check(SignedPayload signed, Membership membership) {
    membership
        .byInstitution(signed.payload().sender())
        .ifPresent(
            member -> verify(member, signed.payload().signedBytes(), signed.signatureUnsafe()));
  }
}
