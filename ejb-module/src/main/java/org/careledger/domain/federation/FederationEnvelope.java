package org.careledger.domain.federation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;

/**
 * The signed wrapper of every message between federation members. Immutable and thread-safe.
 *
 * <h2>No patient data</h2>
 *
 * An envelope's own fields are ids (federation, channel, institution, a random message id), a type,
 * a time and an opaque payload; none of them may ever carry a patient identifier, name or clinical
 * text. Payloads are ledger objects (which hold pseudonyms and hashes only) or, for documents
 * later, ciphertext.
 *
 * <h2>Wire form (binary, big-endian)</h2>
 *
 * <pre>
 * magic      4 bytes  "CLFE"
 * version    1 byte   1
 * type       1 byte   {@link MessageType#code()}
 * federation 1 byte length n (2-63), n bytes ASCII
 * channel    1 byte length n (0 = none, PING only, else 2-63), n bytes ASCII
 * sender     1 byte length n (2-63), n bytes ASCII
 * messageId  16 bytes, chosen at random by the sender (the domain takes it as input)
 * createdAt  8 bytes, signed, ms since the epoch by the sender's clock, not negative
 * payload    4 bytes length n (0-{@value #MAX_PAYLOAD_BYTES}), n bytes
 * signature  64 bytes Ed25519 (RFC 8032) by the sender's signing key over
 *            "{@value #DOMAIN}" (ASCII, "\n" included) followed by every byte above
 * </pre>
 *
 * Binary rather than canonical JSON because payloads are opaque bytes (base64 would add a third)
 * and because each field has exactly one encoding (fixed-width lengths, ids of a fixed form,
 * nothing after the signature), so an envelope has one byte form and its {@link #hash()} identifies
 * it. The domain prefix keeps an envelope signature from ever verifying as a transaction or block
 * commit signature, whose messages start differently.
 *
 * <h2>Errors</h2>
 *
 * {@link #decode} turns any input whatsoever into an envelope or a {@link CareLedgerException} with
 * FEDERATION_ENVELOPE_MALFORMED, _TOO_LARGE or _VERSION_UNSUPPORTED; it never allocates more than
 * the input's length. It does not check the signature: {@link EnvelopeVerifier} does.
 */
public final class FederationEnvelope {

  public static final int VERSION = 1;
  public static final String DOMAIN = "CareLedger federation envelope v1\n";

  /** The largest payload: a sync response or a proposal of a full batch must fit (32 MiB). */
  public static final int MAX_PAYLOAD_BYTES = 32 << 20;

  public static final int MESSAGE_ID_BYTES = 16;
  private static final byte[] MAGIC = {'C', 'L', 'F', 'E'};
  private static final int MAX_HEADER_BYTES = 4 + 1 + 1 + 3 * 64 + 16 + 8 + 4;

  /** The largest encoded envelope. */
  public static final int MAX_ENCODED_BYTES = MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES + 64;

  private final FederationId federation;
  private final ChannelId channel;
  private final InstitutionId sender;
  private final MessageType type;
  private final byte[] messageId;
  private final long createdAt;
  private final byte[] payload;
  private final byte[] encoded;

  private FederationEnvelope(
      FederationId federation,
      ChannelId channel,
      InstitutionId sender,
      MessageType type,
      byte[] messageId,
      long createdAt,
      byte[] payload,
      byte[] encoded) {
    this.federation = federation;
    this.channel = channel;
    this.sender = sender;
    this.type = type;
    this.messageId = messageId;
    this.createdAt = createdAt;
    this.payload = payload;
    this.encoded = encoded;
  }

  /**
   * Builds and signs an envelope.
   *
   * @param channel null only for {@link MessageType#PING}
   * @param messageId 16 random bytes from the caller's secure random source
   * @param createdAt the caller's clock, ms since the epoch
   */
  public static FederationEnvelope sign(
      FederationId federation,
      ChannelId channel,
      InstitutionId sender,
      MessageType type,
      byte[] messageId,
      long createdAt,
      byte[] payload,
      Ed25519PrivateKeyParameters signingKey) {
    Objects.requireNonNull(federation, "federation");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signingKey, "signingKey");
    if (channel == null && type != MessageType.PING) {
      throw malformed("only a PING may name no channel");
    }
    if (messageId == null || messageId.length != MESSAGE_ID_BYTES) {
      throw malformed("a message id is " + MESSAGE_ID_BYTES + " bytes");
    }
    if (createdAt < 0) {
      throw malformed("createdAt must not be negative");
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw tooLarge("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
    }
    byte[] fed = ascii(federation.value());
    byte[] chan = channel == null ? new byte[0] : ascii(channel.value());
    byte[] from = ascii(sender.value());
    ByteBuffer out =
        ByteBuffer.allocate(
            4
                + 1
                + 1
                + 3
                + fed.length
                + chan.length
                + from.length
                + 16
                + 8
                + 4
                + payload.length
                + 64);
    out.put(MAGIC).put((byte) VERSION).put((byte) type.code());
    out.put((byte) fed.length).put(fed);
    out.put((byte) chan.length).put(chan);
    out.put((byte) from.length).put(from);
    out.put(messageId).putLong(createdAt).putInt(payload.length).put(payload);
    byte[] encoded = out.array();
    byte[] signature = Ed25519.sign(signingKey, signedMessage(encoded));
    System.arraycopy(signature, 0, encoded, encoded.length - 64, 64);
    return new FederationEnvelope(
        federation, channel, sender, type, messageId.clone(), createdAt, payload.clone(), encoded);
  }

  /** Reads an envelope from its wire form; see the class comment for what it rejects. */
  public static FederationEnvelope decode(byte[] bytes) {
    try {
      return decodeChecked(Objects.requireNonNull(bytes, "bytes"));
    } catch (CareLedgerException e) {
      throw e;
    } catch (RuntimeException e) {
      // Whatever the bytes, the answer is a coded rejection, never an unexpected exception.
      throw malformed("unreadable envelope (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static FederationEnvelope decodeChecked(byte[] bytes) {
    if (bytes.length > MAX_ENCODED_BYTES) {
      throw tooLarge("envelope of " + bytes.length + " bytes exceeds " + MAX_ENCODED_BYTES);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] magic = take(in, 4, "magic");
    if (!Arrays.equals(magic, MAGIC)) {
      throw malformed("not a CareLedger federation envelope (magic)");
    }
    int version = Byte.toUnsignedInt(take(in, 1, "version")[0]);
    if (version != VERSION) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENVELOPE_VERSION_UNSUPPORTED,
          "envelope version " + version + " is not supported; this node reads " + VERSION);
    }
    int typeCode = Byte.toUnsignedInt(take(in, 1, "type")[0]);
    MessageType type =
        MessageType.ofCode(typeCode)
            .orElseThrow(() -> malformed("unknown message type " + typeCode));
    FederationId federation;
    ChannelId channel;
    InstitutionId sender;
    try {
      federation = new FederationId(text(in, "federation"));
      String chan = text(in, "channel");
      channel = chan.isEmpty() ? null : new ChannelId(chan);
      sender = new InstitutionId(text(in, "sender"));
    } catch (CareLedgerException e) {
      throw malformed("an id is not of the allowed form");
    }
    if (channel == null && type != MessageType.PING) {
      throw malformed("only a PING may name no channel");
    }
    byte[] messageId = take(in, MESSAGE_ID_BYTES, "message id");
    long createdAt = ByteBuffer.wrap(take(in, 8, "createdAt")).getLong();
    if (createdAt < 0) {
      throw malformed("createdAt is negative");
    }
    int payloadLength = ByteBuffer.wrap(take(in, 4, "payload length")).getInt();
    if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_BYTES) {
      throw tooLarge(
          "payload length " + Integer.toUnsignedString(payloadLength) + " exceeds limit");
    }
    byte[] payload = take(in, payloadLength, "payload");
    take(in, 64, "signature");
    if (in.hasRemaining()) {
      throw malformed(in.remaining() + " bytes follow the signature");
    }
    return new FederationEnvelope(
        federation, channel, sender, type, messageId, createdAt, payload, bytes.clone());
  }

  private static byte[] take(ByteBuffer in, int length, String field) {
    if (length > in.remaining()) {
      throw malformed("envelope ends inside " + field);
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static String text(ByteBuffer in, String field) {
    int length = Byte.toUnsignedInt(take(in, 1, field + " length")[0]);
    byte[] bytes = take(in, length, field);
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        throw malformed(field + " is not printable ASCII");
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** What the sender signed: the domain prefix, then the encoding without its signature. */
  byte[] signedMessage() {
    return signedMessage(encoded);
  }

  private static byte[] signedMessage(byte[] encoded) {
    byte[] prefix = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[prefix.length + encoded.length - 64];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(encoded, 0, message, prefix.length, encoded.length - 64);
    return message;
  }

  public FederationId federation() {
    return federation;
  }

  /** Empty only for a federation-wide PING. */
  public Optional<ChannelId> channel() {
    return Optional.ofNullable(channel);
  }

  public InstitutionId sender() {
    return sender;
  }

  public MessageType type() {
    return type;
  }

  public byte[] messageId() {
    return messageId.clone();
  }

  public long createdAt() {
    return createdAt;
  }

  public byte[] payload() {
    return payload.clone();
  }

  public byte[] signature() {
    return Arrays.copyOfRange(encoded, encoded.length - 64, encoded.length);
  }

  /** The wire form. */
  public byte[] encoded() {
    return encoded.clone();
  }

  /** SHA-256 of the wire form. */
  public byte[] hash() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(encoded);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FederationEnvelope that && Arrays.equals(encoded, that.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "FederationEnvelope["
        + type
        + " from "
        + sender
        + " on "
        + (channel == null ? federation : channel)
        + " id "
        + HexFormat.of().formatHex(messageId)
        + "]";
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  private static CareLedgerException malformed(String why) {
    return new CareLedgerException(ErrorCode.FEDERATION_ENVELOPE_MALFORMED, why);
  }

  private static CareLedgerException tooLarge(String why) {
    return new CareLedgerException(ErrorCode.FEDERATION_ENVELOPE_TOO_LARGE, why);
  }
}
