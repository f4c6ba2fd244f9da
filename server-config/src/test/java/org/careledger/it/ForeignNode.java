package org.careledger.it;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.careledger.application.federation.Ping;
import org.careledger.domain.federation.FederationEnvelope;
import org.careledger.domain.federation.FederationId;
import org.careledger.domain.federation.MessageType;
import org.careledger.domain.identity.InstitutionId;

/**
 * A server that is not a member of the federation but has everything a valid-looking node has: its
 * own certificate authority ("Foreign Health CA"), a TLS key and an Ed25519 signing key with
 * certificates from that CA naming a member's institution id, and the client software a bridge
 * uses. {@link #jms} runs {@link ForeignNodeClient} in a JVM of its own on WildFly's client jar,
 * presenting the foreign TLS key and trusting the member's TLS certificate (fetched from the
 * member, as anyone can).
 */
final class ForeignNode {

  private final Path dir;
  private final String claimedInstitution;
  private final Ed25519PrivateKeyParameters signingKey;
  private final X509Certificate signingCertificate;
  private final Path keyStore;
  private final Path trustStore;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param claimedInstitution the member this node pretends to be (its certificates name it)
   * @param memberTls the TLS certificate of the member it connects to
   */
  ForeignNode(Path dir, String claimedInstitution, X509Certificate memberTls) throws Exception {
    this.dir = Files.createDirectories(dir);
    this.claimedInstitution = claimedInstitution;
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"), random);
    KeyPair ca = ec.generateKeyPair();
    X500Name caName = new X500Name("CN=Foreign Health CA,O=Elsewhere");
    X509Certificate caCertificate =
        certificate(
            caName,
            caName,
            SubjectPublicKeyInfo.getInstance(ca.getPublic().getEncoded()),
            ca,
            true);
    KeyPair tls = ec.generateKeyPair();
    X509Certificate tlsCertificate =
        certificate(
            caName,
            new X500Name("CN=" + claimedInstitution + ",OU=tls"),
            SubjectPublicKeyInfo.getInstance(tls.getPublic().getEncoded()),
            ca,
            false);
    this.signingKey = new Ed25519PrivateKeyParameters(random);
    this.signingCertificate =
        certificate(
            caName,
            new X500Name("CN=" + claimedInstitution + ",OU=signing"),
            SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(signingKey.generatePublicKey()),
            ca,
            false);

    char[] password = Http.TEST_STORE_PASSWORD.toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "tls", tls.getPrivate(), password, new X509Certificate[] {tlsCertificate, caCertificate});
    this.keyStore = dir.resolve("foreign-key.p12");
    try (var out = Files.newOutputStream(keyStore)) {
      keys.store(out, password);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("member", memberTls);
    this.trustStore = dir.resolve("foreign-trust.p12");
    try (var out = Files.newOutputStream(trustStore)) {
      trust.store(out, password);
    }
  }

  /** The signing certificate its own CA issued, naming the member it pretends to be. */
  X509Certificate signingCertificate() {
    return signingCertificate;
  }

  /** A ping from {@code claimedInstitution}, in an envelope signed with the foreign key. */
  byte[] signedPing(String federation, String sender, byte[] nonce) {
    byte[] messageId = new byte[FederationEnvelope.MESSAGE_ID_BYTES];
    random.nextBytes(messageId);
    return FederationEnvelope.sign(
            new FederationId(federation),
            null,
            new InstitutionId(sender),
            MessageType.PING,
            messageId,
            System.currentTimeMillis(),
            bare(nonce),
            signingKey)
        .encoded();
  }

  /** A ping from {@code claimedInstitution} with no envelope at all. */
  byte[] bare(byte[] nonce) {
    return Ping.of(
            new InstitutionId(claimedInstitution),
            nonce,
            Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .encode();
  }

  /**
   * Runs {@link ForeignNodeClient} against a member's remoting URL; returns its one-line verdict
   * ({@code SENT}, {@code CONSUMED n}, {@code REFUSED ...}).
   */
  String jms(String url, String user, String password, String... operation) throws Exception {
    Path clientJar = Path.of(System.getProperty("jboss.home"), "bin/client/jboss-client.jar");
    Path testClasses =
        Path.of(
            ForeignNodeClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-Djavax.net.ssl.keyStore=" + keyStore);
    command.add("-Djavax.net.ssl.keyStoreType=PKCS12");
    command.add("-Djavax.net.ssl.keyStorePassword=" + Http.TEST_STORE_PASSWORD);
    command.add("-Djavax.net.ssl.trustStore=" + trustStore);
    command.add("-Djavax.net.ssl.trustStoreType=PKCS12");
    command.add("-Djavax.net.ssl.trustStorePassword=" + Http.TEST_STORE_PASSWORD);
    command.add("-cp");
    command.add(clientJar + java.io.File.pathSeparator + testClasses);
    command.add(ForeignNodeClient.class.getName());
    command.add(url);
    command.add(user);
    command.add(password);
    command.addAll(List.of(operation));
    Path log = Files.createTempFile(dir, "client", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the foreign client did not finish; see " + log);
    }
    List<String> verdicts =
        Files.readAllLines(log).stream()
            .filter(
                l -> l.startsWith("SENT") || l.startsWith("CONSUMED") || l.startsWith("REFUSED"))
            .toList();
    if (verdicts.size() != 1) {
      throw new IllegalStateException(
          "the foreign client gave no verdict: " + Files.readString(log));
    }
    return verdicts.get(0);
  }

  /** Writes {@code bytes} to a file of this node's directory, for {@link #jms} to send. */
  Path file(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  private X509Certificate certificate(
      X500Name issuer, X500Name subject, SubjectPublicKeyInfo key, KeyPair ca, boolean isCa)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, random),
            Date.from(now.minus(1, ChronoUnit.HOURS)),
            Date.from(now.plus(30, ChronoUnit.DAYS)),
            subject,
            keyFor(key));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
  }

  private static java.security.PublicKey keyFor(SubjectPublicKeyInfo info) throws Exception {
    String algorithm =
        info.getAlgorithm().getAlgorithm().getId().equals("1.3.101.112") ? "Ed25519" : "EC";
    return java.security.KeyFactory.getInstance(algorithm)
        .generatePublic(new java.security.spec.X509EncodedKeySpec(info.getEncoded()));
  }
}
