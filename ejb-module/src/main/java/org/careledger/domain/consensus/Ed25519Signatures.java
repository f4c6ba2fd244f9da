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
    Objects.requireNonNull(key, "key");
    return new ConsensusSigner() {
      @Override
      public InstitutionId member() {
        return self.institution();
      }

      @Override
      public Fingerprint key() {
        return self.signingFingerprint();
      }

      @Override
      public byte[] sign(byte[] message) {
        return Ed25519.sign(key, message);
      }
    };
  }
}
