package org.careledger.domain.offchain;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.careledger.domain.ErrorCode;

/** The 16-byte header of a version-1 blob; the format is in the package documentation. */
final class BlobHeader {

  static final int LENGTH = 16;
  static final int NONCE_PREFIX_LENGTH = 7;
  static final int DEFAULT_CHUNK_SIZE = 1 << 20;
  // Bounds what a forged header can make a reader allocate before any tag is checked.
  static final int MAX_CHUNK_SIZE = 16 << 20;

  private static final byte[] MAGIC = {'C', 'L', 'O', 'B'};
  private static final byte VERSION = 1;

  private final int chunkSize;
  private final byte[] noncePrefix;

  BlobHeader(int chunkSize, byte[] noncePrefix) {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size out of range: " + chunkSize);
    }
    if (noncePrefix.length != NONCE_PREFIX_LENGTH) {
      throw new IllegalArgumentException("nonce prefix must be 7 bytes");
    }
    this.chunkSize = chunkSize;
    this.noncePrefix = noncePrefix.clone();
  }

  /** Plaintext bytes in every chunk but the final one. */
  int chunkSize() {
    return chunkSize;
  }

  byte[] noncePrefix() {
    return noncePrefix.clone();
  }

  byte[] encode() {
    return ByteBuffer.allocate(LENGTH)
        .put(MAGIC)
        .put(VERSION)
        .putInt(chunkSize)
        .put(noncePrefix)
        .array();
  }

  /**
   * @param header at least {@link #LENGTH} bytes
   * @throws BlobIntegrityException {@link ErrorCode#BLOB_FORMAT_UNSUPPORTED} for another magic or
   *     version, or a chunk size out of range
   */
  static BlobHeader decode(byte[] header) throws BlobIntegrityException {
    ByteBuffer in = ByteBuffer.wrap(header, 0, LENGTH);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new BlobIntegrityException(
          ErrorCode.BLOB_FORMAT_UNSUPPORTED, "not a CareLedger blob: the magic bytes differ");
    }
    byte version = in.get();
    if (version != VERSION) {
      throw new BlobIntegrityException(
          ErrorCode.BLOB_FORMAT_UNSUPPORTED,
          "blob format version " + Byte.toUnsignedInt(version) + " is not readable here");
    }
    int chunkSize = in.getInt();
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new BlobIntegrityException(
          ErrorCode.BLOB_FORMAT_UNSUPPORTED,
          "blob chunk size " + Integer.toUnsignedString(chunkSize) + " is out of range");
    }
    byte[] prefix = new byte[NONCE_PREFIX_LENGTH];
    in.get(prefix);
    return new BlobHeader(chunkSize, prefix);
  }
}
