package org.careledger.domain.consensus;

import java.util.List;
import java.util.Objects;
import org.careledger.domain.identity.InstitutionId;

/**
 * A consensus message as it travels: the sender's signed payload plus the attachments its type
 * needs (Moniz 2020, Algorithms 1–4; QBFT spec's {@code Proposal}, {@code RoundChange}):
 *
 * <ul>
 *   <li>PROPOSAL: the block; for round ≥ 1 the round-change certificate (a quorum of signed
 *       ROUND_CHANGE payloads for this round) and, when one of them reports a prepared value, the
 *       prepare certificate (a quorum of signed PREPARE payloads) of the highest prepared round.
 *   <li>ROUND_CHANGE with a prepared value: that block and its prepare certificate.
 *   <li>PREPARE, COMMIT: nothing.
 * </ul>
 *
 * The constructor enforces these shapes; whether signatures and certificates hold is the engine's
 * check. Immutable.
 */
public final class ConsensusMessage {

  private final SignedPayload signed;
  private final ProposedBlock block;
  private final List<SignedPayload> roundChanges;
  private final List<SignedPayload> prepares;

  public ConsensusMessage(
      SignedPayload signed,
      ProposedBlock block,
      List<SignedPayload> roundChanges,
      List<SignedPayload> prepares) {
    this.signed = Objects.requireNonNull(signed, "signed");
    this.block = block;
    this.roundChanges = List.copyOf(roundChanges);
    this.prepares = List.copyOf(prepares);
    Payload p = signed.payload();
    switch (p.type()) {
      case PROPOSAL -> {
        if (block == null || !block.hasDigest(p.digest())) {
          throw MessageCodec.malformed("a proposal carries the block its digest names");
        }
        if ((p.round() == 0) != this.roundChanges.isEmpty()) {
          throw MessageCodec.malformed("a proposal has a round-change certificate iff round > 0");
        }
        if (p.round() == 0 && !this.prepares.isEmpty()) {
          throw MessageCodec.malformed("a round-0 proposal has no prepare certificate");
        }
        requireOfType(this.roundChanges, MessageType.ROUND_CHANGE);
        requireOfType(this.prepares, MessageType.PREPARE);
      }
      case ROUND_CHANGE -> {
        boolean prepared = p.preparedRound() >= 0;
        if (prepared != (block != null) || prepared == this.prepares.isEmpty()) {
          throw MessageCodec.malformed(
              "a round change carries its prepared block and prepare certificate, or neither");
        }
        if (block != null && !block.hasDigest(p.digest())) {
          throw MessageCodec.malformed("the prepared block does not have the prepared digest");
        }
        if (!this.roundChanges.isEmpty()) {
          throw MessageCodec.malformed("a round change carries no round-change certificate");
        }
        requireOfType(this.prepares, MessageType.PREPARE);
      }
      case PREPARE, COMMIT -> {
        if (block != null || !this.roundChanges.isEmpty() || !this.prepares.isEmpty()) {
          throw MessageCodec.malformed(p.type() + " carries no attachments");
        }
      }
    }
  }

  public static ConsensusMessage of(SignedPayload signed) {
    return new ConsensusMessage(signed, null, List.of(), List.of());
  }

  private static void requireOfType(List<SignedPayload> list, MessageType type) {
    for (SignedPayload entry : list) {
      if (entry.payload().type() != type) {
        throw MessageCodec.malformed("a certificate of " + type + " holds a " + entry);
      }
    }
  }

  public SignedPayload signed() {
    return signed;
  }

  public Payload payload() {
    return signed.payload();
  }

  public MessageType type() {
    return signed.payload().type();
  }

  public long height() {
    return signed.payload().height();
  }

  public int round() {
    return signed.payload().round();
  }

  public InstitutionId sender() {
    return signed.payload().sender();
  }

  /** The attached block, or null. */
  public ProposedBlock block() {
    return block;
  }

  public List<SignedPayload> roundChanges() {
    return roundChanges;
  }

  public List<SignedPayload> prepares() {
    return prepares;
  }

  public byte[] encoded() {
    return MessageCodec.encode(this);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConsensusMessage that
        && java.util.Arrays.equals(encoded(), that.encoded());
  }

  @Override
  public int hashCode() {
    return signed.hashCode();
  }

  @Override
  public String toString() {
    return signed.toString();
  }
}
