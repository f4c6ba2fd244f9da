package org.careledger.infrastructure.offchain;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.SecretKey;
import org.careledger.domain.offchain.BlobIntegrityException;
import org.careledger.domain.offchain.BlobOpener;

/**
 * Decrypts a whole stored blob into an {@link OutputStream} on two threads. The chunks are
 * independent AES-GCM messages at fixed offsets (format in {@link org.careledger.domain.offchain}),
 * so the calling thread and one helper each claim the next chunk, read it with a positional read
 * and open it into one of {@value #SLOTS} plaintext buffers; the calling thread writes the buffers
 * to the output strictly in chunk order, and no thread claims a chunk more than {@value #SLOTS}
 * ahead of the last one written. Memory: {@value #SLOTS} chunks of plaintext plus one of ciphertext
 * per thread, whatever the blob's size.
 *
 * <p>A chunk's plaintext is written only after its tag has checked out, and only after every chunk
 * before it has been written. A failure (a chunk that does not open, a read error) is thrown when
 * the output reaches that chunk, as {@link org.careledger.domain.offchain.DecryptingInputStream}
 * would: the chunks before it have been written by then. The helper is a plain daemon thread
 * started per call and joined before {@link #transfer} returns or throws; it waits only for the
 * calling thread, which releases it on every way out. A blob of one chunk is opened on the calling
 * thread alone. Only the calling thread writes to the output.
 */
final class ParallelDecryption {

  static final int SLOTS = 4;

  private final FileChannel channel;
  private final long size;
  private final long chunks;
  private final BlobOpener opener;
  private final Slot[] slots = new Slot[SLOTS];
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private long nextToClaim;
  private long nextToWrite;
  private boolean stopped;

  private ParallelDecryption(FileChannel channel, long size, BlobOpener opener) {
    this.channel = channel;
    this.size = size;
    this.opener = opener;
    this.chunks = opener.chunkCount(size);
  }

  /**
   * Writes the plaintext of the blob in {@code channel} (read with positional reads from offset 0)
   * to {@code out}.
   *
   * @return the plaintext bytes written
   * @throws BlobIntegrityException if the blob is truncated, altered or not readable with this key
   *     and associated data; the plaintext of the chunks before the failing one has been written
   * @throws IOException what reading or {@code out} threw; {@link InterruptedIOException} if the
   *     calling thread was interrupted (its interrupt status stays set)
   */
  static long transfer(
      FileChannel channel, SecretKey dataKey, byte[] associatedData, OutputStream out)
      throws IOException {
    long size = channel.size();
    byte[] header = new byte[(int) Math.min(size, BlobOpener.HEADER_LENGTH)];
    readFully(channel, header, header.length, 0);
    BlobOpener opener = BlobOpener.forHeader(header, dataKey, associatedData);
    return new ParallelDecryption(channel, size, opener).run(out);
  }

  private long run(OutputStream out) throws IOException {
    Worker own = new Worker(opener);
    if (chunks == 1) {
      Slot slot = new Slot(opener.chunkSize());
      try {
        own.process(0, slot);
        return writeOrThrow(slot, out);
      } finally {
        slot.wipe();
      }
    }
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = new Slot(opener.chunkSize());
    }
    Thread helper = new Thread(this::help, "careledger-blob-decrypt");
    helper.setDaemon(true);
    try {
      helper.start();
    } catch (Throwable e) {
      // Without a helper the calling thread opens every chunk itself.
      helper = null;
    }
    long written = 0;
    try {
      while (true) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("interrupted while reading a document");
        }
        Slot ready = null;
        long claimed = -1;
        lock.lock();
        try {
          if (nextToWrite == chunks) {
            break;
          }
          Slot next = slots[(int) (nextToWrite % SLOTS)];
          if (next.ready && next.index == nextToWrite) {
            ready = next;
          } else if (claimable()) {
            claimed = nextToClaim++;
          } else {
            // The helper is opening the next chunk to write; it signals when done.
            changed.awaitUninterruptibly();
            continue;
          }
        } finally {
          lock.unlock();
        }
        if (ready != null) {
          written += writeOrThrow(ready, out);
          release(ready);
        } else {
          Slot slot = slots[(int) (claimed % SLOTS)];
          own.process(claimed, slot);
          publish(slot);
        }
      }
      if (channel.size() > size) {
        throw opener.bytesAfterFinalChunk(chunks - 1);
      }
      return written;
    } finally {
      lock.lock();
      try {
        stopped = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (helper != null) {
        StorePipeline.joinUninterruptibly(helper);
      }
      for (Slot slot : slots) {
        slot.wipe();
      }
    }
  }

  // On the helper thread: claims and opens chunks until all are claimed or the caller stops.
  private void help() {
    Worker worker = new Worker(opener.forAnotherThread());
    while (true) {
      long claimed;
      lock.lock();
      try {
        while (!stopped && nextToClaim < chunks && !claimable()) {
          changed.awaitUninterruptibly();
        }
        if (stopped || nextToClaim == chunks) {
          return;
        }
        claimed = nextToClaim++;
      } finally {
        lock.unlock();
      }
      Slot slot = slots[(int) (claimed % SLOTS)];
      worker.process(claimed, slot);
      publish(slot);
    }
  }

  // Guarded by lock: the next chunk's slot is free once the chunk SLOTS before it is written.
  private boolean claimable() {
    return nextToClaim < chunks && nextToClaim < nextToWrite + SLOTS;
  }

  private void publish(Slot slot) {
    lock.lock();
    try {
      slot.ready = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void release(Slot slot) {
    lock.lock();
    try {
      slot.ready = false;
      slot.index = -1;
      nextToWrite++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static long writeOrThrow(Slot slot, OutputStream out) throws IOException {
    Throwable failure = slot.failure;
    if (failure instanceof IOException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    out.write(slot.plaintext, 0, slot.length);
    return slot.length;
  }

  private static int readFully(FileChannel channel, byte[] into, int length, long position)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.position();
  }

  /** One thread's opener and ciphertext buffer. */
  private final class Worker {
    private final BlobOpener opener;
    private final byte[] sealed;

    Worker(BlobOpener opener) {
      this.opener = opener;
      this.sealed = new byte[opener.sealedChunkSize()];
    }

    /** Reads and opens chunk {@code index} into {@code slot}; any failure is left in the slot. */
    void process(long index, Slot slot) {
      slot.index = index;
      slot.failure = null;
      slot.length = 0;
      try {
        long offset = opener.chunkOffset(index);
        boolean last = index == chunks - 1;
        int expected = last ? (int) (size - offset) : opener.sealedChunkSize();
        int n = readFully(channel, sealed, expected, offset);
        slot.length = opener.open(index, last || n < expected, sealed, n, slot.plaintext);
      } catch (Throwable e) {
        slot.length = 0;
        slot.failure = e;
      }
    }
  }

  /** A plaintext buffer: chunk {@code index} once {@code ready}. */
  private static final class Slot {
    final byte[] plaintext;
    // Written by the thread that opens the chunk before it sets ready under the lock, read by the
    // calling thread after it sees ready under the lock.
    long index = -1;
    int length;
    Throwable failure;
    boolean ready;

    Slot(int chunkSize) {
      this.plaintext = new byte[chunkSize];
    }

    void wipe() {
      Arrays.fill(plaintext, (byte) 0);
    }
  }
}
