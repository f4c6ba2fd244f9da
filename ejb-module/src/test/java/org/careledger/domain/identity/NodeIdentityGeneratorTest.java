package org.careledger.domain.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class NodeIdentityGeneratorTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private final NodeIdentity identity =
      new NodeIdentityGenerator()
          .generate(new InstitutionId("st-mary"), NOW, List.of("node1.example.org", "10.1.2.3"));

  @Test
  void signingKeyIsEd25519AndSignsWhatItsCertificateVerifies() throws Exception {
    X509Certificate cert = identity.signingCertificate();
    assertThat(cert.getPublicKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    cert.verify(cert.getPublicKey(), new BouncyCastleProvider());

    byte[] message = "block header".getBytes();
    Signature signer = Signature.getInstance("Ed25519", new BouncyCastleProvider());
    signer.initSign(identity.signingKey());
    signer.update(message);
    byte[] signature = signer.sign();

    Signature verifier = Signature.getInstance("Ed25519", new BouncyCastleProvider());
    verifier.initVerify(cert);
    verifier.update(message);
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void agreementCertificateIsX25519AndIssuedBySigningKey() throws Exception {
    X509Certificate cert = identity.agreementCertificate();
    assertThat(cert.getPublicKey().getAlgorithm()).isIn("X25519", "XDH");
    assertThat(cert.getKeyUsage()[4]).as("keyAgreement").isTrue();
    cert.verify(identity.signingCertificate().getPublicKey(), new BouncyCastleProvider());
    assertThat(cert.getIssuerX500Principal())
        .isEqualTo(identity.signingCertificate().getSubjectX500Principal());
  }

  @Test
  void agreementCertificateIsNotAcceptedUnderAnotherNodesKey() {
    NodeIdentity other =
        new NodeIdentityGenerator().generate(new InstitutionId("st-mary"), NOW, List.of());
    assertThatThrownBy(
            () ->
                identity
                    .agreementCertificate()
                    .verify(other.signingCertificate().getPublicKey(), new BouncyCastleProvider()))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void tlsCertificateIsP256ForServerAndClientAuthWithTheGivenNames() throws Exception {
    X509Certificate cert = identity.tlsCertificate();
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    List<Object> names =
        cert.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList();
    assertThat(names)
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "node1.example.org", "10.1.2.3");
    cert.verify(cert.getPublicKey());
  }

  @Test
  void certificatesNameTheInstitutionAndAreValidNowForMoreThanTwoYears() {
    for (X509Certificate cert :
        List.of(
            identity.signingCertificate(),
            identity.agreementCertificate(),
            identity.tlsCertificate())) {
      assertThat(NodeKeyStore.commonName(cert.getSubjectX500Principal())).isEqualTo("st-mary");
      assertThat(cert.getNotBefore().toInstant()).isBefore(NOW);
      assertThat(cert.getNotAfter().toInstant()).isAfter(NOW.plus(Duration.ofDays(730)));
      assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    }
  }

  @Test
  void everyGenerationMakesNewKeys() {
    NodeIdentity second =
        new NodeIdentityGenerator().generate(new InstitutionId("st-mary"), NOW, List.of());
    assertThat(second.signingFingerprint()).isNotEqualTo(identity.signingFingerprint());
    assertThat(second.signingCertificate().getSerialNumber())
        .isNotEqualTo(identity.signingCertificate().getSerialNumber());
  }

  @Test
  void toStringNeverShowsKeyMaterial() {
    assertThat(identity.toString())
        .contains("st-mary")
        .contains(identity.signingFingerprint().hex())
        .doesNotContain("PrivateKey")
        .hasSizeLessThan(120);
  }
}
