package org.careledger.domain.consensus;

import java.util.List;
import java.util.Objects;
import org.careledger.domain.ledger.ChannelId;

/**
 * What a member must remember across a restart so it never signs a message that contradicts one it
 * signed before: the height and round it reached, its lock (the highest round in which it saw a
 * prepare quorum, with that block and certificate), and every message it signed at this height in
 * this round or later. The driver makes each new state durable before it performs the outputs that
 * follow it ({@link Output.Persist}); a state for a height at or below the committed head is stale
 * and ignored. Encoded by {@link MessageCodec#encodeState}.
 *
 * @param lockedRound -1 when nothing is prepared at this height
 */
public record SignedState(
    ChannelId channel,
    long height,
    int round,
    int lockedRound,
    ProposedBlock lockedBlock,
    List<SignedPayload> lockCertificate,
    List<ConsensusMessage> sent) {

  public SignedState {
    Objects.requireNonNull(channel, "channel");
    lockCertificate = List.copyOf(lockCertificate);
    sent = List.copyOf(sent);
    if (height < 1 || round < 0 || lockedRound < -1 || lockedRound > round) {
      throw MessageCodec.malformed("signed state has impossible height, round or locked round");
    }
    if ((lockedRound == -1) != (lockedBlock == null)
        || (lockedRound == -1) != lockCertificate.isEmpty()) {
      throw MessageCodec.malformed("a lock has its round, block and certificate, or none of them");
    }
    for (ConsensusMessage message : sent) {
      if (message.height() != height || !message.payload().channel().equals(channel)) {
        throw MessageCodec.malformed("signed state lists a message of another height or channel");
      }
    }
  }

  public byte[] encoded() {
    return MessageCodec.encodeState(this);
  }
}
