package org.careledger.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.careledger.domain.offchain.DataKeys;
import org.careledger.domain.offchain.DecryptingInputStream;
import org.careledger.domain.offchain.EncryptingOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CareLedger's document encryption path in memory, without a disk: {@link EncryptingOutputStream}
 * (AES-256-GCM per 1 MiB chunk plus SHA-256 of the ciphertext, the content address) and {@link
 * DecryptingInputStream} over 16 MiB, beside JDK SHA-256 of the same 16 MiB, the ceiling the
 * encrypt path shares. Scores are operations/s of 16 MiB: multiply by 16 for MiB/s. AES-GCM needs a
 * long warm-up before the JIT compiles its intrinsics (see README), hence 10 warm-up iterations.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar -f 1 -wi 10 -w 2 -i 5 -r 2 BlobBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BlobBenchmark {

  private static final int SIZE = 16 << 20;

  private byte[] plaintext;
  private byte[] ciphertext;
  private byte[] readBuffer;
  private SecretKey key;
  private MessageDigest sha256;
  private final byte[] context =
      "benchmark record".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @Setup(Level.Trial)
  public void setUp() throws IOException, NoSuchAlgorithmException {
    plaintext = new byte[SIZE];
    new Random(7).nextBytes(plaintext);
    key = DataKeys.generate();
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream(SIZE + (1 << 16));
    try (EncryptingOutputStream out = new EncryptingOutputStream(sink, key, context)) {
      out.write(plaintext);
    }
    ciphertext = sink.toByteArray();
    readBuffer = new byte[1 << 20];
    sha256 = MessageDigest.getInstance("SHA-256");
  }

  @Benchmark
  public byte[] encryptAndHash16MiB() throws IOException {
    EncryptingOutputStream out = new EncryptingOutputStream(Discard.INSTANCE, key, context);
    out.write(plaintext);
    out.close();
    return out.ciphertextSha256();
  }

  @Benchmark
  public long decrypt16MiB() throws IOException {
    long total = 0;
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(ciphertext), key, context)) {
      for (int n; (n = in.read(readBuffer)) > 0; ) {
        total += n;
      }
    }
    return total;
  }

  @Benchmark
  public byte[] rawSha256Of16MiB() {
    return sha256.digest(ciphertext);
  }

  /** An output stream that drops what it is given, so only our code path is measured. */
  private static final class Discard extends OutputStream {
    static final Discard INSTANCE = new Discard();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
