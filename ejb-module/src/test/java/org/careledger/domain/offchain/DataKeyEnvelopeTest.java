package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.junit.jupiter.api.Test;

class DataKeyEnvelopeTest {

  private static final byte[] CONTEXT = "record 7f3a/v1".getBytes(StandardCharsets.UTF_8);

  private final SecretKey dataKey = DataKeys.generate();
  private final KeyPair reader = jdkX25519();

  @Test
  void theRecipientGetsTheDataKeyBack() {
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);

    assertThat(envelope).hasSize(DataKeyEnvelope.LENGTH);
    SecretKey opened = DataKeyEnvelope.open(envelope, reader.getPrivate(), CONTEXT);
    assertThat(opened.getAlgorithm()).isEqualTo("AES");
    assertThat(opened.getEncoded()).isEqualTo(dataKey.getEncoded());
  }

  @Test
  void everySealingUsesAFreshEphemeralKey() {
    assertThat(DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT))
        .isNotEqualTo(DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT));
  }

  @Test
  void isPlainHpkeWithTheDocumentedSuiteAndInfo() throws Exception {
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);
    HPKE hpke =
        new HPKE(
            HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    byte[] info = concat("CareLedger data key v1".getBytes(StandardCharsets.US_ASCII), CONTEXT);

    byte[] key =
        hpke.setupBaseR(Arrays.copyOf(envelope, 32), X25519Keys.keyPair(reader.getPrivate()), info)
            .open(new byte[0], Arrays.copyOfRange(envelope, 32, envelope.length));
    assertThat(key).isEqualTo(dataKey.getEncoded());
  }

  @Test
  void acceptsBouncyCastleKeysAndEncodedKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519", new BouncyCastleProvider());
    KeyPair bc = generator.generateKeyPair();
    byte[] envelope = DataKeyEnvelope.seal(dataKey, bc.getPublic(), CONTEXT);
    assertThat(DataKeyEnvelope.open(envelope, bc.getPrivate(), CONTEXT).getEncoded())
        .isEqualTo(dataKey.getEncoded());

    KeyFactory jdk = KeyFactory.getInstance("XDH");
    PublicKey decodedPublic =
        jdk.generatePublic(new X509EncodedKeySpec(bc.getPublic().getEncoded()));
    PrivateKey decodedPrivate =
        jdk.generatePrivate(new PKCS8EncodedKeySpec(bc.getPrivate().getEncoded()));
    byte[] crossed = DataKeyEnvelope.seal(dataKey, decodedPublic, CONTEXT);
    assertThat(DataKeyEnvelope.open(crossed, bc.getPrivate(), CONTEXT).getEncoded())
        .isEqualTo(dataKey.getEncoded());
    assertThat(DataKeyEnvelope.open(envelope, decodedPrivate, CONTEXT).getEncoded())
        .isEqualTo(dataKey.getEncoded());
  }

  @Test
  void acceptsKeysKnownOnlyByTheirEncoding() {
    PublicKey opaquePublic = new OpaqueKey(reader.getPublic());
    PrivateKey opaquePrivate = new OpaqueKey(reader.getPrivate());
    byte[] envelope = DataKeyEnvelope.seal(dataKey, opaquePublic, CONTEXT);
    assertThat(DataKeyEnvelope.open(envelope, opaquePrivate, CONTEXT).getEncoded())
        .isEqualTo(dataKey.getEncoded());
  }

  @Test
  void opensWithTheNodesAgreementKey() {
    NodeIdentity node =
        new NodeIdentityGenerator()
            .generate(new InstitutionId("st-mary"), Instant.now(), List.of());
    byte[] envelope =
        DataKeyEnvelope.seal(dataKey, node.agreementCertificate().getPublicKey(), CONTEXT);
    assertThat(DataKeyEnvelope.open(envelope, node.agreementKey(), CONTEXT).getEncoded())
        .isEqualTo(dataKey.getEncoded());
  }

  @Test
  void wrongRecipient() {
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);
    assertInvalid(envelope, jdkX25519().getPrivate(), CONTEXT);
  }

  @Test
  void wrongContext() {
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);
    assertInvalid(envelope, reader.getPrivate(), "record 7f3a/v2".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void flippedByteAnywhere() {
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);
    for (int i : new int[] {0, 31, 32, 63, 64, 79}) {
      byte[] damaged = envelope.clone();
      damaged[i] ^= 1;
      assertInvalid(damaged, reader.getPrivate(), CONTEXT);
    }
  }

  @Test
  void wrongLength() {
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);
    assertInvalid(Arrays.copyOf(envelope, 79), reader.getPrivate(), CONTEXT);
    assertInvalid(Arrays.copyOf(envelope, 81), reader.getPrivate(), CONTEXT);
  }

  @Test
  void refusesKeysThatAreNotX25519AndAnEmptyContext() throws Exception {
    KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThatThrownBy(() -> DataKeyEnvelope.seal(dataKey, ed25519.getPublic(), CONTEXT))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);
    assertThatThrownBy(() -> DataKeyEnvelope.open(envelope, ed25519.getPrivate(), CONTEXT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DataKeyEnvelope.seal(dataKey, reader.getPublic(), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wrapsTheKeyThatDecryptsTheBlob() throws Exception {
    byte[] plaintext = Blobs.plaintext(5000, 6);
    byte[] blob = Blobs.encrypt(plaintext, dataKey, CONTEXT);
    byte[] envelope = DataKeyEnvelope.seal(dataKey, reader.getPublic(), CONTEXT);

    SecretKey opened = DataKeyEnvelope.open(envelope, reader.getPrivate(), CONTEXT);
    assertThat(Blobs.decrypt(blob, opened, CONTEXT)).isEqualTo(plaintext);
  }

  private static void assertInvalid(byte[] envelope, PrivateKey recipient, byte[] context) {
    assertThatThrownBy(() -> DataKeyEnvelope.open(envelope, recipient, context))
        .isInstanceOf(CareLedgerException.class)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.ENVELOPE_INVALID);
  }

  private static KeyPair jdkX25519() {
    try {
      return KeyPairGenerator.getInstance("X25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A key of a provider that offers nothing but its standard encoding. */
  private record OpaqueKey(Key key) implements PublicKey, PrivateKey {

    @Override
    public String getAlgorithm() {
      return "X25519";
    }

    @Override
    public String getFormat() {
      return key.getFormat();
    }

    @Override
    public byte[] getEncoded() {
      return key.getEncoded();
    }
  }
}
