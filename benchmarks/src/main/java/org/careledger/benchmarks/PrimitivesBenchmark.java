package org.careledger.benchmarks;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
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
 * The ceilings of this machine: the raw primitives CareLedger is built on, one thread each. Bulk
 * operations work on 1 MiB buffers; read throughput as ops/s × 1 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PrimitivesBenchmark {

  static final int MIB = 1 << 20;

  private byte[] buffer;
  private byte[] out;
  private byte[] message;
  private byte[] signature;
  private MessageDigest jdkSha256;
  private Cipher gcm;
  private SecretKeySpec aesKey;
  private byte[] nonce;
  private long counter;
  private Ed25519PrivateKeyParameters ed25519Private;
  private Ed25519PublicKeyParameters ed25519Public;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SecureRandom random = new SecureRandom();
    buffer = new byte[MIB];
    random.nextBytes(buffer);
    out = new byte[MIB + 16];
    message = new byte[200]; // about one canonical transaction
    random.nextBytes(message);
    jdkSha256 = MessageDigest.getInstance("SHA-256");
    byte[] key = new byte[32];
    random.nextBytes(key);
    aesKey = new SecretKeySpec(key, "AES");
    gcm = Cipher.getInstance("AES/GCM/NoPadding");
    nonce = new byte[12];
    ed25519Private = new Ed25519PrivateKeyParameters(random);
    ed25519Public = ed25519Private.generatePublicKey();
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, ed25519Private);
    signer.update(message, 0, message.length);
    signature = signer.generateSignature();
  }

  @Benchmark
  public byte[] sha256JdkOneMiB() {
    return jdkSha256.digest(buffer);
  }

  @Benchmark
  public byte[] sha256BouncyCastleOneMiB() {
    SHA256Digest digest = new SHA256Digest();
    digest.update(buffer, 0, buffer.length);
    byte[] result = new byte[32];
    digest.doFinal(result, 0);
    return result;
  }

  @Benchmark
  public int aes256GcmJdkEncryptOneMiB() throws Exception {
    // A fresh nonce per operation, as GCM requires; the counter makes it unique.
    counter++;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (counter >>> (8 * i));
    }
    gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
    return gcm.doFinal(buffer, 0, buffer.length, out, 0);
  }

  @Benchmark
  public byte[] ed25519BouncyCastleSign() {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, ed25519Private);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Benchmark
  public boolean ed25519BouncyCastleVerify() {
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, ed25519Public);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }
}
