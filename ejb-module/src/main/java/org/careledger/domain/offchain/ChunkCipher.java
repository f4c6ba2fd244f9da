package org.careledger.domain.offchain;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals and opens the chunks of one blob: AES-256-GCM with the per-chunk nonce and the header plus
 * associated data as AAD, as the package documentation specifies.
 */
final class ChunkCipher {

  static final int TAG_LENGTH = 16;
  private static final long MAX_CHUNKS = 1L << 32;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_LENGTH = 12;
  private static final byte FINAL = 1;
  private static final int WARM_UP_ROUNDS = 5000;
  private static final int WARM_UP_LENGTH = 1024;

  static {
    warmUpJit();
  }

  private final Cipher cipher;
  private final SecretKey key;
  private final byte[] aad;
  private final byte[] nonce = new byte[NONCE_LENGTH];

  ChunkCipher(SecretKey key, BlobHeader header, byte[] associatedData) {
    this.key = DataKeys.requireDataKey(key);
    byte[] encodedHeader = header.encode();
    this.aad = new byte[encodedHeader.length + associatedData.length];
    System.arraycopy(encodedHeader, 0, aad, 0, encodedHeader.length);
    System.arraycopy(associatedData, 0, aad, encodedHeader.length, associatedData.length);
    System.arraycopy(header.noncePrefix(), 0, nonce, 0, BlobHeader.NONCE_PREFIX_LENGTH);
    try {
      // The default provider, on the JDK SunJCE with its AES-NI and carry-less-multiply
      // intrinsics; Bouncy Castle's GCM is many times slower, so it must not be registered first.
      this.cipher = Cipher.getInstance(TRANSFORMATION);
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("the JDK lacks AES/GCM/NoPadding", e);
    }
  }

  /**
   * Encrypts {@code len} bytes of {@code in} into {@code out}, which needs room for {@code len +
   * TAG_LENGTH} bytes.
   *
   * @return the bytes written to {@code out}
   */
  int seal(long index, boolean last, byte[] in, int len, byte[] out) {
    try {
      init(Cipher.ENCRYPT_MODE, index, last);
      return cipher.doFinal(in, 0, len, out, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts and verifies {@code len} bytes of {@code in} into {@code out}, which must not be read
   * unless this returns normally.
   *
   * @return the plaintext bytes written to {@code out}
   * @throws AEADBadTagException if the chunk is not chunk {@code index} of this blob with this
   *     final flag, key and associated data
   */
  int open(long index, boolean last, byte[] in, int len, byte[] out) throws AEADBadTagException {
    try {
      init(Cipher.DECRYPT_MODE, index, last);
      return cipher.doFinal(in, 0, len, out, 0);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private void init(int mode, long index, boolean last) throws GeneralSecurityException {
    if (index < 0 || index >= MAX_CHUNKS) {
      throw new IllegalStateException("a blob holds at most 2^32 chunks");
    }
    putInt(nonce, BlobHeader.NONCE_PREFIX_LENGTH, (int) index);
    nonce[NONCE_LENGTH - 1] = last ? FINAL : 0;
    cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
    cipher.updateAAD(aad);
  }

  /*
   * The JDK runs AES-GCM on its AES-NI and carry-less-multiply intrinsics only once the methods
   * around them are compiled, which takes some thousands of calls. A blob makes one call per MiB,
   * so a fresh JVM would crawl through its first gigabyte at about 60 MB/s instead of gigabytes
   * per second (measured on JDK 17). Some thousands of 1 KiB operations under a throwaway key,
   * about 0.2 s once per JVM, get those methods compiled first.
   */
  private static void warmUpJit() {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      SecretKey key = DataKeys.generate();
      byte[] plaintext = new byte[WARM_UP_LENGTH];
      byte[] sealed = new byte[WARM_UP_LENGTH + TAG_LENGTH];
      byte[] nonce = new byte[NONCE_LENGTH];
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        putInt(nonce, 0, i);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(nonce);
        cipher.doFinal(plaintext, 0, plaintext.length, sealed, 0);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(nonce);
        cipher.doFinal(sealed, 0, sealed.length, plaintext, 0);
      }
    } catch (GeneralSecurityException e) {
      // Only speed is at stake; a real chunk reports any actual problem.
    }
  }

  private static void putInt(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }
}
