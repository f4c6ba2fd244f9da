package org.careledger.infrastructure.offchain;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The temporary file a store writes its ciphertext to, in order, and forces to disk once at the
 * end. Used by one thread at a time.
 *
 * <p>Bytes are gathered into a 4 MiB direct buffer and written 4 MiB at a time with {@code
 * O_DIRECT} where the file system takes it (ext4, xfs; not tmpfs). Each write then goes to the
 * device while the pipeline ({@link StorePipeline}) encrypts and hashes the next megabytes, and the
 * final {@link FileChannel#force force(true)} has only the tail and the metadata left. Through the
 * page cache instead, the kernel keeps the whole document dirty in memory (it starts writing back
 * only after 30 s, or once a tenth of the memory is dirty) and writes all of it during the final
 * {@code fsync}, after the encryption and hashing are done, so a store would take CPU time plus
 * disk time; a gigabyte of dirty pages also holds up every other {@code fsync} of the file system,
 * the database's included, and evicts a gigabyte of cache. Calling {@code fdatasync} from a second
 * thread every few megabytes overlaps too, but measured slower and far less steadily here: it
 * stalls the writes it races with. A document is not in the page cache after its store, so its
 * first read comes from the disk.
 *
 * <p>The tail that does not fill a 4 MiB buffer is written through the page cache (with {@code
 * O_DIRECT} a write must be a whole number of file system blocks). Where {@code O_DIRECT} is
 * refused, or {@code com.sun.nio.file} is not visible to the deployment, or system property {@value
 * #DIRECT_IO_PROPERTY} is {@code false}, everything is written through the page cache and forced at
 * the end; the file is the same either way.
 */
class CiphertextFile implements Closeable {

  static final int WRITE_SIZE = 4 << 20;
  private static final int ALIGNMENT = 64 << 10;

  /**
   * System property that turns {@code O_DIRECT} off ({@code false}): every write then goes through
   * the page cache, and the final force writes the document back.
   */
  static final String DIRECT_IO_PROPERTY = "careledger.documents.direct-io";

  private static final OpenOption DIRECT =
      Boolean.parseBoolean(System.getProperty(DIRECT_IO_PROPERTY, "true")) ? directOption() : null;
  // Direct memory is released only when the garbage collector finds the buffer unreachable: a few
  // buffers are kept for the next stores rather than allocated per store.
  private static final BlockingQueue<ByteBuffer> SPARE_BUFFERS = new ArrayBlockingQueue<>(2);

  private final Path path;
  private final FileChannel channel;
  private FileChannel direct;
  private boolean directTried;
  private ByteBuffer buffer;
  private long position;

  CiphertextFile(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.WRITE);
  }

  /** Appends {@code len} bytes of {@code bytes}. */
  void write(byte[] bytes, int off, int len) throws IOException {
    if (buffer == null) {
      buffer = acquireBuffer();
    }
    while (len > 0) {
      int n = Math.min(len, buffer.remaining());
      buffer.put(bytes, off, n);
      off += n;
      len -= n;
      if (!buffer.hasRemaining()) {
        writeFullBuffer();
      }
    }
  }

  /** Writes what is left and forces the file's data and metadata to the device. */
  void finish() throws IOException {
    if (buffer != null && buffer.position() > 0) {
      buffer.flip();
      writeFully(channel);
    }
    channel.force(true);
  }

  /** Bytes written so far. */
  long size() {
    return position + (buffer == null ? 0 : buffer.position());
  }

  @Override
  public void close() throws IOException {
    try (channel;
        FileChannel ignored = direct) {
      if (buffer != null) {
        SPARE_BUFFERS.offer(buffer.clear());
        buffer = null;
      }
    }
  }

  private void writeFullBuffer() throws IOException {
    buffer.flip();
    if (!directTried) {
      // Opened at the first full buffer, so a small document never asks for O_DIRECT.
      directTried = true;
      direct = openDirect();
      if (direct != null) {
        long start = position;
        try {
          writeFully(direct);
          return;
        } catch (IOException e) {
          // O_DIRECT opened but refused the write (an alignment this file system wants that the
          // JDK did not check): write the same bytes again through the page cache, from then on.
          direct.close();
          direct = null;
          position = start;
          buffer.rewind();
        }
      }
    }
    writeFully(direct != null ? direct : channel);
  }

  private void writeFully(FileChannel target) throws IOException {
    while (buffer.hasRemaining()) {
      position += target.write(buffer, position);
    }
    buffer.clear();
  }

  private FileChannel openDirect() {
    if (DIRECT == null) {
      return null;
    }
    try {
      long blockSize = Files.getFileStore(path).getBlockSize();
      if (blockSize <= 0 || ALIGNMENT % blockSize != 0 || position % blockSize != 0) {
        return null;
      }
      return FileChannel.open(path, StandardOpenOption.WRITE, DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      // This file system takes no O_DIRECT (tmpfs, some network file systems).
      return null;
    }
  }

  private static ByteBuffer acquireBuffer() {
    ByteBuffer spare = SPARE_BUFFERS.poll();
    if (spare != null) {
      return spare;
    }
    // O_DIRECT wants the memory aligned as well as the file offsets.
    return ByteBuffer.allocateDirect(WRITE_SIZE + ALIGNMENT)
        .alignedSlice(ALIGNMENT)
        .limit(WRITE_SIZE)
        .slice();
  }

  // Looked up reflectively: com.sun.nio.file is in the jdk.unsupported module, which a deployment
  // may not see; without it the store writes through the page cache.
  private static OpenOption directOption() {
    try {
      Class<?> options = Class.forName("com.sun.nio.file.ExtendedOpenOption");
      return (OpenOption) options.getField("DIRECT").get(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
