package org.careledger.domain.consensus;

import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;

/**
 * Signs as one channel member: consensus messages and commit seals. Pluggable so the simulation can
 * use a cheap keyed scheme for most seeds; production uses {@link Ed25519Signatures#signer}.
 * Callers give fully domain-separated messages; the signer signs exactly the bytes it is given.
 */
public interface ConsensusSigner {

  /** The member this signer signs for. */
  InstitutionId member();

  /** The fingerprint of the signing certificate, as named in commit seals. */
  Fingerprint key();

  byte[] sign(byte[] message);
}
