package org.careledger.domain.federation;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Member;

/**
 * One institution of the federation: its three certificates and where its Artemis broker listens.
 *
 * <p>The signing certificate must hold an Ed25519 key and the key-agreement certificate an X25519
 * key (RFC 8410 §3 algorithm identifiers, parameters absent), both with the institution id as
 * subject CN, as {@code NodeIdentityGenerator} issues them, so a certificate pasted under the wrong
 * institution is caught. The TLS certificate must hold a P-256 EC key (RFC 5480) or an RSA key of
 * at least 2048 bits; its subject is not checked, since a TLS certificate may come from an
 * enterprise CA naming a host. Certificate chains and validity dates are not checked here: the
 * descriptor itself is the federation's trust anchor.
 */
public record FederationMember(
    InstitutionId institution,
    X509Certificate signingCertificate,
    X509Certificate agreementCertificate,
    X509Certificate tlsCertificate,
    ArtemisEndpoint artemis) {

  private static final int MIN_RSA_BITS = 2048;

  public FederationMember {
    Objects.requireNonNull(institution, "institution");
    Objects.requireNonNull(artemis, "artemis");
    requireKey(
        signingCertificate, "signingCertificate", EdECObjectIdentifiers.id_Ed25519, "Ed25519");
    requireKey(
        agreementCertificate, "agreementCertificate", EdECObjectIdentifiers.id_X25519, "X25519");
    requireSubject(signingCertificate, "signingCertificate", institution);
    requireSubject(agreementCertificate, "agreementCertificate", institution);
    requireTlsKey(tlsCertificate);
  }

  /** The member as a ledger channel lists it (institution and signing certificate). */
  public Member ledgerMember() {
    return new Member(institution, signingCertificate);
  }

  public Fingerprint signingFingerprint() {
    return Fingerprint.of(signingCertificate);
  }

  /**
   * Reads a certificate from standard base64 (RFC 4648 §4) of its DER encoding; anything else (PEM,
   * several certificates, trailing bytes, non-DER encodings) is rejected.
   */
  public static X509Certificate certificate(String base64, String field) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw invalid(field + " is not standard base64: " + e.getMessage());
    }
    try {
      X509Certificate certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(certificate.getEncoded(), der)) {
        throw invalid(field + " is not exactly one DER-encoded X.509 certificate");
      }
      return certificate;
    } catch (CertificateException | RuntimeException e) {
      if (e instanceof CareLedgerException ce) {
        throw ce;
      }
      throw invalid(field + " is not a DER-encoded X.509 certificate: " + e.getMessage());
    }
  }

  static String base64(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SubjectPublicKeyInfo keyInfo(X509Certificate certificate, String field) {
    Objects.requireNonNull(certificate, field);
    try {
      return SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
    } catch (RuntimeException e) {
      throw invalid(field + " holds a public key that cannot be read");
    }
  }

  private static void requireKey(
      X509Certificate certificate, String field, ASN1ObjectIdentifier oid, String name) {
    AlgorithmIdentifier algorithm = keyInfo(certificate, field).getAlgorithm();
    if (!oid.equals(algorithm.getAlgorithm()) || algorithm.getParameters() != null) {
      throw wrongKey(field + " must hold an " + name + " key, not " + algorithm.getAlgorithm());
    }
  }

  private static void requireTlsKey(X509Certificate certificate) {
    AlgorithmIdentifier algorithm = keyInfo(certificate, "tlsCertificate").getAlgorithm();
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())) {
      if (!SECObjectIdentifiers.secp256r1.equals(algorithm.getParameters())) {
        throw wrongKey("tlsCertificate holds an EC key on another curve than P-256");
      }
    } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm.getAlgorithm())) {
      BigInteger modulus = ((RSAPublicKey) certificate.getPublicKey()).getModulus();
      if (modulus.bitLength() < MIN_RSA_BITS) {
        throw wrongKey("tlsCertificate holds an RSA key of fewer than " + MIN_RSA_BITS + " bits");
      }
    } else {
      throw wrongKey(
          "tlsCertificate must hold a P-256 or RSA key, not " + algorithm.getAlgorithm());
    }
  }

  private static void requireSubject(
      X509Certificate certificate, String field, InstitutionId institution) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] names = subject.getRDNs(BCStyle.CN);
    if (names.length != 1
        || !institution.value().equals(IETFUtils.valueToString(names[0].getFirst().getValue()))) {
      throw invalid(field + " is not issued to " + institution + " (subject CN)");
    }
  }

  private static CareLedgerException invalid(String why) {
    return new CareLedgerException(ErrorCode.FEDERATION_CERTIFICATE_INVALID, why);
  }

  private static CareLedgerException wrongKey(String why) {
    return new CareLedgerException(ErrorCode.FEDERATION_CERTIFICATE_WRONG_KEY_TYPE, why);
  }
}
