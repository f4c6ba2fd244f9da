package org.careledger.infrastructure.offchain;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.offchain.BlobSealer;

/**
 * One store's encryption, hashing and writing, overlapped on three threads: the calling thread
 * reads the plaintext and seals it chunk by chunk into a small pool of reusable buffers; a hashing
 * thread runs each sealed chunk through SHA-256 (the content address), and a writing thread appends
 * it to the file, then returns the buffer to the pool. SHA-256 is the slowest step (1.2 to 1.5
 * GiB/s on one core of the project's machines, AES-GCM 2.4 to 5), so the hashing thread sets the
 * pace, unless the device is slower still; the caller and the writer, which mostly waits for the
 * device, share the other core.
 *
 * <p>Memory stays small whatever the document's size: {@value #BUFFERS} sealed chunks of 1 MiB, one
 * chunk of plaintext and the file's 4 MiB write buffer. A document that ends within its first chunk
 * is sealed, hashed and written on the calling thread alone: no thread is started for it.
 *
 * <p>The two threads are plain daemon threads started per store and always joined before {@link
 * #run} returns or throws, whatever fails (the input stream, the hash, the file, an interrupt of
 * the caller): a failure anywhere stops all three, and the caller rethrows it. The threads never
 * wait on anything but each other and the caller, which is what makes the join safe; a shared
 * bounded pool could not promise that (two stores each holding one of two pool threads and waiting
 * for their second would wait forever), and starting two threads costs tens of microseconds, next
 * to milliseconds for the fsync of even the smallest document. Their names start with {@code
 * careledger-blob-}.
 */
final class StorePipeline {

  /** What was written: the SHA-256 of the ciphertext and the sizes. */
  record Written(byte[] sha256, long ciphertextSize, long plaintextSize) {}

  static final int BUFFERS = 8;

  private static final Chunk END = new Chunk(new byte[0], 0, false);
  private static final Chunk ABORT = new Chunk(new byte[0], 0, false);

  private final BlobSealer sealer;
  private final CiphertextFile file;
  private final MessageDigest digest = sha256();
  private final BlockingQueue<Chunk> toHash = new LinkedBlockingQueue<>();
  private final BlockingQueue<Chunk> toWrite = new LinkedBlockingQueue<>();
  private final BlockingQueue<Chunk> free = new LinkedBlockingQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean aborted;
  private int allocated;
  private long ciphertextSize;

  private StorePipeline(BlobSealer sealer, CiphertextFile file) {
    this.sealer = sealer;
    this.file = file;
  }

  /**
   * Seals all of {@code plaintext} into {@code file} and forces it to disk.
   *
   * @throws IOException what reading the plaintext or writing the file threw (a write failure
   *     wrapped, with the writing thread's exception as its cause); {@link InterruptedIOException}
   *     if the calling thread was interrupted, with its interrupt status set again
   * @throws CareLedgerException {@link ErrorCode#BLOB_STORE_FAILED} for anything else the hashing
   *     or writing thread threw
   */
  static Written run(InputStream plaintext, BlobSealer sealer, CiphertextFile file)
      throws IOException {
    return new StorePipeline(sealer, file).run(plaintext);
  }

  private Written run(InputStream plaintext) throws IOException {
    int chunkSize = sealer.chunkSize();
    // One byte more than a chunk: a full chunk is the final one only if nothing follows it.
    byte[] plain = new byte[chunkSize + 1];
    int filled = plaintext.readNBytes(plain, 0, plain.length);
    if (filled <= chunkSize) {
      return single(plain, filled);
    }
    long plaintextSize = 0;
    Thread hasher = start(this::hash, "careledger-blob-hash");
    Thread writer;
    try {
      writer = start(this::write, "careledger-blob-write");
    } catch (Throwable e) {
      toHash.add(ABORT);
      joinUninterruptibly(hasher);
      throw e;
    }
    boolean ended = false;
    try {
      byte[] header = sealer.header();
      toHash.add(new Chunk(header, header.length, false));
      while (true) {
        boolean last = filled <= chunkSize;
        int length = last ? filled : chunkSize;
        Chunk chunk = freeChunk();
        chunk.length = sealer.seal(plain, length, last, chunk.bytes);
        toHash.add(chunk);
        plaintextSize += length;
        if (last) {
          break;
        }
        plain[0] = plain[chunkSize];
        filled = 1 + plaintext.readNBytes(plain, 1, chunkSize);
      }
      toHash.add(END);
      ended = true;
      joinOrAbort(hasher, writer);
      rethrowFailure();
      return new Written(digest.digest(), ciphertextSize, plaintextSize);
    } finally {
      Arrays.fill(plain, (byte) 0);
      if (!ended) {
        aborted = true;
        toHash.add(ABORT);
      }
      joinUninterruptibly(hasher);
      joinUninterruptibly(writer);
    }
  }

  // A document of at most one chunk: no thread is worth starting.
  private Written single(byte[] plain, int length) throws IOException {
    try {
      byte[] header = sealer.header();
      byte[] sealed = new byte[length + BlobSealer.TAG_LENGTH];
      int n = sealer.seal(plain, length, true, sealed);
      digest.update(header);
      digest.update(sealed, 0, n);
      file.write(header, 0, header.length);
      file.write(sealed, 0, n);
      file.finish();
      return new Written(digest.digest(), header.length + (long) n, length);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  // On the hashing thread: every chunk through SHA-256, in order, then on to the writer.
  private void hash() {
    Chunk chunk;
    do {
      chunk = takeUninterruptibly(toHash);
      if (chunk != END && chunk != ABORT && !aborted && failure.get() == null) {
        try {
          digest.update(chunk.bytes, 0, chunk.length);
          ciphertextSize += chunk.length;
        } catch (Throwable e) {
          fail(e);
        }
      }
      toWrite.add(chunk);
    } while (chunk != END && chunk != ABORT);
  }

  // On the writing thread: every chunk to the file, in order, then back to the pool; the file
  // forced at the end. After a failure it only recycles, so that the caller never waits for a
  // buffer that will not come back.
  private void write() {
    Chunk chunk;
    while ((chunk = takeUninterruptibly(toWrite)) != END && chunk != ABORT) {
      if (!aborted && failure.get() == null) {
        try {
          file.write(chunk.bytes, 0, chunk.length);
        } catch (Throwable e) {
          fail(e);
        }
      }
      if (chunk.pooled) {
        free.add(chunk);
      }
    }
    if (chunk == END && !aborted && failure.get() == null) {
      try {
        file.finish();
      } catch (Throwable e) {
        fail(e);
      }
    }
  }

  private Chunk freeChunk() throws IOException {
    rethrowFailure();
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted while storing a document");
    }
    Chunk chunk = free.poll();
    if (chunk == null && allocated < BUFFERS) {
      allocated++;
      return new Chunk(new byte[sealer.sealedChunkCapacity()], 0, true);
    }
    if (chunk == null) {
      try {
        chunk = free.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while storing a document");
      }
    }
    rethrowFailure();
    return chunk;
  }

  private void joinOrAbort(Thread hasher, Thread writer) throws InterruptedIOException {
    try {
      hasher.join();
      writer.join();
    } catch (InterruptedException e) {
      // The finally block stops and joins them.
      aborted = true;
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while storing a document");
    }
  }

  private void fail(Throwable e) {
    failure.compareAndSet(null, e);
  }

  private void rethrowFailure() throws IOException {
    Throwable e = failure.get();
    if (e == null) {
      return;
    }
    if (e instanceof IOException) {
      throw new IOException(e.getMessage(), e);
    }
    throw new CareLedgerException(ErrorCode.BLOB_STORE_FAILED, "cannot store document: " + e, e);
  }

  private static Thread start(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static Chunk takeUninterruptibly(BlockingQueue<Chunk> queue) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return queue.take();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits for a per-operation thread to end, keeping (not acting on) an interrupt meanwhile. */
  static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** A buffer holding one sealed chunk (or the header) on its way through the threads. */
  private static final class Chunk {
    final byte[] bytes;
    final boolean pooled;
    int length;

    Chunk(byte[] bytes, int length, boolean pooled) {
      this.bytes = bytes;
      this.length = length;
      this.pooled = pooled;
    }
  }
}
