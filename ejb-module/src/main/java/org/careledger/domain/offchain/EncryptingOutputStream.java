package org.careledger.domain.offchain;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * Encrypts a document into a blob (format in the package documentation) while it is written, and
 * computes the blob's content address: the SHA-256 of every byte written to the sink, header
 * included.
 *
 * <p>A chunk is sealed once it is full and more plaintext follows, or at {@link #close()}, which
 * seals the final chunk and closes the sink; a blob without its final chunk does not decrypt. It
 * holds one chunk of plaintext and one of ciphertext, whatever the document's size. Not
 * thread-safe.
 */
public final class EncryptingOutputStream extends OutputStream {

  private final OutputStream sink;
  private final BlobSealer sealer;
  private final MessageDigest digest;
  private final byte[] plaintext;
  private final byte[] sealed;
  private final byte[] single = new byte[1];
  private int buffered;
  private long plaintextLength;
  private long ciphertextLength;
  private boolean closed;
  private boolean failed;
  private byte[] contentAddress;

  /**
   * Writes the header to {@code sink} at once.
   *
   * @param dataKey a fresh AES-256 key for this record version, see {@link DataKeys#generate()}
   * @param associatedData bound to every chunk and needed again to decrypt, e.g. the record id; may
   *     be empty
   */
  public EncryptingOutputStream(OutputStream sink, SecretKey dataKey, byte[] associatedData)
      throws IOException {
    this(sink, new BlobSealer(dataKey, associatedData));
  }

  EncryptingOutputStream(
      OutputStream sink,
      SecretKey dataKey,
      byte[] associatedData,
      int chunkSize,
      byte[] noncePrefix)
      throws IOException {
    this(sink, new BlobSealer(dataKey, associatedData, chunkSize, noncePrefix));
  }

  private EncryptingOutputStream(OutputStream sink, BlobSealer sealer) throws IOException {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.sealer = sealer;
    this.digest = sha256();
    this.plaintext = new byte[sealer.chunkSize()];
    this.sealed = new byte[sealer.sealedChunkCapacity()];
    byte[] encodedHeader = sealer.header();
    emit(encodedHeader, encodedHeader.length);
  }

  @Override
  public void write(int b) throws IOException {
    single[0] = (byte) b;
    write(single, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureWritable();
    while (len > 0) {
      // A full chunk is sealed only now that more plaintext follows: until then it may be the last.
      if (buffered == plaintext.length) {
        sealChunk(false);
      }
      int n = Math.min(len, plaintext.length - buffered);
      System.arraycopy(b, off, plaintext, buffered, n);
      buffered += n;
      off += n;
      len -= n;
      plaintextLength += n;
    }
  }

  /** Flushes the sink; the plaintext of the chunk being filled stays here until it is sealed. */
  @Override
  public void flush() throws IOException {
    ensureWritable();
    sink.flush();
  }

  /** Seals the final chunk, then closes the sink. Closing again does nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (sink) {
      if (!failed) {
        sealChunk(true);
        contentAddress = digest.digest();
      }
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** SHA-256 of the whole blob as written; the value the ledger records. */
  public byte[] ciphertextSha256() {
    ensureComplete();
    return contentAddress.clone();
  }

  /** Length of the document written. */
  public long plaintextLength() {
    ensureComplete();
    return plaintextLength;
  }

  /** Length of the blob written to the sink. */
  public long ciphertextLength() {
    ensureComplete();
    return ciphertextLength;
  }

  private void sealChunk(boolean last) throws IOException {
    int n = sealer.seal(plaintext, buffered, last, sealed);
    buffered = 0;
    emit(sealed, n);
  }

  private void emit(byte[] bytes, int len) throws IOException {
    try {
      sink.write(bytes, 0, len);
    } catch (IOException | RuntimeException e) {
      // The sink may hold part of it: no content address can describe what it got.
      failed = true;
      throw e;
    }
    digest.update(bytes, 0, len);
    ciphertextLength += len;
  }

  private void ensureWritable() throws IOException {
    if (closed) {
      throw new IOException("the blob stream is closed");
    }
    if (failed) {
      throw new IOException("an earlier write to the sink failed; start the blob again");
    }
  }

  private void ensureComplete() {
    if (contentAddress == null) {
      throw new IllegalStateException(
          failed ? "the blob was not completely written" : "the blob stream is not closed yet");
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
