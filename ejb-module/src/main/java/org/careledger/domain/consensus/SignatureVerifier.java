package org.careledger.domain.consensus;

import org.careledger.domain.ledger.Member;

/**
 * Checks a member's signature; the counterpart of {@link ConsensusSigner}. Must never throw on what
 * a peer sends: a malformed signature simply does not verify.
 */
@FunctionalInterface
public interface SignatureVerifier {

  boolean verify(Member member, byte[] message, byte[] signature);
}
