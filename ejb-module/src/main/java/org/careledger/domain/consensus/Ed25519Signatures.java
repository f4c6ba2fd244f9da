package org.careledger.domain.consensus;

import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Member;

/**
 * The production signature scheme: Ed25519 under each member's signing key, the key its certificate
 * in the channel-config binds, so commit seals are exactly the signatures {@link
 * org.careledger.domain.ledger.ChainVerifier} checks.
 */
public final class Ed25519Signatures {

  /** Verifies against the member's certified Ed25519 public key. */
  public static final SignatureVerifier VERIFIER =
      (member, message, signature) -> Ed25519.verify(member.publicKey(), message, signature);

  private Ed25519Signatures() {}

  public static ConsensusSigner signer(Member self, Ed25519PrivateKeyParameters key) {
    Objects.requireNonNull(self, "self");
    return signer(self.institution(), self.signingFingerprint(), key);
  }

  private static ConsensusSigner signer(
      InstitutionId self, Fingerprint fingerprint, Ed25519PrivateKeyParameters key) {
    Objects.requireNonNull(key, "key");
    return new ConsensusSigner() {
      @Override
      public InstitutionId member() {
        return self;
      }

      @Override
      public Fingerprint key() {
        return fingerprint;
      }

      @Override
      public byte[] sign(byte[] message) {
        return Ed25519.sign(key, message);
      }
    };
  }

  /**
   * A signer over the keys a node holds, by fingerprint ({@code keys}: its current key and, during
   * a renewal, the next one): {@link ConsensusSigner#using} signs with whichever a channel has in
   * force for this member; unswitched, it signs with {@code current}'s key.
   */
  public static ConsensusSigner keyRing(
      Member current,
      java.util.function.Function<Fingerprint, java.util.Optional<Ed25519PrivateKeyParameters>>
          keys) {
    Objects.requireNonNull(keys, "keys");
    InstitutionId self = current.institution();
    ConsensusSigner base =
        signer(
            current,
            keys.apply(current.signingFingerprint())
                .orElseThrow(() -> new IllegalArgumentException("the current key is not held")));
    return new ConsensusSigner() {
      @Override
      public InstitutionId member() {
        return self;
      }

      @Override
      public Fingerprint key() {
        return base.key();
      }

      @Override
      public byte[] sign(byte[] message) {
        return base.sign(message);
      }

      @Override
      public boolean holds(Fingerprint key) {
        return keys.apply(key).isPresent();
      }

      @Override
      public ConsensusSigner using(Fingerprint key) {
        if (key.equals(base.key())) {
          return base;
        }
        Ed25519PrivateKeyParameters held =
            keys.apply(key)
                .orElseThrow(
                    () -> new IllegalArgumentException("this signer does not hold key " + key));
        return signer(self, key, held);
      }
    };
  }
}
