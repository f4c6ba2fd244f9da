package org.careledger.domain.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates a node's identity with Bouncy Castle. Certificates are self-issued for now: the signing
 * certificate is self-signed, the key-agreement certificate is issued by the signing key, and the
 * TLS certificate is self-signed (browsers and HIS clients pin or trust it explicitly). Issuing
 * them from a federation CA comes with the federation descriptor.
 */
public final class NodeIdentityGenerator {

  /** Subject OU values; {@link NodeKeyStore} reads the institution back from the CN. */
  static final String OU_SIGNING = "signing";

  static final String OU_AGREEMENT = "key-agreement";
  static final String OU_TLS = "tls";
  static final String ORGANISATION = "CareLedger";

  private static final Duration VALIDITY = Duration.ofDays(825);

  private final Provider bc;
  private final SecureRandom random;

  public NodeIdentityGenerator(Provider bouncyCastle, SecureRandom random) {
    this.bc = Objects.requireNonNull(bouncyCastle, "bouncyCastle");
    this.random = Objects.requireNonNull(random, "random");
  }

  public NodeIdentityGenerator() {
    this(new BouncyCastleProvider(), new SecureRandom());
  }

  /**
   * @param tlsHostNames DNS names or IP literals the TLS certificate names besides localhost and
   *     127.0.0.1
   */
  public NodeIdentity generate(InstitutionId institution, Instant now, List<String> tlsHostNames) {
    try {
      KeyPair signing = keyPair("Ed25519", null);
      KeyPair agreement = keyPair("X25519", null);
      KeyPair tls = keyPair("EC", new ECGenParameterSpec("secp256r1"));

      X500Name signingName = name(institution, OU_SIGNING);
      X509Certificate signingCert = signingCertificate(signingName, signing, now);
      X509Certificate agreementCert =
          certificate(
              name(institution, OU_AGREEMENT),
              signingName,
              agreement.getPublic(),
              signing.getPublic(),
              signing.getPrivate(),
              "Ed25519",
              now,
              new KeyUsage(KeyUsage.keyAgreement),
              null,
              null);
      X500Name tlsName = name(institution, OU_TLS);
      X509Certificate tlsCert =
          certificate(
              tlsName,
              tlsName,
              tls.getPublic(),
              tls.getPublic(),
              tls.getPrivate(),
              "SHA256withECDSA",
              now,
              new KeyUsage(KeyUsage.digitalSignature),
              new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }),
              subjectAltNames(tlsHostNames));
      return new NodeIdentity(
          institution,
          signing.getPrivate(),
          signingCert,
          agreement.getPrivate(),
          agreementCert,
          tls.getPrivate(),
          tlsCert);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate node identity", e);
    }
  }

  /**
   * The node's next identity for a key renewal: a new Ed25519 signing key with its self-signed
   * certificate (valid from {@code now}, for the usual validity), the agreement and TLS keys and
   * certificates of {@code current} unchanged. A channel switches a member to the new key by a
   * {@code renew-certificate} update; until then the member keeps signing there with the old one.
   */
  public NodeIdentity nextSigningKey(NodeIdentity current, Instant now) {
    try {
      return withSigningKey(current, keyPair("Ed25519", null), now);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a signing key", e);
    }
  }

  /**
   * A certificate renewal that keeps the key: a new self-signed certificate (valid from {@code
   * now}, for the usual validity) for {@code renewed}'s signing key, with {@code current}'s
   * agreement and TLS keys. Its fingerprint is new (it names the certificate), its signatures
   * verify under the same public key.
   */
  public NodeIdentity recertify(NodeIdentity renewed, NodeIdentity current, Instant now) {
    return withSigningKey(
        current,
        new KeyPair(renewed.signingCertificate().getPublicKey(), renewed.signingKey()),
        now);
  }

  /** {@code current} with {@code signing} and its new self-signed certificate, valid from now. */
  private NodeIdentity withSigningKey(NodeIdentity current, KeyPair signing, Instant now) {
    try {
      X509Certificate signingCert =
          signingCertificate(name(current.institutionId(), OU_SIGNING), signing, now);
      return new NodeIdentity(
          current.institutionId(),
          signing.getPrivate(),
          signingCert,
          current.agreementKey(),
          current.agreementCertificate(),
          current.tlsKey(),
          current.tlsCertificate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot certify the signing key", e);
    }
  }

  /** The self-signed certificate of an Ed25519 signing key. */
  private X509Certificate signingCertificate(X500Name name, KeyPair signing, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    return certificate(
        name,
        name,
        signing.getPublic(),
        signing.getPublic(),
        signing.getPrivate(),
        "Ed25519",
        now,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign),
        null,
        null);
  }

  private KeyPair keyPair(String algorithm, ECGenParameterSpec spec)
      throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, bc);
    if (spec != null) {
      generator.initialize(spec, random);
    } else {
      // Ed25519 and X25519 both take the curve size, 255 bits.
      generator.initialize(255, random);
    }
    return generator.generateKeyPair();
  }

  private static X500Name name(InstitutionId institution, String unit) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, institution.value())
        .addRDN(BCStyle.OU, unit)
        .addRDN(BCStyle.O, ORGANISATION)
        .build();
  }

  private static GeneralNames subjectAltNames(List<String> extraHosts) throws UnknownHostException {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    for (String host : extraHosts) {
      if (host.isBlank() || host.equals("localhost") || host.equals("127.0.0.1")) {
        continue;
      }
      boolean ipLiteral = host.matches("[0-9.]+") || host.contains(":");
      names.add(
          ipLiteral
              ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
              : new GeneralName(GeneralName.dNSName, host));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private X509Certificate certificate(
      X500Name subject,
      X500Name issuer,
      PublicKey subjectKey,
      PublicKey issuerKey,
      PrivateKey issuerPrivateKey,
      String signatureAlgorithm,
      Instant now,
      KeyUsage keyUsage,
      ExtendedKeyUsage extendedKeyUsage,
      GeneralNames altNames)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
    // Back-date by a minute so a peer whose clock is slightly behind still accepts it.
    Instant notBefore = now.minus(Duration.ofMinutes(1));
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            serial,
            Date.from(notBefore),
            Date.from(now.plus(VALIDITY)),
            subject,
            subjectKey);
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        extensions.createAuthorityKeyIdentifier(issuerKey));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, keyUsage);
    if (extendedKeyUsage != null) {
      builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage);
    }
    if (altNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    ContentSigner signer =
        new JcaContentSignerBuilder(signatureAlgorithm).setProvider(bc).build(issuerPrivateKey);
    return new JcaX509CertificateConverter().setProvider(bc).getCertificate(builder.build(signer));
  }
}
