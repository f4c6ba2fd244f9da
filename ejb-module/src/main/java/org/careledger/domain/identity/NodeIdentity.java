package org.careledger.domain.identity;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The keys a node acts with, each with its certificate.
 *
 * <ul>
 *   <li>signing: Ed25519, signs ledger transactions, votes and federation envelopes;
 *   <li>agreement: X25519, receives data keys wrapped for this institution (certified by the
 *       signing key, since an X25519 key cannot sign its own certificate);
 *   <li>tls: ECDSA P-256, serves HTTPS and authenticates bridges; browsers and legacy HIS clients
 *       accept it, which they do not for Ed25519.
 * </ul>
 */
public record NodeIdentity(
    InstitutionId institutionId,
    PrivateKey signingKey,
    X509Certificate signingCertificate,
    PrivateKey agreementKey,
    X509Certificate agreementCertificate,
    PrivateKey tlsKey,
    X509Certificate tlsCertificate) {

  public NodeIdentity {
    Objects.requireNonNull(institutionId, "institutionId");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(signingCertificate, "signingCertificate");
    Objects.requireNonNull(agreementKey, "agreementKey");
    Objects.requireNonNull(agreementCertificate, "agreementCertificate");
    Objects.requireNonNull(tlsKey, "tlsKey");
    Objects.requireNonNull(tlsCertificate, "tlsCertificate");
  }

  /** SHA-256 over the DER encoding of the signing certificate: the node's public name. */
  public Fingerprint signingFingerprint() {
    return Fingerprint.of(signingCertificate);
  }

  @Override
  public String toString() {
    // Never print keys.
    return "NodeIdentity[" + institutionId + ", signing " + signingFingerprint() + "]";
  }
}
