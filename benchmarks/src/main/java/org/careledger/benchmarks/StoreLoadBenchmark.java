package org.careledger.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.crypto.SecretKey;
import org.careledger.domain.offchain.DataKeys;
import org.careledger.infrastructure.offchain.FileBlobStore;

/**
 * Stores and loads one large document through {@link FileBlobStore} (encrypt + hash + durable
 * write; hash check + decrypt), beside the disk's own durable sequential write measured in the same
 * run: 1 MiB writes through the page cache, then fsync (what {@code dd bs=1M conv=fdatasync} does),
 * and 4 MiB {@code O_DIRECT} writes, then fsync (what the store does where it can). The document is
 * loaded twice: right after its store, when it is not in the page cache (the store bypasses it), so
 * the first pass reads the disk; and once more, from the page cache. Each round also measures its
 * own ceilings: the disk's {@code O_DIRECT} read, and JDK SHA-256 and AES-256-GCM on one core over
 * the same number of bytes. A whole-document operation is too long for JMH's iterations, so this is
 * a plain load generator: one warm-up round (the JIT must compile the AES-GCM intrinsics first),
 * then three measured rounds, median.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.careledger.benchmarks.StoreLoadBenchmark [MiB] [dir]
 * </pre>
 */
public final class StoreLoadBenchmark {

  private static final int MIB = 1 << 20;

  private StoreLoadBenchmark() {}

  public static void main(String[] args) throws IOException {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    Path dir =
        Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of("."), "storeload");
    byte[] block = new byte[MIB];
    new Random(42).nextBytes(block);
    byte[] context = "benchmark record".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    FileBlobStore store = new FileBlobStore(dir.resolve("documents"));
    List<Double> raw = new ArrayList<>();
    List<Double> rawDirect = new ArrayList<>();
    List<Double> stores = new ArrayList<>();
    List<Double> loads = new ArrayList<>();
    List<Double> cachedLoads = new ArrayList<>();
    List<Double> rawReads = new ArrayList<>();
    List<Double> shas = new ArrayList<>();
    List<Double> gcms = new ArrayList<>();
    try {
      for (int round = 0; round < 4; round++) {
        double rawMbs = rawDurableWrite(dir.resolve("raw.bin"), block, mib);
        double[] direct = rawDirectWriteAndRead(dir.resolve("raw-direct.bin"), block, mib);
        double rawDirectMbs = direct[0];
        double rawReadMbs = direct[1];
        double shaMbs = rawSha256(block, mib);
        double gcmMbs = rawAesGcm(block, mib);
        SecretKey key = DataKeys.generate();
        long start = System.nanoTime();
        FileBlobStore.Stored stored = store.store(new Repeating(block, mib), key, context);
        double storeMbs = mib / seconds(start);
        Load load = load(store, stored, key, context, mib);
        Load cachedLoad = load(store, stored, key, context, mib);
        double loadMbs = load.mibPerSecond();
        double cachedLoadMbs = cachedLoad.mibPerSecond();
        store.erase(stored.contentHash());
        System.out.printf(
            "%s round %d: raw durable write %.0f MiB/s (O_DIRECT %.0f), O_DIRECT read %.0f MiB/s,"
                + " SHA-256 %.0f MiB/s, AES-256-GCM %.0f MiB/s (one core each); store %.0f MiB/s,"
                + " load %.0f MiB/s, hash check %.2f s (from the page cache %.0f, %.2f s)%n",
            round == 0 ? "warm-up" : "measured",
            round,
            rawMbs,
            rawDirectMbs,
            rawReadMbs,
            shaMbs,
            gcmMbs,
            storeMbs,
            loadMbs,
            load.hashCheckSeconds(),
            cachedLoadMbs,
            cachedLoad.hashCheckSeconds());
        if (round > 0) {
          raw.add(rawMbs);
          rawDirect.add(rawDirectMbs);
          stores.add(storeMbs);
          loads.add(loadMbs);
          cachedLoads.add(cachedLoadMbs);
          rawReads.add(rawReadMbs);
          shas.add(shaMbs);
          gcms.add(gcmMbs);
        }
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    double rawMedian = median(raw);
    double rawDirectMedian = median(rawDirect);
    System.out.printf(
        "median of 3 (%d MiB): raw durable write %.0f MiB/s (O_DIRECT %.0f MiB/s);"
            + " store %.0f MiB/s (%.0f%% of raw, %.0f%% of O_DIRECT);"
            + " load %.0f MiB/s (from the page cache %.0f MiB/s)%n",
        mib,
        rawMedian,
        rawDirectMedian,
        median(stores),
        100 * median(stores) / rawMedian,
        100 * median(stores) / rawDirectMedian,
        median(loads),
        median(cachedLoads));
    double sha = median(shas);
    double gcm = median(gcms);
    System.out.printf(
        "ceilings, medians of the same rounds: SHA-256 %.0f MiB/s, AES-256-GCM %.0f MiB/s on one"
            + " core; O_DIRECT read %.0f MiB/s. A load hashes the whole file, then decrypts on two"
            + " cores: at best %.0f MiB/s from the page cache (SHA-256, then AES-GCM at twice one"
            + " core's speed, reads and copies free)%n",
        sha, gcm, median(rawReads), 1 / (1 / sha + 1 / (2 * gcm)));
  }

  /** SHA-256 over {@code mib} MiB on one core (the JDK's, as the store uses it). */
  private static double rawSha256(byte[] block, int mib) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      long start = System.nanoTime();
      for (int i = 0; i < mib; i++) {
        digest.update(block);
      }
      digest.digest();
      return mib / seconds(start);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** AES-256-GCM encryption of {@code mib} 1 MiB messages on one core. */
  private static double rawAesGcm(byte[] block, int mib) {
    try {
      javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      SecretKey key = DataKeys.generate();
      byte[] nonce = new byte[12];
      byte[] sealed = new byte[block.length + 16];
      long start = System.nanoTime();
      for (int i = 0; i < mib; i++) {
        nonce[0] = (byte) i;
        nonce[1] = (byte) (i >>> 8);
        nonce[2] = (byte) (i >>> 16);
        nonce[11]++;
        cipher.init(
            javax.crypto.Cipher.ENCRYPT_MODE,
            key,
            new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.doFinal(block, 0, block.length, sealed, 0);
      }
      return mib / seconds(start);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A load's speed, and the part of its time {@code open} took (the whole-file hash check). */
  private record Load(double mibPerSecond, double hashCheckSeconds) {}

  private static Load load(
      FileBlobStore store, FileBlobStore.Stored stored, SecretKey key, byte[] context, int mib)
      throws IOException {
    long start = System.nanoTime();
    long read;
    double hashCheck;
    try (InputStream in = store.open(stored.contentHash(), key, context)) {
      hashCheck = seconds(start);
      read = in.transferTo(OutputSink.INSTANCE);
    }
    double mbs = mib / seconds(start);
    if (read != (long) mib * MIB) {
      throw new IllegalStateException("read " + read + " bytes, stored " + (long) mib * MIB);
    }
    return new Load(mbs, hashCheck);
  }

  /**
   * 4 MiB {@code O_DIRECT} writes, then fsync; then the same file read back with 8 MiB {@code
   * O_DIRECT} reads (the disk, not the page cache). NaN where the file system refuses O_DIRECT.
   */
  private static double[] rawDirectWriteAndRead(Path file, byte[] block, int mib)
      throws IOException {
    int size = 4 * MIB;
    ByteBuffer buffer = ByteBuffer.allocateDirect(2 * size + (64 << 10)).alignedSlice(64 << 10);
    buffer.limit(size);
    while (buffer.hasRemaining()) {
      buffer.put(block, 0, Math.min(block.length, buffer.remaining()));
    }
    double write;
    double read;
    long start = System.nanoTime();
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
      for (long position = 0; position < (long) mib * MIB; position += size) {
        ByteBuffer slice = buffer.duplicate().position(0).limit(size);
        for (long at = position; slice.hasRemaining(); ) {
          at += channel.write(slice, at);
        }
      }
      channel.force(true);
      write = mib / seconds(start);
    } catch (IOException | UnsupportedOperationException e) {
      Files.deleteIfExists(file);
      return new double[] {Double.NaN, Double.NaN};
    }
    start = System.nanoTime();
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
      for (long position = 0; position < (long) mib * MIB; ) {
        ByteBuffer slice = buffer.duplicate().position(0).limit(2 * size);
        int n = channel.read(slice, position);
        if (n <= 0) {
          break;
        }
        position += n;
      }
      read = mib / seconds(start);
    }
    Files.delete(file);
    return new double[] {write, read};
  }

  private static double rawDurableWrite(Path file, byte[] block, int mib) throws IOException {
    long start = System.nanoTime();
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (int i = 0; i < mib; i++) {
        ByteBuffer buffer = ByteBuffer.wrap(block);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      channel.force(true);
    }
    double mbs = mib / seconds(start);
    Files.delete(file);
    return mbs;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** {@code mib} MiB of one random block, repeated: generating it costs nothing measurable. */
  private static final class Repeating extends InputStream {
    private final byte[] block;
    private long remaining;
    private int offset;

    Repeating(byte[] block, int mib) {
      this.block = block;
      this.remaining = (long) mib * block.length;
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
      int n = (int) Math.min(Math.min(len, remaining), block.length - offset);
      System.arraycopy(block, offset, b, off, n);
      offset = (offset + n) % block.length;
      remaining -= n;
      return n;
    }
  }

  /** Discards what it is given, so load measures the store and not a consumer. */
  private static final class OutputSink extends java.io.OutputStream {
    static final OutputSink INSTANCE = new OutputSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
