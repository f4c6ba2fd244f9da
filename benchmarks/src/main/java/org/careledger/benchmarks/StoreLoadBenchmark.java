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
 * the first pass reads the disk; and once more, from the page cache. A whole-document operation is
 * too long for JMH's iterations, so this is a plain load generator: one warm-up round (the JIT must
 * compile the AES-GCM intrinsics first), then three measured rounds, median.
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
    try {
      for (int round = 0; round < 4; round++) {
        double rawMbs = rawDurableWrite(dir.resolve("raw.bin"), block, mib);
        double rawDirectMbs = rawDirectWrite(dir.resolve("raw-direct.bin"), block, mib);
        SecretKey key = DataKeys.generate();
        long start = System.nanoTime();
        FileBlobStore.Stored stored = store.store(new Repeating(block, mib), key, context);
        double storeMbs = mib / seconds(start);
        double loadMbs = load(store, stored, key, context, mib);
        double cachedLoadMbs = load(store, stored, key, context, mib);
        store.erase(stored.contentHash());
        System.out.printf(
            "%s round %d: raw durable write %.0f MiB/s (O_DIRECT %.0f), store %.0f MiB/s,"
                + " load %.0f MiB/s (from the page cache %.0f)%n",
            round == 0 ? "warm-up" : "measured",
            round,
            rawMbs,
            rawDirectMbs,
            storeMbs,
            loadMbs,
            cachedLoadMbs);
        if (round > 0) {
          raw.add(rawMbs);
          rawDirect.add(rawDirectMbs);
          stores.add(storeMbs);
          loads.add(loadMbs);
          cachedLoads.add(cachedLoadMbs);
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
  }

  private static double load(
      FileBlobStore store, FileBlobStore.Stored stored, SecretKey key, byte[] context, int mib)
      throws IOException {
    long start = System.nanoTime();
    long read;
    try (InputStream in = store.open(stored.contentHash(), key, context)) {
      read = in.transferTo(OutputSink.INSTANCE);
    }
    double mbs = mib / seconds(start);
    if (read != (long) mib * MIB) {
      throw new IllegalStateException("read " + read + " bytes, stored " + (long) mib * MIB);
    }
    return mbs;
  }

  /** 4 MiB {@code O_DIRECT} writes, then fsync; NaN where the file system refuses O_DIRECT. */
  private static double rawDirectWrite(Path file, byte[] block, int mib) throws IOException {
    int size = 4 * MIB;
    ByteBuffer buffer = ByteBuffer.allocateDirect(size + (64 << 10)).alignedSlice(64 << 10);
    buffer.limit(size);
    while (buffer.hasRemaining()) {
      buffer.put(block, 0, Math.min(block.length, buffer.remaining()));
    }
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
    } catch (IOException | UnsupportedOperationException e) {
      Files.deleteIfExists(file);
      return Double.NaN;
    }
    double mbs = mib / seconds(start);
    Files.delete(file);
    return mbs;
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
