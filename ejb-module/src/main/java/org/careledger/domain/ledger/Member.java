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

/** A channel member: its institution and the Ed25519 signing certificate its votes verify under. */
public record Member(InstitutionId institution, X509Certificate signingCertificate) {

  public Member {
    Objects.requireNonNull(institution, "institution");
    Objects.requireNonNull(signingCertificate, "signingCertificate");
  }

  public Fingerprint signingFingerprint() {
    return Fingerprint.of(signingCertificate);
  }

  public Ed25519PublicKeyParameters publicKey() {
    return Ed25519.publicKey(signingCertificate);
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
}
