package org.careledger.domain.offchain;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * A data key wrapped for one reader's X25519 key-agreement key with HPKE (RFC 9180) in base mode:
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
 *
 * <p>Format: {@code enc (32) || ciphertext (32-byte key + 16-byte tag)}, {@value #LENGTH} bytes.
 * The HPKE {@code info} is {@code "CareLedger data key v1" || context} and the AEAD's associated
 * data is empty; the context (e.g. record id and version) binds the envelope to one record version,
 * so it cannot be replayed for another.
 */
public final class DataKeyEnvelope {

  /** Length in bytes of an envelope. */
  public static final int LENGTH = 80;

  private static final byte[] INFO_LABEL =
      "CareLedger data key v1".getBytes(StandardCharsets.UTF_8);
  private static final int ENC_LENGTH = 32;
  private static final byte[] NO_AAD = new byte[0];

  private DataKeyEnvelope() {}

  /**
   * @param recipient the reader's X25519 public key (JDK, Bouncy Castle or any provider)
   * @param context identifies the record version; not empty
   * @return the envelope, {@value #LENGTH} bytes
   * @throws IllegalArgumentException if {@code dataKey} is not a 256-bit AES key with extractable
   *     bytes, or {@code recipient} is not a usable X25519 key
   */
  public static byte[] seal(SecretKey dataKey, PublicKey recipient, byte[] context) {
    byte[] key = DataKeys.requireDataKey(dataKey).getEncoded();
    if (key == null) {
      throw new IllegalArgumentException("the data key's bytes cannot be read to wrap them");
    }
    try {
      HPKEContextWithEncapsulation sender =
          hpke().setupBaseS(X25519Keys.publicKey(recipient), info(context));
      byte[] ciphertext = sender.seal(NO_AAD, key);
      byte[] enc = sender.getEncapsulation();
      byte[] envelope = Arrays.copyOf(enc, LENGTH);
      System.arraycopy(ciphertext, 0, envelope, ENC_LENGTH, ciphertext.length);
      return envelope;
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("HPKE sealing failed", e);
    } catch (IllegalStateException e) {
      // Bouncy Castle's X25519 refuses a low-order point, whose shared secret would be zero.
      throw new IllegalArgumentException("the recipient's X25519 public key is not usable", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * @param recipient the reader's X25519 private key
   * @param context the value the envelope was sealed with
   * @return the data key
   * @throws CareLedgerException {@link ErrorCode#ENVELOPE_INVALID} if the envelope is damaged,
   *     sealed for another recipient, or sealed with another context
   * @throws IllegalArgumentException if {@code recipient} is not an X25519 private key
   */
  public static SecretKey open(byte[] envelope, PrivateKey recipient, byte[] context) {
    Objects.requireNonNull(envelope, "envelope");
    byte[] info = info(context);
    if (envelope.length != LENGTH) {
      throw invalid("an envelope is " + LENGTH + " bytes, not " + envelope.length);
    }
    AsymmetricCipherKeyPair recipientKeys = X25519Keys.keyPair(recipient);
    byte[] key = null;
    try {
      HPKEContext receiver =
          hpke().setupBaseR(Arrays.copyOf(envelope, ENC_LENGTH), recipientKeys, info);
      key = receiver.open(NO_AAD, envelope, ENC_LENGTH, LENGTH - ENC_LENGTH);
      return new SecretKeySpec(key, "AES");
    } catch (InvalidCipherTextException | IllegalArgumentException | IllegalStateException e) {
      throw invalid(
          "the data-key envelope does not open with this key and context: it is damaged, or"
              + " sealed for another recipient or record");
    } finally {
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  private static HPKE hpke() {
    return new HPKE(
        HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  private static byte[] info(byte[] context) {
    Objects.requireNonNull(context, "context");
    if (context.length == 0) {
      throw new IllegalArgumentException("an envelope's context must name the record version");
    }
    byte[] info = Arrays.copyOf(INFO_LABEL, INFO_LABEL.length + context.length);
    System.arraycopy(context, 0, info, INFO_LABEL.length, context.length);
    return info;
  }

  private static CareLedgerException invalid(String message) {
    return new CareLedgerException(ErrorCode.ENVELOPE_INVALID, message);
  }
}
