package org.careledger.domain.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.careledger.domain.identity.NodeKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ed25519Test {

  private static final HexFormat HEX = HexFormat.of();

  /** The JDK's own EdDSA implementation, the independent party of the interoperability tests. */
  private static final String JDK = "SunEC";

  /**
   * A test vector of RFC 8032 §7.1 ("Test Vectors for Ed25519"), copied as published: SECRET KEY,
   * PUBLIC KEY, MESSAGE and SIGNATURE in hex. Source: RFC 8032, January 2017,
   * https://www.rfc-editor.org/rfc/rfc8032#section-7.1.
   */
  record Vector(String name, String secretKey, String publicKey, String message, String signature) {

    byte[] secret() {
      return HEX.parseHex(secretKey);
    }

    byte[] publicBytes() {
      return HEX.parseHex(publicKey);
    }

    byte[] messageBytes() {
      return HEX.parseHex(message);
    }

    byte[] signatureBytes() {
      return HEX.parseHex(signature);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Vector TEST_1 =
      new Vector(
          "TEST 1",
          "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
          "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  static final Vector TEST_2 =
      new Vector(
          "TEST 2",
          "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
          "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

  static final Vector TEST_3 =
      new Vector(
          "TEST 3",
          "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
          "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
          "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");

  static final Vector TEST_1024 =
      new Vector(
          "TEST 1024",
          "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
          "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
          "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
              + "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
              + "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
              + "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
              + "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
              + "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
              + "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
              + "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
              + "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
              + "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
              + "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
              + "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
              + "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
              + "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
              + "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
              + "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
              + "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
              + "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
              + "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
              + "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
              + "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
              + "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
              + "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
              + "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
              + "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
              + "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
              + "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
              + "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
              + "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
              + "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
              + "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
              + "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
          "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03");

  static final Vector TEST_SHA_ABC =
      new Vector(
          "TEST SHA(abc)",
          "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
          "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
          "ddaf35a193617abacc417349ae204131"
              + "12e6fa4e89a97ea20a9eeee64b55d39a"
              + "2192992a274fc1a836ba3c23a3feebbd"
              + "454d4423643ce80e2a9ac94fa54ca49f",
          "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
              + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704");

  static Stream<Vector> rfc8032Vectors() {
    return Stream.of(TEST_1, TEST_2, TEST_3, TEST_1024, TEST_SHA_ABC);
  }

  static Stream<Vector> vectorsWithMessages() {
    return rfc8032Vectors().filter(v -> !v.message().isEmpty());
  }

  @Test
  void vectorsHaveThePublishedSizes() {
    assertThat(TEST_1024.messageBytes()).hasSize(1023);
    assertThat(TEST_SHA_ABC.messageBytes()).hasSize(64);
    rfc8032Vectors()
        .forEach(
            v -> {
              assertThat(v.secret()).hasSize(32);
              assertThat(v.publicBytes()).hasSize(32);
              assertThat(v.signatureBytes()).hasSize(64);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc8032Vectors")
  void derivesThePublishedPublicKey(Vector vector) {
    Ed25519PrivateKeyParameters key = Ed25519.privateKey(vector.secret());

    assertThat(Ed25519.publicKey(key).getEncoded()).isEqualTo(vector.publicBytes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc8032Vectors")
  void signsExactlyThePublishedSignature(Vector vector) {
    byte[] signature = Ed25519.sign(Ed25519.privateKey(vector.secret()), vector.messageBytes());

    assertThat(HEX.formatHex(signature)).isEqualTo(vector.signature());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc8032Vectors")
  void acceptsThePublishedSignature(Vector vector) {
    assertThat(Ed25519.verify(vector.publicBytes(), vector.messageBytes(), vector.signatureBytes()))
        .isTrue();
    assertThat(
            Ed25519.verify(
                Ed25519.publicKey(vector.publicBytes()),
                vector.messageBytes(),
                vector.signatureBytes()))
        .isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectorsWithMessages")
  void rejectsAFlippedBitInTheMessage(Vector vector) {
    byte[] message = vector.messageBytes();
    for (int bit : new int[] {0, 7, message.length * 8 / 2, message.length * 8 - 1}) {
      assertThat(Ed25519.verify(vector.publicBytes(), flip(message, bit), vector.signatureBytes()))
          .as("message bit %d", bit)
          .isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc8032Vectors")
  void rejectsAFlippedBitInTheSignature(Vector vector) {
    // Bits 0..255 are the point R, 256..511 the scalar S (RFC 8032 §5.1.6).
    for (int bit : new int[] {0, 100, 254, 255, 256, 400, 509, 511}) {
      assertThat(Ed25519.verify(vector.publicBytes(), vector.messageBytes(), flip(vector, bit)))
          .as("signature bit %d", bit)
          .isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc8032Vectors")
  void rejectsAFlippedBitInThePublicKey(Vector vector) {
    for (int bit = 0; bit < 256; bit++) {
      // Some flips give no curve point at all; those must yield false as well, not an exception.
      assertThat(
              Ed25519.verify(
                  flip(vector.publicBytes(), bit), vector.messageBytes(), vector.signatureBytes()))
          .as("public key bit %d", bit)
          .isFalse();
    }
  }

  @Test
  void treatsGarbageAsInvalidWithoutThrowing() {
    Ed25519PublicKeyParameters key = Ed25519.publicKey(TEST_2.publicBytes());
    byte[] message = TEST_2.messageBytes();
    byte[] random = new byte[64];
    new Random(8032).nextBytes(random);
    byte[] allOnes = new byte[64];
    Arrays.fill(allOnes, (byte) 0xff);

    for (byte[] signature :
        new byte[][] {null, {}, new byte[63], new byte[65], new byte[64], random, allOnes}) {
      assertThat(Ed25519.verify(key, message, signature)).isFalse();
      assertThat(Ed25519.verify(TEST_2.publicBytes(), message, signature)).isFalse();
    }
    byte[] signature = TEST_2.signatureBytes();
    assertThat(Ed25519.verify(key, null, signature)).isFalse();
    assertThat(Ed25519.verify((Ed25519PublicKeyParameters) null, message, signature)).isFalse();
    for (byte[] raw : new byte[][] {null, {}, new byte[31], new byte[33], allOnes}) {
      assertThat(Ed25519.verify(raw, message, signature)).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 33, 64})
  void rejectsRawKeysOfTheWrongLength(int length) {
    assertNotEd25519(() -> Ed25519.privateKey(new byte[length]));
    assertNotEd25519(() -> Ed25519.publicKey(new byte[length]));
  }

  @Test
  void rejectsRawPublicKeysThatAreNoCurvePoint() {
    // y = 2^255 − 1 exceeds the field prime 2^255 − 19, so no point encodes to it.
    byte[] encoded = new byte[32];
    Arrays.fill(encoded, (byte) 0xff);
    encoded[31] = 0x7f;

    assertNotEd25519(() -> Ed25519.publicKey(encoded));
  }

  @Test
  void convertsTheRfcSecretHeldInAJdkKeyAndSignsAsTheJdkDoes() throws Exception {
    PrivateKey jdkKey =
        KeyFactory.getInstance("Ed25519", JDK)
            .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, TEST_3.secret()));

    Ed25519PrivateKeyParameters key = Ed25519.privateKey(jdkKey);

    assertThat(key.getEncoded()).isEqualTo(TEST_3.secret());
    assertThat(Ed25519.sign(key, TEST_3.messageBytes())).isEqualTo(TEST_3.signatureBytes());
    assertThat(jdkSign(jdkKey, TEST_3.messageBytes())).isEqualTo(TEST_3.signatureBytes());
  }

  @Test
  void signaturesOfConvertedJdkKeysVerifyInTheJdkAndViceVersa() throws Exception {
    KeyPair jdkPair = KeyPairGenerator.getInstance("Ed25519", JDK).generateKeyPair();
    assertThat(jdkPair.getPrivate()).isInstanceOf(EdECPrivateKey.class);
    assertThat(jdkPair.getPublic()).isInstanceOf(EdECPublicKey.class);
    Ed25519PrivateKeyParameters privateKey = Ed25519.privateKey(jdkPair.getPrivate());
    Ed25519PublicKeyParameters publicKey = Ed25519.publicKey(jdkPair.getPublic());
    byte[] message = "{\"seq\":1,\"type\":\"record.append\"}".getBytes(StandardCharsets.UTF_8);

    byte[] bcSignature = Ed25519.sign(privateKey, message);
    assertThat(jdkVerify(jdkPair.getPublic(), message, bcSignature)).isTrue();

    byte[] jdkSignature = jdkSign(jdkPair.getPrivate(), message);
    assertThat(Ed25519.verify(publicKey, message, jdkSignature)).isTrue();

    // Ed25519 is deterministic: both libraries must produce the same bytes.
    assertThat(bcSignature).isEqualTo(jdkSignature);
    assertThat(Ed25519.publicKey(privateKey).getEncoded()).isEqualTo(publicKey.getEncoded());
  }

  @Test
  void keysFromTheNodeKeystoreInteroperate(@TempDir Path dir) throws Exception {
    char[] password = "changeit-changeit".toCharArray();
    NodeIdentity generated =
        new NodeIdentityGenerator()
            .generate(
                new InstitutionId("st-mary"), Instant.parse("2025-01-01T00:00:00Z"), List.of());
    Path file = dir.resolve("node.p12");
    NodeKeyStore.write(generated, file, password);
    NodeIdentity identity = NodeKeyStore.read(file, password);
    byte[] message = "ledger transaction".getBytes(StandardCharsets.UTF_8);

    Ed25519PrivateKeyParameters privateKey = Ed25519.privateKey(identity.signingKey());
    Ed25519PublicKeyParameters publicKey = Ed25519.publicKey(identity.signingCertificate());

    byte[] signature = Ed25519.sign(privateKey, message);
    assertThat(Ed25519.verify(publicKey, message, signature)).isTrue();
    assertThat(jdkVerify(identity.signingCertificate().getPublicKey(), message, signature))
        .isTrue();
    assertThat(Ed25519.verify(publicKey, message, jdkSign(identity.signingKey(), message)))
        .isTrue();
    assertThat(Ed25519.publicKey(privateKey).getEncoded()).isEqualTo(publicKey.getEncoded());
  }

  @Test
  void rejectsKeysOfOtherAlgorithms() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", JDK);
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair p256 = ec.generateKeyPair();
    KeyPair x25519 = KeyPairGenerator.getInstance("X25519", JDK).generateKeyPair();
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448", JDK).generateKeyPair();

    for (KeyPair pair : List.of(p256, x25519, ed448)) {
      assertNotEd25519(() -> Ed25519.privateKey(pair.getPrivate()));
      assertNotEd25519(() -> Ed25519.publicKey(pair.getPublic()));
    }
    NodeIdentity identity =
        new NodeIdentityGenerator()
            .generate(
                new InstitutionId("st-mary"), Instant.parse("2025-01-01T00:00:00Z"), List.of());
    assertNotEd25519(() -> Ed25519.publicKey(identity.tlsCertificate()));
    assertNotEd25519(() -> Ed25519.publicKey(identity.agreementCertificate()));
  }

  private static byte[] flip(byte[] bytes, int bit) {
    byte[] copy = bytes.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  private static byte[] flip(Vector vector, int bit) {
    return flip(vector.signatureBytes(), bit);
  }

  private static byte[] jdkSign(PrivateKey key, byte[] message) throws Exception {
    Signature signature = Signature.getInstance("Ed25519", JDK);
    signature.initSign(key);
    signature.update(message);
    return signature.sign();
  }

  private static boolean jdkVerify(PublicKey key, byte[] message, byte[] signature)
      throws Exception {
    Signature verifier = Signature.getInstance("Ed25519", JDK);
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  private static void assertNotEd25519(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SIGNING_KEY_NOT_ED25519));
  }
}
