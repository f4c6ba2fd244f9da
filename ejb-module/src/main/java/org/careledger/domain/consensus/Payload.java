package org.careledger.domain.consensus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;

/**
 * The signed part of a consensus message (QBFT's "unsigned payload"): type, channel, height, round,
 * sender and the type's own fields. Blocks and justifications travel beside it, unsigned by this
 * sender, because each is verifiable on its own (a block by its hash, a justification entry by its
 * own signature), as in Besu's QBFT messages.
 *
 * <ul>
 *   <li>PROPOSAL, PREPARE: {@code digest} is the proposed block's header hash.
 *   <li>COMMIT: {@code digest} and the commit {@code seal}: the sender's {@link
 *       CommitCertificate.Signature} over that header, which becomes part of the block's
 *       certificate.
 *   <li>ROUND_CHANGE (round ≥ 1): {@code preparedRound} and {@code digest} of the sender's prepared
 *       value (its lock), or -1 and no digest.
 * </ul>
 *
 * The constructor enforces these shapes, so a decoded payload is always one of them.
 */
public final class Payload {

  /** Prefix of every signed payload; keeps these signatures apart from seals and transactions. */
  static final byte[] DOMAIN = "CareLedger consensus v1\n".getBytes(StandardCharsets.US_ASCII);

  private final MessageType type;
  private final ChannelId channel;
  private final long height;
  private final int round;
  private final InstitutionId sender;
  private final byte[] digest;
  private final int preparedRound;
  private final CommitCertificate.Signature seal;
  private byte[] encoded;
  private int hash;

  public Payload(
      MessageType type,
      ChannelId channel,
      long height,
      int round,
      InstitutionId sender,
      byte[] digest,
      int preparedRound,
      CommitCertificate.Signature seal) {
    this.type = Objects.requireNonNull(type, "type");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.sender = Objects.requireNonNull(sender, "sender");
    if (height < 1) {
      throw MessageCodec.malformed("consensus runs for heights ≥ 1 (0 is genesis)");
    }
    if (round < 0) {
      throw MessageCodec.malformed("round must not be negative");
    }
    if (digest != null && digest.length != 32) {
      throw MessageCodec.malformed("a digest is 32 bytes");
    }
    boolean rc = type == MessageType.ROUND_CHANGE;
    if (!rc && (digest == null || preparedRound != -1)) {
      throw MessageCodec.malformed(type + " carries a digest and no prepared round");
    }
    if (rc) {
      if (round < 1) {
        throw MessageCodec.malformed("a round change is for round 1 or later");
      }
      if (preparedRound < -1 || preparedRound >= round) {
        throw MessageCodec.malformed("prepared round must be -1 or below the round");
      }
      if ((preparedRound == -1) != (digest == null)) {
        throw MessageCodec.malformed("a prepared round comes with its digest, and only then");
      }
    }
    if ((type == MessageType.COMMIT) != (seal != null)) {
      throw MessageCodec.malformed("a commit seal is in COMMIT messages, and only there");
    }
    if (seal != null && !seal.member().equals(sender)) {
      throw MessageCodec.malformed("a commit seal is the sender's own");
    }
    this.height = height;
    this.round = round;
    this.digest = digest == null ? null : digest.clone();
    this.preparedRound = preparedRound;
    this.seal = seal;
  }

  public static Payload proposal(
      ChannelId channel, long height, int round, InstitutionId sender, byte[] digest) {
    return new Payload(MessageType.PROPOSAL, channel, height, round, sender, digest, -1, null);
  }

  public static Payload prepare(
      ChannelId channel, long height, int round, InstitutionId sender, byte[] digest) {
    return new Payload(MessageType.PREPARE, channel, height, round, sender, digest, -1, null);
  }

  public static Payload commit(
      ChannelId channel,
      long height,
      int round,
      InstitutionId sender,
      byte[] digest,
      CommitCertificate.Signature seal) {
    return new Payload(MessageType.COMMIT, channel, height, round, sender, digest, -1, seal);
  }

  public static Payload roundChange(
      ChannelId channel,
      long height,
      int round,
      InstitutionId sender,
      int preparedRound,
      byte[] preparedDigest) {
    return new Payload(
        MessageType.ROUND_CHANGE,
        channel,
        height,
        round,
        sender,
        preparedDigest,
        preparedRound,
        null);
  }

  public MessageType type() {
    return type;
  }

  public ChannelId channel() {
    return channel;
  }

  public long height() {
    return height;
  }

  public int round() {
    return round;
  }

  public InstitutionId sender() {
    return sender;
  }

  /** The block hash this payload is about, or null (a round change with nothing prepared). */
  public byte[] digest() {
    return digest == null ? null : digest.clone();
  }

  String digestHex() {
    return digest == null ? null : HexFormat.of().formatHex(digest);
  }

  boolean digestEquals(byte[] other) {
    return digest != null && Arrays.equals(digest, other);
  }

  public int preparedRound() {
    return preparedRound;
  }

  public CommitCertificate.Signature seal() {
    return seal;
  }

  /** The deterministic binary encoding (see {@link MessageCodec}); cached. */
  public byte[] encoded() {
    return encodedUnsafe().clone();
  }

  byte[] encodedUnsafe() {
    if (encoded == null) {
      encoded = MessageCodec.encodePayload(this);
    }
    return encoded;
  }

  /** What the sender signs: {@link #DOMAIN} followed by the encoding. */
  byte[] signedBytes() {
    byte[] body = encodedUnsafe();
    byte[] message = new byte[DOMAIN.length + body.length];
    System.arraycopy(DOMAIN, 0, message, 0, DOMAIN.length);
    System.arraycopy(body, 0, message, DOMAIN.length, body.length);
    return message;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Payload that && Arrays.equals(encodedUnsafe(), that.encodedUnsafe());
  }

  @Override
  public int hashCode() {
    if (hash == 0) {
      hash = Arrays.hashCode(encodedUnsafe()) | 1;
    }
    return hash;
  }

  @Override
  public String toString() {
    return type
        + "["
        + channel
        + "#"
        + height
        + " r"
        + round
        + " from "
        + sender
        + (digest == null ? "" : " " + digestHex().substring(0, 12))
        + (type == MessageType.ROUND_CHANGE ? " pr" + preparedRound : "")
        + "]";
  }
}
