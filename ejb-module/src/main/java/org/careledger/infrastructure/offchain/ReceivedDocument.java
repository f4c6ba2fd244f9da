package org.careledger.infrastructure.offchain;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * A document's ciphertext arriving from another node in numbered chunks, in any order and possibly
 * more than once (the federation transport delivers at least once, to parallel listeners), written
 * at their offsets into {@code <directory>/incoming/transfer.part}. Thread-safe: each index is
 * written once, and exactly one {@link #accept} call, the one that brings the last missing chunk,
 * is told the document is complete; {@link #place} then moves it under its content address, where
 * {@link FileBlobStore#open} re-hashes it before a byte is decrypted.
 */
public final class ReceivedDocument implements Closeable {

  private final Path directory;
  private final Path file;
  private final FileChannel channel;
  private final int count;
  private final BitSet writing;
  private final BitSet received;
  private byte[] envelope;

  /** Creates the directory's incoming file for a document of {@code count} chunks. */
  public ReceivedDocument(Path directory, int count) throws IOException {
    this.directory = directory;
    this.count = count;
    this.file = Files.createDirectories(directory.resolve("incoming")).resolve("transfer.part");
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.writing = new BitSet(count);
    this.received = new BitSet(count);
  }

  /**
   * Writes chunk {@code index} at {@code offset}, unless it is here already or being written.
   *
   * @param envelope kept from chunk 0 (the key envelope travels with it)
   * @return true for exactly one call: the one whose chunk completes the document
   */
  public boolean accept(int index, long offset, byte[] data, byte[] envelope) throws IOException {
    synchronized (this) {
      if (writing.get(index)) {
        return false;
      }
      writing.set(index);
    }
    ByteBuffer buffer = ByteBuffer.wrap(data);
    long position = offset;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    synchronized (this) {
      if (index == 0) {
        this.envelope = envelope;
      }
      received.set(index);
      return received.cardinality() == count;
    }
  }

  public synchronized int chunksReceived() {
    return received.cardinality();
  }

  /** The key envelope that came with chunk 0, or null before it came. */
  public synchronized byte[] envelope() {
    return envelope;
  }

  /** Once complete: closes the file and moves it under {@code contentHash} in a store here. */
  public FileBlobStore place(String contentHash) throws IOException {
    channel.close();
    FileBlobStore store = new FileBlobStore(directory);
    store.adopt(file, contentHash);
    return store;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
