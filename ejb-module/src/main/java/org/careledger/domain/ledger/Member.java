package org.careledger.domain.ledger;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;

/**
 * A channel member: its institution and the Ed25519 signing certificate its transactions and votes
 * verify under. The fingerprint and public key are derived once, since every signature check in
 * chain verification needs them. Immutable.
 */
public final class Member {

  private final InstitutionId institution;
  private final X509Certificate signingCertificate;
  private final Fingerprint signingFingerprint;
  private final Ed25519PublicKeyParameters publicKey;
  private final long notAfter;

  public Member(InstitutionId institution, X509Certificate signingCertificate) {
    this.institution = Objects.requireNonNull(institution, "institution");
    this.signingCertificate = Objects.requireNonNull(signingCertificate, "signingCertificate");
    this.signingFingerprint = Fingerprint.of(signingCertificate);
    this.publicKey = Ed25519.publicKey(signingCertificate);
    this.notAfter = signingCertificate.getNotAfter().getTime();
  }

  /**
   * Whether the signing certificate has not expired at {@code millis}. Its notBefore is not
   * checked: a member's clock may run a little ahead of the block's proposer's (and certificates
   * are made with a notBefore a minute in the past for that reason alone).
   */
  public boolean validAt(long millis) {
    return millis <= notAfter;
  }

  /** When the signing certificate expires (epoch milliseconds). */
  public long notAfter() {
    return notAfter;
  }

  public InstitutionId institution() {
    return institution;
  }

  public X509Certificate signingCertificate() {
    return signingCertificate;
  }

  public Fingerprint signingFingerprint() {
    return signingFingerprint;
  }

  public Ed25519PublicKeyParameters publicKey() {
    return publicKey;
  }

  /** {"cert":"&lt;DER, base64url&gt;","institution":"..."}: how channel-config lists members. */
  public Map<String, Object> toJson() {
    try {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("institution", institution.value());
      json.put("cert", Json.base64url(signingCertificate.getEncoded()));
      return json;
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Member that
        && institution.equals(that.institution)
        && signingFingerprint.equals(that.signingFingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(institution, signingFingerprint);
  }

  @Override
  public String toString() {
    return "Member[" + institution + ", " + signingFingerprint + "]";
  }
}
