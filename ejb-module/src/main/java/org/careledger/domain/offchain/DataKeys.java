package org.careledger.domain.offchain;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Data keys: AES-256 keys, one per record version, never reused for another version. */
public final class DataKeys {

  /** Length in bytes of a data key. */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private DataKeys() {}

  /** A fresh random data key. */
  public static SecretKey generate() {
    byte[] bytes = new byte[LENGTH];
    RANDOM.nextBytes(bytes);
    try {
      return new SecretKeySpec(bytes, "AES");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code key} is an AES key of {@link #LENGTH} bytes (a
   *     key whose bytes a hardware module withholds passes if it claims to be AES)
   */
  static SecretKey requireDataKey(SecretKey key) {
    if (key == null || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IllegalArgumentException("a data key must be an AES key");
    }
    byte[] encoded = key.getEncoded();
    if (encoded != null) {
      int length = encoded.length;
      Arrays.fill(encoded, (byte) 0);
      if (length != LENGTH) {
        throw new IllegalArgumentException("a data key must be 256 bits, not " + length * 8);
      }
    }
    return key;
  }
}
