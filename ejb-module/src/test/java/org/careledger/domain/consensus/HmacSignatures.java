package org.careledger.domain.consensus;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Member;

/**
 * A cheap test signature scheme: HMAC-SHA-512 under a per-member secret derived from a per-run
 * salt. A member's signer holds only its own secret, so a Byzantine node cannot produce another
 * member's tags; the verifier (standing for the public keys) can check everyone's. 64-byte tags fit
 * every field sized for Ed25519 signatures.
 */
final class HmacSignatures implements SignatureVerifier {

  private final byte[] salt;
  private final java.util.Map<String, Mac> macs = new java.util.HashMap<>();

  HmacSignatures(long salt) {
    this.salt = Long.toString(salt).getBytes(StandardCharsets.US_ASCII);
  }

  ConsensusSigner signer(Member member) {
    return new ConsensusSigner() {
      @Override
      public InstitutionId member() {
        return member.institution();
      }

      @Override
      public Fingerprint key() {
        return member.signingFingerprint();
      }

      @Override
      public byte[] sign(byte[] message) {
        return mac(member.institution(), message);
      }
    };
  }

  @Override
  public boolean verify(Member member, byte[] message, byte[] signature) {
    return signature != null
        && MessageDigest.isEqual(mac(member.institution(), message), signature);
  }

  private byte[] secret(InstitutionId member) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      sha.update(member.value().getBytes(StandardCharsets.US_ASCII));
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One keyed MAC per member; a simulation runs in one thread, so this needs no locking. */
  private byte[] mac(InstitutionId member, byte[] message) {
    Mac mac =
        macs.computeIfAbsent(
            member.value(),
            id -> {
              try {
                Mac m = Mac.getInstance("HmacSHA512");
                m.init(new SecretKeySpec(secret(member), "HmacSHA512"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
              }
            });
    return mac.doFinal(message);
  }
}
