package org.careledger.infrastructure.offchain;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SHA-256 of a whole file, with the reads overlapped with the hashing: two reading threads each
 * read every twoth 1 MiB block of the file into a direct buffer and copy it into one of a few heap
 * arrays ahead of the calling thread, which only hashes, in order. A file that is in the page cache
 * hashes at the speed of SHA-256 alone rather than of copy plus hash in turn; the hash runs over
 * heap arrays because the JDK's {@code MessageDigest.update(ByteBuffer)} copies a direct buffer
 * through a 4 KiB array first, on the hashing thread, the one that sets the pace.
 *
 * <p>Why more than one reader: a document is stored with {@code O_DIRECT} (see {@link
 * CiphertextFile}), so the first load after a store reads it from the device, and there one
 * sequential reader with 1 MiB reads keeps too few reads in flight. Measured on the project's
 * 2-vCPU machine (a freshly dropped page cache, 1 GiB, SHA-256 included): one reader 344–990 MiB/s,
 * two readers 871–1,320, four 1,333–1,429, against about 1,550 MiB/s for SHA-256 alone. Two keep
 * the thread count per load low (the decryption that follows reads the file from the page cache
 * these reads filled).
 *
 * <p>The reading threads are plain daemon threads started per call and always joined before {@link
 * #of} returns or throws; each waits only for the calling thread, which keeps handing buffers back
 * until the end. A file of at most one buffer is read and hashed on the calling thread alone. The
 * file's size is read once at the start: if it changes while it is hashed (a stored document never
 * does; its file is renamed into place whole), the hash fails with an {@link IOException} instead
 * of covering a mix of two versions.
 */
final class FileSha256 {

  static final int BUFFER_SIZE = 1 << 20;
  static final int READERS = 2;
  static final int BUFFERS_PER_READER = 3;

  private static final Block END = new Block(new byte[0]);
  // Direct memory is freed only once the garbage collector notices: the reading threads' buffers
  // are kept for the next hash instead of allocated per call.
  private static final BlockingQueue<ByteBuffer> SPARES = new ArrayBlockingQueue<>(2 * READERS);

  private final FileChannel channel;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopped;

  private FileSha256(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws IOException what reading threw; {@link InterruptedIOException} if the calling thread
   *     was interrupted, with its interrupt status set again
   */
  static byte[] of(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return of(channel);
    }
  }

  /**
   * The SHA-256 of all of {@code channel}'s file, read with positional reads from offset 0 (the
   * channel's position is not used).
   *
   * @throws IOException what reading threw, or the file's size changed while it was hashed; {@link
   *     InterruptedIOException} if the calling thread was interrupted, with its interrupt status
   *     set again
   */
  static byte[] of(FileChannel channel) throws IOException {
    return new FileSha256(channel).digest();
  }

  private byte[] digest() throws IOException {
    MessageDigest digest = sha256();
    long size = channel.size();
    if (size <= BUFFER_SIZE) {
      // One read or two: no thread is worth starting.
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(size, 1 << 12));
      long position = 0;
      int n;
      while ((n = channel.read(buffer.clear(), position)) >= 0) {
        position += n;
        digest.update(buffer.flip());
      }
      return digest.digest();
    }
    long blocks = (size + BUFFER_SIZE - 1) / BUFFER_SIZE;
    Reader[] readers = new Reader[READERS];
    Thread[] threads = new Thread[READERS];
    try {
      for (int r = 0; r < READERS; r++) {
        readers[r] = new Reader(r, blocks);
        threads[r] = new Thread(readers[r], "careledger-blob-read-" + r);
        threads[r].setDaemon(true);
        threads[r].start();
      }
      long hashed = 0;
      for (long i = 0; i < blocks; i++) {
        Reader reader = readers[(int) (i % READERS)];
        Block block = take(reader.full);
        if (block == END) {
          break; // that reader failed: failure says why
        }
        digest.update(block.bytes, 0, block.length);
        hashed += block.length;
        reader.free.add(block);
      }
      Throwable e = failure.get();
      if (e instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (e != null) {
        throw new IllegalStateException("reading the document failed", e);
      }
      if (hashed != size || channel.size() != size) {
        throw new IOException(
            "the file changed while it was hashed ("
                + size
                + " bytes at the start, "
                + hashed
                + " read, "
                + channel.size()
                + " at the end)");
      }
      return digest.digest();
    } finally {
      stopped = true;
      for (Reader reader : readers) {
        if (reader != null) {
          reader.free.add(END);
        }
      }
      joinAll(threads);
    }
  }

  private static Block take(BlockingQueue<Block> queue) throws InterruptedIOException {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing a document");
    }
  }

  private static void joinAll(Thread[] threads) {
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread != null) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** One reading thread: blocks {@code first}, {@code first + READERS}, … in order. */
  private final class Reader implements Runnable {
    final BlockingQueue<Block> free = new LinkedBlockingQueue<>();
    final BlockingQueue<Block> full = new LinkedBlockingQueue<>();
    private final int first;
    private final long blocks;

    Reader(int first, long blocks) {
      this.first = first;
      this.blocks = blocks;
      for (int i = 0; i < BUFFERS_PER_READER; i++) {
        free.add(new Block(new byte[BUFFER_SIZE]));
      }
    }

    @Override
    public void run() {
      ByteBuffer buffer = SPARES.poll();
      try {
        if (buffer == null) {
          buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        for (long i = first; i < blocks && !stopped; i += READERS) {
          Block block = free.take();
          if (block == END) {
            return;
          }
          fill(buffer.clear(), i * BUFFER_SIZE);
          block.length = buffer.flip().remaining();
          buffer.get(block.bytes, 0, block.length);
          full.add(block);
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
        full.add(END);
      } finally {
        if (buffer != null) {
          SPARES.offer(buffer.clear());
        }
      }
    }

    /** Reads from {@code position} until {@code buffer} is full or the file ends. */
    private void fill(ByteBuffer buffer, long position) throws IOException {
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position + buffer.position());
        if (n < 0) {
          return;
        }
      }
    }
  }

  /** A heap array on its way from a reading thread to the hashing one. */
  private static final class Block {
    final byte[] bytes;
    int length;

    Block(byte[] bytes) {
      this.bytes = bytes;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
