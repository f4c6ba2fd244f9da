package org.careledger.infrastructure.offchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.careledger.domain.offchain.DataKeys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB document through {@link FileBlobStore}'s pipelined store and its load (by {@code read},
 * and by {@code transferTo}, which decrypts on two threads), with the heap capped at 256 MiB (the
 * "large" surefire execution sets -Xmx256m): it passes only if neither holds the document in
 * memory.
 */
@Tag("large")
class LargeBlobStoreTest {

  private static final long SIZE = 1L << 30;
  private static final byte[] RECORD = "imaging study 9c1d/v1".getBytes(StandardCharsets.UTF_8);

  @TempDir Path root;

  @Test
  void oneGibibyteIsStoredAndLoadedInASmallHeap() throws Exception {
    SecretKey key = DataKeys.generate();
    FileBlobStore store = new FileBlobStore(root);
    Generated upload = new Generated(SIZE);

    long start = System.nanoTime();
    FileBlobStore.Stored stored = store.store(upload, key, RECORD);
    long storeNanos = System.nanoTime() - start;

    Path file = store.path(stored.contentHash());
    assertThat(stored.plaintextSize()).isEqualTo(SIZE);
    assertThat(Files.size(file)).isEqualTo(stored.ciphertextSize());
    try (Stream<Path> incoming = Files.list(root.resolve("incoming"))) {
      assertThat(incoming).isEmpty();
    }
    MessageDigest read = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    start = System.nanoTime();
    try (InputStream in = store.open(stored.contentHash(), key, RECORD)) {
      for (int n; (n = in.read(buffer)) > 0; total += n) {
        read.update(buffer, 0, n);
      }
    }
    long loadNanos = System.nanoTime() - start;
    String uploaded = HexFormat.of().formatHex(upload.digest.digest());

    assertThat(total).isEqualTo(SIZE);
    assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(uploaded);

    // transferTo decrypts on two threads, with a few chunks in memory.
    MessageDigest transferred = MessageDigest.getInstance("SHA-256");
    long transferredBytes;
    start = System.nanoTime();
    try (InputStream in = store.open(stored.contentHash(), key, RECORD)) {
      transferredBytes =
          in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), transferred));
    }
    long transferNanos = System.nanoTime() - start;

    assertThat(transferredBytes).isEqualTo(SIZE);
    assertThat(HexFormat.of().formatHex(transferred.digest())).isEqualTo(uploaded);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("careledger-blob-"));
    System.out.printf(
        "LargeBlobStoreTest: 1 GiB, heap max %d MiB: store %.0f MB/s, load %.0f MB/s"
            + " (read), %.0f MB/s (transferTo)%n",
        Runtime.getRuntime().maxMemory() >> 20,
        SIZE / 1e3 / (storeNanos / 1e6),
        SIZE / 1e3 / (loadNanos / 1e6),
        SIZE / 1e3 / (transferNanos / 1e6));
  }

  /** Pseudo-random bytes, digested as they are handed out. */
  private static final class Generated extends InputStream {
    private final SplittableRandom random = new SplittableRandom(20_261_123L);
    private final MessageDigest digest;
    private long remaining;

    Generated(long size) throws Exception {
      this.remaining = size;
      this.digest = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i += 8) {
        long r = random.nextLong();
        for (int j = 0; j < 8 && i + j < n; j++) {
          b[off + i + j] = (byte) (r >>> (8 * j));
        }
      }
      digest.update(b, off, n);
      remaining -= n;
      return n;
    }
  }
}
