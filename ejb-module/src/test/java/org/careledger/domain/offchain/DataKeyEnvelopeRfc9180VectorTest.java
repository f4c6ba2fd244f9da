package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.api.Test;

/**
 * Checks Bouncy Castle's HPKE, which {@link DataKeyEnvelope} relies on, against RFC 9180, Appendix
 * A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode
 * (https://www.rfc-editor.org/rfc/rfc9180#appendix-A.1.1; the values were taken from the RFC's
 * final text as kept in github.com/cfrg/draft-irtf-cfrg-hpke, auth48/draft-irtf-cfrg-hpke.txt,
 * where the appendix is still numbered B.1.1). The ephemeral key comes from the vector's ikmE
 * through {@link HPKE#deriveKeyPair(byte[])} and is passed to {@link
 * HPKE#setupBaseS(org.bouncycastle.crypto.params.AsymmetricKeyParameter, byte[],
 * AsymmetricCipherKeyPair)}. Bouncy Castle does not expose shared_secret, key and base_nonce, so
 * they are recomputed here from the RFC's formulas with the JDK alone and then used to reproduce
 * the vector's ciphertext with the JDK's AES-GCM.
 */
class DataKeyEnvelopeRfc9180VectorTest {

  private static final byte[] INFO = hex("4f6465206f6e2061204772656369616e2055726e");
  private static final byte[] IKM_E =
      hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234");
  private static final byte[] PK_EM =
      hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  private static final byte[] SK_EM =
      hex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
  private static final byte[] IKM_R =
      hex("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037");
  private static final byte[] PK_RM =
      hex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
  private static final byte[] SK_RM =
      hex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
  private static final byte[] ENC =
      hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  private static final byte[] SHARED_SECRET =
      hex("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc");
  private static final byte[] KEY_SCHEDULE_CONTEXT =
      hex(
          "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449");
  private static final byte[] SECRET =
      hex("12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397");
  private static final byte[] KEY = hex("4531685d41d65f03dc48f6b8302c05b0");
  private static final byte[] BASE_NONCE = hex("56d890e5accaaf011cff4b7d");
  // First encryption, sequence number 0: its nonce is base_nonce.
  private static final byte[] AAD_0 = hex("436f756e742d30");
  private static final byte[] PT =
      hex("4265617574792069732074727574682c20747275746820626561757479");
  private static final byte[] CT_0 =
      hex(
          "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a");
  // Second encryption, sequence number 1, to show the context counts.
  private static final byte[] AAD_1 = hex("436f756e742d31");
  private static final byte[] CT_1 =
      hex(
          "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84");
  // Appendix A.1.1.2, exporter_context empty, L = 32.
  private static final byte[] EXPORTED_EMPTY_CONTEXT =
      hex("3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee");

  private final HPKE hpke =
      new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);

  @Test
  void bouncyCastleDerivesTheVectorsKeyPairs() {
    AsymmetricCipherKeyPair ephemeral = hpke.deriveKeyPair(IKM_E);
    assertThat(hpke.serializePrivateKey(ephemeral.getPrivate())).isEqualTo(clamped(SK_EM));
    assertThat(hpke.serializePublicKey(ephemeral.getPublic())).isEqualTo(PK_EM);

    AsymmetricCipherKeyPair recipient = hpke.deriveKeyPair(IKM_R);
    assertThat(hpke.serializePrivateKey(recipient.getPrivate())).isEqualTo(clamped(SK_RM));
    assertThat(hpke.serializePublicKey(recipient.getPublic())).isEqualTo(PK_RM);
  }

  // RFC 9180, section 7.1.2: SerializePrivateKey must clamp its output (RFC 7748, section 5), and
  // Bouncy Castle does; the appendix lists the keys before clamping.
  private static byte[] clamped(byte[] scalar) {
    byte[] k = scalar.clone();
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;
    return k;
  }

  @Test
  void bouncyCastleSealsAndOpensTheVectorsMessages() throws Exception {
    AsymmetricCipherKeyPair recipient = hpke.deserializePrivateKey(SK_RM, PK_RM);
    HPKEContextWithEncapsulation sender =
        hpke.setupBaseS(recipient.getPublic(), INFO, hpke.deriveKeyPair(IKM_E));

    assertThat(sender.getEncapsulation()).isEqualTo(ENC);
    assertThat(sender.seal(AAD_0, PT)).isEqualTo(CT_0);
    assertThat(sender.seal(AAD_1, PT)).isEqualTo(CT_1);
    assertThat(sender.export(new byte[0], 32)).isEqualTo(EXPORTED_EMPTY_CONTEXT);

    HPKEContext receiver = hpke.setupBaseR(ENC, recipient, INFO);
    assertThat(receiver.open(AAD_0, CT_0)).isEqualTo(PT);
    assertThat(receiver.open(AAD_1, CT_1)).isEqualTo(PT);
  }

  @Test
  void theVectorsIntermediateValuesFollowFromTheRfcsFormulas() throws Exception {
    byte[] dh = x25519(SK_EM, PK_RM);
    byte[] kemSuite = concat(ascii("KEM"), hex("0020"));
    byte[] eaePrk = labeledExtract(kemSuite, new byte[0], "eae_prk", dh);
    byte[] sharedSecret = labeledExpand(kemSuite, eaePrk, "shared_secret", concat(ENC, PK_RM), 32);
    assertThat(sharedSecret).isEqualTo(SHARED_SECRET);

    byte[] suite = concat(ascii("HPKE"), hex("002000010001"));
    byte[] pskIdHash = labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(suite, new byte[0], "info_hash", INFO);
    byte[] context = concat(new byte[] {0}, concat(pskIdHash, infoHash));
    assertThat(context).isEqualTo(KEY_SCHEDULE_CONTEXT);
    byte[] secret = labeledExtract(suite, sharedSecret, "secret", new byte[0]);
    assertThat(secret).isEqualTo(SECRET);
    byte[] key = labeledExpand(suite, secret, "key", context, 16);
    byte[] baseNonce = labeledExpand(suite, secret, "base_nonce", context, 12);
    assertThat(key).isEqualTo(KEY);
    assertThat(baseNonce).isEqualTo(BASE_NONCE);

    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, baseNonce));
    gcm.updateAAD(AAD_0);
    assertThat(gcm.doFinal(PT)).isEqualTo(CT_0);
  }

  // RFC 9180, section 4: LabeledExtract and LabeledExpand over HKDF-SHA256 (RFC 5869).
  private static byte[] labeledExtract(byte[] suiteId, byte[] salt, String label, byte[] ikm)
      throws Exception {
    byte[] labeledIkm = concat(concat(ascii("HPKE-v1"), suiteId), concat(ascii(label), ikm));
    // An empty salt means HashLen zero bytes, which HMAC treats alike.
    return hmac(salt.length == 0 ? new byte[32] : salt, labeledIkm);
  }

  private static byte[] labeledExpand(
      byte[] suiteId, byte[] prk, String label, byte[] info, int length) throws Exception {
    byte[] labeledInfo =
        concat(
            new byte[] {(byte) (length >>> 8), (byte) length},
            concat(concat(ascii("HPKE-v1"), suiteId), concat(ascii(label), info)));
    ByteArrayOutputStream okm = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int i = 1; okm.size() < length; i++) {
      t = hmac(prk, concat(concat(t, labeledInfo), new byte[] {(byte) i}));
      okm.write(t);
    }
    return Arrays.copyOf(okm.toByteArray(), length);
  }

  private static byte[] hmac(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message);
  }

  private static byte[] x25519(byte[] privateKey, byte[] publicKey) throws Exception {
    KeyFactory factory = KeyFactory.getInstance("XDH");
    byte[] bigEndianU = new byte[publicKey.length];
    for (int i = 0; i < publicKey.length; i++) {
      bigEndianU[i] = publicKey[publicKey.length - 1 - i];
    }
    KeyAgreement agreement = KeyAgreement.getInstance("XDH");
    agreement.init(
        factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey)));
    agreement.doPhase(
        factory.generatePublic(
            new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndianU))),
        true);
    return agreement.generateSecret();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
