package org.careledger.domain.offchain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import javax.crypto.SecretKey;

/** In-memory blobs for tests. */
final class Blobs {

  static final int CHUNK = BlobHeader.DEFAULT_CHUNK_SIZE;
  static final int TAG = ChunkCipher.TAG_LENGTH;
  static final byte[] RECORD = "record 7f3a/v1".getBytes(StandardCharsets.UTF_8);

  private Blobs() {}

  static byte[] plaintext(int length, long seed) {
    byte[] bytes = new byte[length];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  static byte[] encrypt(byte[] plaintext, SecretKey key, byte[] associatedData) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (EncryptingOutputStream out = new EncryptingOutputStream(sink, key, associatedData)) {
      out.write(plaintext);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sink.toByteArray();
  }

  /** Decrypts all of {@code blob}; throws what the stream throws. */
  static byte[] decrypt(byte[] blob, SecretKey key, byte[] associatedData) throws IOException {
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(blob), key, associatedData)) {
      return in.readAllBytes();
    }
  }

  /** Offset of chunk {@code index} in a blob with full chunks before it. */
  static int chunkOffset(int index) {
    return BlobHeader.LENGTH + index * (CHUNK + TAG);
  }
}
