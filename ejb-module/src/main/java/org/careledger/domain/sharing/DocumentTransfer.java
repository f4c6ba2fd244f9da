package org.careledger.domain.sharing;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Wire forms of the document-transfer payloads carried in signed federation envelopes: a grantee's
 * node asks the provider's node for a record's ciphertext ({@link Request}), the provider answers
 * with the ciphertext in {@value #CHUNK_BYTES}-byte pieces ({@link Chunk}; each piece is its own
 * JMS message, above Artemis's large-message threshold, so brokers and bridges page it to disk
 * rather than hold a document in memory) or with a refusal ({@link Refusal}).
 *
 * <p>Nothing here is patient data: the record id is the provider's opaque identifier, the content
 * is AES-256-GCM ciphertext, and the key envelope is the data key sealed (HPKE) to the grantee's
 * X25519 key, which only the grantee can open. The chain commits to both by hash (the register
 * transaction's {@code contentHash}, the grant's {@code envelopeHash}); the receiver checks both
 * before a byte of plaintext is produced.
 *
 * <p>Binary, big-endian, length-prefixed, no trailing bytes: decoding arbitrary bytes only ever
 * throws {@link CareLedgerException} with {@link ErrorCode#FEDERATION_PAYLOAD_MALFORMED}.
 *
 * <ul>
 *   <li>request: {@code transferId[16], text recordId, text grantTx}
 *   <li>chunk: {@code transferId[16], u32 index, u32 count, u64 totalSize, contentHash[32], bytes
 *       envelope (in chunk 0 only, else empty), bytes data}
 *   <li>refusal: {@code transferId[16], u32 errorCode, text reason}
 * </ul>
 *
 * where {@code text} is {@code u16 length} and UTF-8, {@code bytes} is {@code u32 length} and
 * bytes.
 */
public final class DocumentTransfer {

  /** Ciphertext bytes per chunk, and so per federation message. */
  public static final int CHUNK_BYTES = 1 << 20;

  /** Largest document that can be transferred (64 GiB of ciphertext). */
  public static final long MAX_TOTAL_BYTES = 64L << 30;

  public static final int TRANSFER_ID_BYTES = 16;

  private static final int MAX_ENVELOPE_BYTES = 4096;
  private static final int MAX_REASON_CHARS = 300;
  private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TX_ID = Pattern.compile("[0-9a-f]{64}");

  private DocumentTransfer() {}

  /**
   * A grantee's node asks for the ciphertext of {@code recordId} under the grant {@code grantTx}.
   */
  public record Request(byte[] transferId, String recordId, String grantTx) {
    public Request {
      checkTransferId(transferId);
      require(RECORD_ID, recordId, "recordId");
      require(TX_ID, grantTx, "grantTx");
    }

    public byte[] encode() {
      byte[] record = recordId.getBytes(StandardCharsets.US_ASCII);
      byte[] grant = grantTx.getBytes(StandardCharsets.US_ASCII);
      return ByteBuffer.allocate(TRANSFER_ID_BYTES + 2 + record.length + 2 + grant.length)
          .put(transferId)
          .putShort((short) record.length)
          .put(record)
          .putShort((short) grant.length)
          .put(grant)
          .array();
    }

    public static Request decode(byte[] payload) {
      return read(
          payload,
          in -> new Request(take(in, TRANSFER_ID_BYTES, "transferId"), text(in), text(in)));
    }

    public String transferHex() {
      return HexFormat.of().formatHex(transferId);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Request that
          && Arrays.equals(transferId, that.transferId)
          && recordId.equals(that.recordId)
          && grantTx.equals(that.grantTx);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(transferId), recordId, grantTx);
    }

    @Override
    public String toString() {
      return "Request[" + transferHex() + ", " + recordId + ", grant " + grantTx + "]";
    }
  }

  /**
   * Piece {@code index} of {@code count} of a ciphertext of {@code totalSize} bytes whose SHA-256
   * is {@code contentHash}. Every chunk but the last holds exactly {@value #CHUNK_BYTES} bytes;
   * chunk 0 also carries the grantee's key envelope.
   */
  public record Chunk(
      byte[] transferId,
      int index,
      int count,
      long totalSize,
      byte[] contentHash,
      byte[] envelope,
      byte[] data) {
    public Chunk {
      checkTransferId(transferId);
      if (totalSize <= 0 || totalSize > MAX_TOTAL_BYTES) {
        throw malformed("totalSize must be 1.." + MAX_TOTAL_BYTES);
      }
      if (count != chunkCount(totalSize)) {
        throw malformed("count must be " + chunkCount(totalSize) + " for " + totalSize + " bytes");
      }
      if (index < 0 || index >= count) {
        throw malformed("index must be 0.." + (count - 1));
      }
      if (contentHash == null || contentHash.length != 32) {
        throw malformed("contentHash is 32 bytes");
      }
      Objects.requireNonNull(envelope, "envelope");
      if (index == 0
          ? envelope.length == 0 || envelope.length > MAX_ENVELOPE_BYTES
          : envelope.length != 0) {
        throw malformed("the key envelope travels in chunk 0 only, at most " + MAX_ENVELOPE_BYTES);
      }
      if (data == null || data.length != lengthOf(index, totalSize)) {
        throw malformed("chunk " + index + " must hold " + lengthOf(index, totalSize) + " bytes");
      }
    }

    public long offset() {
      return (long) index * CHUNK_BYTES;
    }

    public byte[] encode() {
      return ByteBuffer.allocate(
              TRANSFER_ID_BYTES + 4 + 4 + 8 + 32 + 4 + envelope.length + 4 + data.length)
          .put(transferId)
          .putInt(index)
          .putInt(count)
          .putLong(totalSize)
          .put(contentHash)
          .putInt(envelope.length)
          .put(envelope)
          .putInt(data.length)
          .put(data)
          .array();
    }

    public static Chunk decode(byte[] payload) {
      return read(
          payload,
          in ->
              new Chunk(
                  take(in, TRANSFER_ID_BYTES, "transferId"),
                  in.getInt(),
                  in.getInt(),
                  in.getLong(),
                  take(in, 32, "contentHash"),
                  take(in, in.getInt(), "envelope"),
                  take(in, in.getInt(), "data")));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Chunk that
          && Arrays.equals(transferId, that.transferId)
          && index == that.index
          && count == that.count
          && totalSize == that.totalSize
          && Arrays.equals(contentHash, that.contentHash)
          && Arrays.equals(envelope, that.envelope)
          && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(transferId), index, totalSize);
    }

    @Override
    public String toString() {
      return "Chunk[" + HexFormat.of().formatHex(transferId) + ", " + index + "/" + count + "]";
    }
  }

  /** The provider will not serve the transfer; {@code errorCode} is a CareLedger error number. */
  public record Refusal(byte[] transferId, int errorCode, String reason) {
    public Refusal {
      checkTransferId(transferId);
      if (errorCode < 1000 || errorCode > 1999) {
        throw malformed("errorCode must be a CareLedger code (1000..1999)");
      }
      if (reason == null
          || reason.length() > MAX_REASON_CHARS
          || reason.chars().anyMatch(Character::isISOControl)) {
        throw malformed("reason is at most " + MAX_REASON_CHARS + " characters, no controls");
      }
    }

    public byte[] encode() {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(TRANSFER_ID_BYTES + 4 + 2 + text.length)
          .put(transferId)
          .putInt(errorCode)
          .putShort((short) text.length)
          .put(text)
          .array();
    }

    public static Refusal decode(byte[] payload) {
      return read(
          payload,
          in -> new Refusal(take(in, TRANSFER_ID_BYTES, "transferId"), in.getInt(), text(in)));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Refusal that
          && Arrays.equals(transferId, that.transferId)
          && errorCode == that.errorCode
          && reason.equals(that.reason);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(transferId), errorCode, reason);
    }
  }

  /** How many chunks a ciphertext of {@code totalSize} bytes travels in. */
  public static int chunkCount(long totalSize) {
    return (int) ((totalSize + CHUNK_BYTES - 1) / CHUNK_BYTES);
  }

  /** The length of chunk {@code index} of a ciphertext of {@code totalSize} bytes. */
  public static int lengthOf(int index, long totalSize) {
    return (int) Math.min(CHUNK_BYTES, totalSize - (long) index * CHUNK_BYTES);
  }

  private interface Reader<T> {
    T read(ByteBuffer in);
  }

  private static <T> T read(byte[] payload, Reader<T> reader) {
    if (payload == null) {
      throw malformed("no payload");
    }
    ByteBuffer in = ByteBuffer.wrap(payload);
    T value;
    try {
      value = reader.read(in);
    } catch (BufferUnderflowException | NullPointerException e) {
      throw malformed("truncated");
    }
    if (in.hasRemaining()) {
      throw malformed(in.remaining() + " trailing bytes");
    }
    return value;
  }

  private static byte[] take(ByteBuffer in, int length, String field) {
    if (length < 0 || length > in.remaining()) {
      throw malformed(field + " runs past the end");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static String text(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    byte[] bytes = take(in, length, "text");
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw malformed("text is not UTF-8");
    }
  }

  private static void checkTransferId(byte[] transferId) {
    if (transferId == null || transferId.length != TRANSFER_ID_BYTES) {
      throw malformed("a transfer id is " + TRANSFER_ID_BYTES + " bytes");
    }
  }

  private static void require(Pattern pattern, String value, String field) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw malformed(field + " is missing or malformed");
    }
  }

  private static CareLedgerException malformed(String why) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_PAYLOAD_MALFORMED, "document transfer payload: " + why);
  }
}
