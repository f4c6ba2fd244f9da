package org.careledger.infrastructure.offchain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Objects;
import javax.crypto.SecretKey;
import org.careledger.domain.offchain.DecryptingInputStream;

/**
 * The plaintext of a stored document whose file has passed its hash check, read from the same open
 * file. {@link #transferTo} (what a REST response streams with) decrypts on two threads ({@link
 * ParallelDecryption}) and joins its helper before it returns; the {@code read} methods decrypt
 * sequentially on the reader's thread ({@link DecryptingInputStream}). Either way a chunk's
 * plaintext is released only once its tag has checked out, in order, and every integrity failure is
 * a {@link org.careledger.domain.offchain.BlobIntegrityException}, thrown again by every later
 * read. Not thread-safe.
 */
final class DocumentInputStream extends InputStream {

  private final FileChannel channel;
  private final SecretKey dataKey;
  private final byte[] associatedData;
  private DecryptingInputStream sequential;
  private boolean transferred;
  private IOException failure;
  private boolean closed;

  DocumentInputStream(FileChannel channel, SecretKey dataKey, byte[] associatedData) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.dataKey = Objects.requireNonNull(dataKey, "dataKey");
    this.associatedData = Objects.requireNonNull(associatedData, "associatedData").clone();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (afterTransfer()) {
      return len == 0 ? 0 : -1;
    }
    return sequential().read(b, off, len);
  }

  @Override
  public int available() throws IOException {
    return transferred || sequential == null || closed ? 0 : sequential.available();
  }

  /**
   * Writes the rest of the plaintext to {@code out}, decrypting on two threads unless some of it
   * has been read already.
   */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    if (afterTransfer()) {
      return 0;
    }
    if (sequential != null) {
      return sequential.transferTo(out);
    }
    transferred = true;
    try {
      return ParallelDecryption.transfer(channel, dataKey, associatedData, out);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (sequential != null) {
      sequential.close();
    }
    channel.close();
  }

  // Whether a parallel transfer has consumed the stream; throws what it failed with.
  private boolean afterTransfer() throws IOException {
    if (closed) {
      throw new IOException("the document stream is closed");
    }
    if (failure != null) {
      throw failure;
    }
    return transferred;
  }

  private DecryptingInputStream sequential() throws IOException {
    if (sequential == null) {
      sequential =
          new DecryptingInputStream(
              Channels.newInputStream(channel.position(0)), dataKey, associatedData);
    }
    return sequential;
  }
}
