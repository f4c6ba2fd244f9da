package org.careledger.domain.offchain;

import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * Seals a document into a blob (format in the package documentation) one chunk at a time, into
 * buffers the caller provides; it neither hashes nor writes. {@link EncryptingOutputStream} is
 * built on it, and so are pipelines that hash and write the sealed chunks on other threads while
 * the next chunk is being sealed.
 *
 * <p>The caller hands the blob's bytes on in order: {@link #header()}, then what each {@link #seal}
 * wrote. Every chunk but the final one must carry exactly {@link #chunkSize()} bytes of plaintext;
 * the final one carries 0 to {@link #chunkSize()}, and nothing can be sealed after it. Not
 * thread-safe.
 */
public final class BlobSealer {

  /** Bytes the AES-GCM tag adds to every chunk. */
  public static final int TAG_LENGTH = ChunkCipher.TAG_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final BlobHeader header;
  private final ChunkCipher cipher;
  private long chunkIndex;
  private boolean sealedFinal;

  /**
   * A blob with a random nonce prefix and 1 MiB chunks.
   *
   * @param dataKey a fresh AES-256 key for this record version, see {@link DataKeys#generate()}
   * @param associatedData bound to every chunk and needed again to decrypt, e.g. the record id; may
   *     be empty
   */
  public BlobSealer(SecretKey dataKey, byte[] associatedData) {
    this(dataKey, associatedData, BlobHeader.DEFAULT_CHUNK_SIZE, randomNoncePrefix());
  }

  BlobSealer(SecretKey dataKey, byte[] associatedData, int chunkSize, byte[] noncePrefix) {
    Objects.requireNonNull(associatedData, "associatedData");
    this.header = new BlobHeader(chunkSize, noncePrefix);
    this.cipher = new ChunkCipher(dataKey, header, associatedData);
  }

  /** The blob's first bytes, before any chunk. */
  public byte[] header() {
    return header.encode();
  }

  /** Plaintext bytes in every chunk but the final one. */
  public int chunkSize() {
    return header.chunkSize();
  }

  /** Room a sealed chunk needs: {@link #chunkSize()} plus the tag. */
  public int sealedChunkCapacity() {
    return header.chunkSize() + TAG_LENGTH;
  }

  /**
   * Encrypts the next chunk: {@code length} bytes of {@code plaintext} into {@code sealed}, which
   * needs room for {@code length + TAG_LENGTH} bytes.
   *
   * @param last whether this is the blob's final chunk
   * @return the bytes written to {@code sealed}
   * @throws IllegalArgumentException if an inner chunk is not full or the final one too long
   * @throws IllegalStateException after the final chunk
   */
  public int seal(byte[] plaintext, int length, boolean last, byte[] sealed) {
    if (sealedFinal) {
      throw new IllegalStateException("the final chunk is sealed already");
    }
    if (last ? length < 0 || length > chunkSize() : length != chunkSize()) {
      throw new IllegalArgumentException(
          (last ? "the final chunk holds 0 to " : "an inner chunk holds exactly ")
              + chunkSize()
              + " bytes, not "
              + length);
    }
    Objects.checkFromIndexSize(0, length, plaintext.length);
    Objects.checkFromIndexSize(0, length + TAG_LENGTH, sealed.length);
    int n = cipher.seal(chunkIndex, last, plaintext, length, sealed);
    chunkIndex++;
    sealedFinal = last;
    return n;
  }

  /** Whether the final chunk has been sealed: the blob is complete. */
  public boolean complete() {
    return sealedFinal;
  }

  private static byte[] randomNoncePrefix() {
    byte[] prefix = new byte[BlobHeader.NONCE_PREFIX_LENGTH];
    RANDOM.nextBytes(prefix);
    return prefix;
  }
}
