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
 * The SHA-256 of a whole file, with the reads overlapped with the hashing: a reading thread reads 1
 * MiB at a time into a direct buffer and copies it into one of a few heap arrays ahead of the
 * calling thread, which only hashes, so a file that is in the page cache hashes at the speed of
 * SHA-256 alone rather than of copy plus hash in turn. The hash runs over heap arrays because the
 * JDK's {@code MessageDigest.update(ByteBuffer)} copies a direct buffer through a 4 KiB array
 * first, on the hashing thread, the one that sets the pace. The direct buffer is kept between
 * calls.
 *
 * <p>The reading thread is a plain daemon thread started per call and always joined before {@link
 * #of} returns or throws; it waits only for the calling thread, which keeps handing buffers back
 * until the end. A file of at most one buffer is read and hashed on the calling thread alone.
 */
final class FileSha256 {

  static final int BUFFER_SIZE = 1 << 20;
  static final int BUFFERS = 4;

  private static final Block END = new Block(new byte[0]);
  // Direct memory is freed only once the garbage collector notices: the reading thread's buffer is
  // kept for the next hash instead of allocated per call.
  private static final BlockingQueue<ByteBuffer> SPARES = new ArrayBlockingQueue<>(2);

  private final FileChannel channel;
  private final BlockingQueue<Block> free = new LinkedBlockingQueue<>();
  private final BlockingQueue<Block> full = new LinkedBlockingQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopped;
  private long position;

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
   * @throws IOException what reading threw; {@link InterruptedIOException} if the calling thread
   *     was interrupted, with its interrupt status set again
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
      while (read(buffer.clear()) >= 0) {
        digest.update(buffer.flip());
      }
      return digest.digest();
    }
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new Block(new byte[BUFFER_SIZE]));
    }
    Thread reader = new Thread(this::readAhead, "careledger-blob-read");
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        Block block;
        try {
          block = full.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while hashing a document");
        }
        if (block == END) {
          break;
        }
        digest.update(block.bytes, 0, block.length);
        free.add(block);
      }
      Throwable e = failure.get();
      if (e instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (e != null) {
        throw new IllegalStateException("reading the document failed", e);
      }
      return digest.digest();
    } finally {
      stopped = true;
      free.add(END);
      boolean interrupted = false;
      while (true) {
        try {
          reader.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // On the reading thread: fills blocks in order until the end of the file, a failure or stop.
  private void readAhead() {
    ByteBuffer buffer = SPARES.poll();
    try {
      if (buffer == null) {
        buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
      }
      while (!stopped) {
        Block block = free.take();
        if (block == END) {
          return;
        }
        boolean more = fill(buffer.clear());
        block.length = buffer.flip().remaining();
        buffer.get(block.bytes, 0, block.length);
        full.add(block);
        if (!more) {
          break;
        }
      }
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
    } finally {
      full.add(END);
      if (buffer != null) {
        SPARES.offer(buffer.clear());
      }
    }
  }

  /** Reads until {@code buffer} is full or the file ends; whether it filled. */
  private boolean fill(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }

  private int read(ByteBuffer buffer) throws IOException {
    int n = channel.read(buffer, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  /** A heap array on its way from the reading thread to the hashing one. */
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
