package org.careledger.domain.offchain;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.careledger.domain.ErrorCode;

/**
 * Opens a blob (format in the package documentation) one chunk at a time, in any order, from
 * buffers the caller fills; it neither reads nor hashes. The counterpart of {@link BlobSealer} for
 * readers that fetch the chunks themselves, e.g. several at once on several threads, each with its
 * own opener ({@link #forAnotherThread()}). {@link DecryptingInputStream} is the sequential reader.
 *
 * <p>Chunk {@code i} of a blob of {@code size} bytes is at {@link #chunkOffset chunkOffset(i)}; it
 * is the final chunk if it reaches the end of the blob, and every chunk before it is {@link
 * #sealedChunkSize()} bytes long. Each chunk is authenticated with its index and final flag, so a
 * chunk read from another place, another blob, or a blob cut short does not open. The failures are
 * those of {@link DecryptingInputStream}, with the same codes. Not thread-safe.
 */
public final class BlobOpener {

  /** Bytes of the header, before chunk 0. */
  public static final int HEADER_LENGTH = BlobHeader.LENGTH;

  private final SecretKey dataKey;
  private final byte[] associatedData;
  private final BlobHeader header;
  private final ChunkCipher cipher;

  private BlobOpener(SecretKey dataKey, byte[] associatedData, BlobHeader header) {
    this.dataKey = dataKey;
    this.associatedData = associatedData;
    this.header = header;
    this.cipher = new ChunkCipher(dataKey, header, associatedData);
  }

  /**
   * An opener for the blob that starts with {@code header}.
   *
   * @param header the blob's first bytes, {@link #HEADER_LENGTH} of them or fewer if the blob is
   *     shorter
   * @throws BlobIntegrityException {@link ErrorCode#BLOB_TRUNCATED} if {@code header} is short,
   *     {@link ErrorCode#BLOB_FORMAT_UNSUPPORTED} if it is not a header this version reads
   */
  public static BlobOpener forHeader(byte[] header, SecretKey dataKey, byte[] associatedData)
      throws BlobIntegrityException {
    Objects.requireNonNull(header, "header");
    DataKeys.requireDataKey(dataKey);
    Objects.requireNonNull(associatedData, "associatedData");
    if (header.length < HEADER_LENGTH) {
      throw new BlobIntegrityException(ErrorCode.BLOB_TRUNCATED, "the blob ends inside its header");
    }
    return new BlobOpener(dataKey, associatedData.clone(), BlobHeader.decode(header));
  }

  /** An opener of the same blob for use on another thread. */
  public BlobOpener forAnotherThread() {
    return new BlobOpener(dataKey, associatedData, header);
  }

  /** Plaintext bytes in every chunk but the final one. */
  public int chunkSize() {
    return header.chunkSize();
  }

  /** Bytes every chunk but the final one takes in the blob: {@link #chunkSize()} plus the tag. */
  public int sealedChunkSize() {
    return header.chunkSize() + ChunkCipher.TAG_LENGTH;
  }

  /** Where chunk {@code index} starts in the blob. */
  public long chunkOffset(long index) {
    return HEADER_LENGTH + index * sealedChunkSize();
  }

  /**
   * Chunks in a blob of {@code size} bytes, the final one included (1 for a blob that ends inside
   * its first chunk, whose opening then reports the truncation).
   */
  public long chunkCount(long size) {
    long body = Math.max(0, size - HEADER_LENGTH);
    return Math.max(1, (body + sealedChunkSize() - 1) / sealedChunkSize());
  }

  /**
   * Authenticates and decrypts chunk {@code index}: {@code length} bytes of {@code sealed} into
   * {@code plaintext}, which needs room for {@link #chunkSize()} bytes and must not be read unless
   * this returns normally (on failure it is zeroed).
   *
   * @param last whether the chunk reaches the end of the blob
   * @return the plaintext bytes written to {@code plaintext}
   * @throws BlobIntegrityException {@link ErrorCode#BLOB_TRUNCATED} if the blob was cut inside the
   *     chunk's tag or after an inner chunk, {@link ErrorCode#BLOB_TAMPERED} if the chunk fails
   *     authentication otherwise (altered, moved, or the wrong key or associated data)
   */
  public int open(long index, boolean last, byte[] sealed, int length, byte[] plaintext)
      throws BlobIntegrityException {
    Objects.checkFromIndexSize(0, length, sealed.length);
    if (length > sealedChunkSize() || (!last && length != sealedChunkSize())) {
      throw new IllegalArgumentException("chunk " + index + " cannot be " + length + " bytes");
    }
    if (length < ChunkCipher.TAG_LENGTH) {
      throw new BlobIntegrityException(
          ErrorCode.BLOB_TRUNCATED,
          "the blob ends inside chunk " + index + ", before its authentication tag");
    }
    try {
      return cipher.open(index, last, sealed, length, plaintext);
    } catch (AEADBadTagException e) {
      Arrays.fill(plaintext, (byte) 0);
      if (last && length == sealedChunkSize() && opensAsInnerChunk(index, sealed, plaintext)) {
        throw new BlobIntegrityException(
            ErrorCode.BLOB_TRUNCATED,
            "the blob ends after chunk " + index + " without its final chunk");
      }
      throw new BlobIntegrityException(
          ErrorCode.BLOB_TAMPERED,
          "chunk "
              + index
              + " failed authentication: the blob was altered, or the data key or associated"
              + " data is not the one it was written with");
    }
  }

  /**
   * The failure to report when bytes follow the final chunk (e.g. the file grew while it was read):
   * a sequential reader would have taken that chunk for an inner one and failed on it.
   */
  public BlobIntegrityException bytesAfterFinalChunk(long index) {
    return new BlobIntegrityException(
        ErrorCode.BLOB_TAMPERED, "bytes follow the blob's final chunk " + index);
  }

  // Only to name the failure: a full chunk at the end that verifies as an inner chunk means the
  // blob was cut at a chunk boundary. Its plaintext is discarded either way.
  private boolean opensAsInnerChunk(long index, byte[] sealed, byte[] plaintext) {
    try {
      cipher.open(index, false, sealed, sealedChunkSize(), plaintext);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }
}
