package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB document through both streams with the heap capped at 256 MiB (the "large" surefire
 * execution sets -Xmx256m), so it passes only if neither side holds the document.
 */
@Tag("large")
class LargeBlobRoundTripTest {

  private static final long SIZE = 1L << 30;
  private static final int PIECE = 1 << 20;
  private static final byte[] RECORD = "imaging study 1f2e/v1".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void oneGibibyteRoundTripsInASmallHeap() throws Exception {
    SecretKey key = DataKeys.generate();
    Path file = dir.resolve("blob");
    byte[] piece = new byte[PIECE];
    try {
      MessageDigest written = MessageDigest.getInstance("SHA-256");
      SplittableRandom random = new SplittableRandom(20_261_122L);
      long encryptNanos = 0;
      EncryptingOutputStream out =
          new EncryptingOutputStream(
              new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), key, RECORD);
      try (out) {
        for (long done = 0; done < SIZE; done += PIECE) {
          fill(piece, random);
          written.update(piece);
          long start = System.nanoTime();
          out.write(piece);
          encryptNanos += System.nanoTime() - start;
        }
        long start = System.nanoTime();
        out.close();
        encryptNanos += System.nanoTime() - start;
      }
      assertThat(out.plaintextLength()).isEqualTo(SIZE);
      assertThat(Files.size(file)).isEqualTo(out.ciphertextLength());

      MessageDigest read = MessageDigest.getInstance("SHA-256");
      long total = 0;
      long decryptNanos = 0;
      try (InputStream in =
          new DecryptingInputStream(
              new BufferedInputStream(Files.newInputStream(file), 1 << 16), key, RECORD)) {
        while (true) {
          long start = System.nanoTime();
          int n = in.read(piece);
          decryptNanos += System.nanoTime() - start;
          if (n < 0) {
            break;
          }
          read.update(piece, 0, n);
          total += n;
        }
      }

      assertThat(total).isEqualTo(SIZE);
      assertThat(read.digest()).isEqualTo(written.digest());
      System.out.printf(
          "LargeBlobRoundTripTest: 1 GiB, heap max %d MiB: encrypt %.0f MB/s, decrypt %.0f MB/s"
              + " (time inside the streams, file I/O included)%n",
          Runtime.getRuntime().maxMemory() >> 20,
          megabytesPerSecond(SIZE, encryptNanos),
          megabytesPerSecond(SIZE, decryptNanos));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void fill(byte[] bytes, SplittableRandom random) {
    for (int i = 0; i < bytes.length; i += 8) {
      long r = random.nextLong();
      for (int j = 0; j < 8; j++) {
        bytes[i + j] = (byte) (r >>> (8 * j));
      }
    }
  }

  private static double megabytesPerSecond(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }
}
