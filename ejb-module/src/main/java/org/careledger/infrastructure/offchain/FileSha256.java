package org.careledger.infrastructure.offchain;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SHA-256 of a whole file, with the reads overlapped with the hashing: a reading thread fills a
 * few 1 MiB direct buffers ahead while the calling thread hashes, so a file that is in the page
 * cache hashes at the speed of SHA-256 alone rather than of copy plus hash in turn. A few such
 * buffers are kept between calls.
 *
 * <p>The reading thread is a plain daemon thread started per call and always joined before {@link
 * #of} returns or throws; it waits only for the calling thread, which keeps handing buffers back
 * until the end. A file of at most one buffer is read and hashed on the calling thread alone.
 */
final class FileSha256 {

  static final int BUFFER_SIZE = 1 << 20;
  static final int BUFFERS = 4;

  private static final ByteBuffer END = ByteBuffer.allocate(0);
  // Direct memory is freed only once the garbage collector notices: a few buffers are kept for the
  // next hash instead of allocated per call.
  private static final BlockingQueue<ByteBuffer> SPARES = new ArrayBlockingQueue<>(2 * BUFFERS);

  private final FileChannel channel;
  private final BlockingQueue<ByteBuffer> free = new LinkedBlockingQueue<>();
  private final BlockingQueue<ByteBuffer> full = new LinkedBlockingQueue<>();
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
      return new FileSha256(channel).digest();
    }
  }

  private byte[] digest() throws IOException {
    MessageDigest digest = sha256();
    if (channel.size() <= BUFFER_SIZE) {
      // One read or two: no thread is worth starting.
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(channel.size(), 1 << 12));
      while (channel.read(buffer.clear()) >= 0) {
        digest.update(buffer.flip());
      }
      return digest.digest();
    }
    List<ByteBuffer> owned = new ArrayList<>(BUFFERS);
    for (int i = 0; i < BUFFERS; i++) {
      ByteBuffer spare = SPARES.poll();
      owned.add(spare != null ? spare : ByteBuffer.allocateDirect(BUFFER_SIZE));
    }
    free.addAll(owned);
    Thread reader = new Thread(this::read, "careledger-blob-read");
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        ByteBuffer buffer;
        try {
          buffer = full.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while hashing a document");
        }
        if (buffer == END) {
          break;
        }
        digest.update(buffer.flip());
        buffer.clear();
        free.add(buffer);
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
      for (ByteBuffer buffer : owned) {
        SPARES.offer(buffer.clear());
      }
    }
  }

  // On the reading thread: fills buffers in order until the end of the file, a failure or stop.
  private void read() {
    try {
      while (!stopped) {
        ByteBuffer buffer = free.take();
        if (buffer == END) {
          return;
        }
        boolean more = fill(buffer);
        full.add(buffer);
        if (!more) {
          break;
        }
      }
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
    }
    full.add(END);
  }

  /** Reads until {@code buffer} is full or the file ends; whether it filled. */
  private boolean fill(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
