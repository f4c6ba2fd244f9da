package org.careledger.domain.offchain;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.careledger.domain.ErrorCode;

/**
 * Decrypts a blob (format in the package documentation) while it is read. A chunk's plaintext is
 * released only once its tag has checked out, and end of stream is reported only after a verified
 * final chunk; a reader that consumes the stream to its end has therefore read exactly the document
 * that was written. Plaintext of chunks before a damaged one has already been released when the
 * damage is found, so callers that must not act on a partial document should buffer or stage it
 * until end of stream.
 *
 * <p>Every integrity failure is a {@link BlobIntegrityException} with a code ({@link
 * ErrorCode#BLOB_TAMPERED} also covers a wrong key or associated data, which the format cannot tell
 * from tampering), and every later read throws it again. It holds one chunk of ciphertext and one
 * of plaintext. Not thread-safe.
 */
public final class DecryptingInputStream extends InputStream {

  private final InputStream source;
  private final SecretKey dataKey;
  private final byte[] associatedData;
  private final byte[] single = new byte[1];
  private ChunkCipher cipher;
  private int segmentLength;
  // One byte longer than a full chunk: the byte after a full chunk tells whether it is the last.
  private byte[] segment;
  private int carried;
  private byte[] plaintext;
  private int position;
  private int limit;
  private long chunkIndex;
  private boolean finished;
  private boolean closed;
  private BlobIntegrityException failure;

  /**
   * Reads nothing yet; the header is read and checked on the first read.
   *
   * @param associatedData the value the blob was written with
   */
  public DecryptingInputStream(InputStream source, SecretKey dataKey, byte[] associatedData) {
    this.source = Objects.requireNonNull(source, "source");
    this.dataKey = DataKeys.requireDataKey(dataKey);
    this.associatedData = Objects.requireNonNull(associatedData, "associatedData").clone();
  }

  @Override
  public int read() throws IOException {
    return read(single, 0, 1) == -1 ? -1 : single[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("the blob stream is closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    while (position == limit) {
      if (finished) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(len, limit - position);
    System.arraycopy(plaintext, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return limit - position;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (plaintext != null) {
      Arrays.fill(plaintext, (byte) 0);
    }
    source.close();
  }

  private void nextChunk() throws IOException {
    if (cipher == null) {
      readHeader();
    }
    int total = carried + readFully(segment, carried, segment.length - carried);
    boolean last = total <= segmentLength;
    int length = last ? total : segmentLength;
    if (length < ChunkCipher.TAG_LENGTH) {
      throw fail(
          ErrorCode.BLOB_TRUNCATED,
          "the blob ends inside chunk " + chunkIndex + ", before its authentication tag");
    }
    try {
      limit = cipher.open(chunkIndex, last, segment, length, plaintext);
    } catch (AEADBadTagException e) {
      if (last && length == segmentLength && opensAsInnerChunk()) {
        throw fail(
            ErrorCode.BLOB_TRUNCATED,
            "the blob ends after chunk " + chunkIndex + " without its final chunk");
      }
      throw fail(
          ErrorCode.BLOB_TAMPERED,
          "chunk "
              + chunkIndex
              + " failed authentication: the blob was altered, or the data key or associated"
              + " data is not the one it was written with");
    }
    position = 0;
    chunkIndex++;
    if (last) {
      finished = true;
    } else {
      segment[0] = segment[segmentLength];
      carried = 1;
    }
  }

  // Only to name the failure: a full chunk at the end that verifies as an inner chunk means the
  // blob was cut at a chunk boundary. Its plaintext is discarded either way.
  private boolean opensAsInnerChunk() {
    try {
      cipher.open(chunkIndex, false, segment, segmentLength, plaintext);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private void readHeader() throws IOException {
    byte[] encoded = new byte[BlobHeader.LENGTH];
    if (readFully(encoded, 0, encoded.length) < encoded.length) {
      throw fail(ErrorCode.BLOB_TRUNCATED, "the blob ends inside its header");
    }
    BlobHeader header;
    try {
      header = BlobHeader.decode(encoded);
    } catch (BlobIntegrityException e) {
      failure = e;
      throw e;
    }
    cipher = new ChunkCipher(dataKey, header, associatedData);
    segmentLength = header.chunkSize() + ChunkCipher.TAG_LENGTH;
    segment = new byte[segmentLength + 1];
    plaintext = new byte[header.chunkSize()];
  }

  private int readFully(byte[] b, int off, int len) throws IOException {
    int read = 0;
    while (read < len) {
      int n = source.read(b, off + read, len - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return read;
  }

  private BlobIntegrityException fail(ErrorCode code, String message) {
    position = 0;
    limit = 0;
    if (plaintext != null) {
      Arrays.fill(plaintext, (byte) 0);
    }
    failure = new BlobIntegrityException(code, message);
    return failure;
  }
}
