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

  /**
   * Whether this signer holds the private key of the signing certificate with fingerprint {@code
   * key}. A member renewing its key holds the old and the new one for a while: each channel names
   * the one in force there.
   */
  default boolean holds(Fingerprint key) {
    return key.equals(key());
  }

  /** This signer signing with the key of fingerprint {@code key}, one it {@link #holds}. */
  default ConsensusSigner using(Fingerprint key) {
    if (!holds(key)) {
      throw new IllegalArgumentException("this signer does not hold key " + key);
    }
    return this;
  }
}
