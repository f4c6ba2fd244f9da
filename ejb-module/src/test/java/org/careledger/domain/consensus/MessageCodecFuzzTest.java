package org.careledger.domain.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.FuzzContract;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link MessageCodec#decode} (every consensus message from a peer) and {@link
 * MessageCodec#decodeState} (the engine's persisted state, read at start) on the same bytes. Each
 * either decodes or refuses with CONSENSUS_MESSAGE_MALFORMED or _TOO_LARGE, never through the
 * codec's safety net; what decodes encodes again to the same bytes (one encoding per value, so a
 * signature over the bytes is one over the value). Pure: nothing is written. Seeds: every message
 * type and a signed state, built by {@link EngineHarness} as in {@link MessageCodecTest}.
 */
class MessageCodecFuzzTest {

  private static final Set<ErrorCode> REJECTIONS =
      Set.of(ErrorCode.CONSENSUS_MESSAGE_MALFORMED, ErrorCode.CONSENSUS_MESSAGE_TOO_LARGE);

  static List<byte[]> seeds() {
    EngineHarness h = new EngineHarness(4);
    ProposedBlock a = h.block(1, 10, ConsensusFixture.POOL.get(0), ConsensusFixture.POOL.get(1));
    List<SignedPayload> certificate =
        List.of(h.preparePayload(0, 0, a), h.preparePayload(1, 0, a), h.preparePayload(3, 0, a));
    List<SignedPayload> roundChanges =
        List.of(
            h.roundChange(0, 1, 0, a, certificate).signed(),
            h.roundChange(1, 1).signed(),
            h.roundChange(3, 1).signed());
    List<byte[]> seeds = new ArrayList<>();
    for (ConsensusMessage message :
        List.of(
            h.proposal(1, 0, a),
            h.proposal(2, 1, a, roundChanges, certificate),
            h.prepare(3, 0, a),
            h.commit(3, 0, a),
            h.roundChange(2, 1),
            h.roundChange(2, 1, 0, a, certificate))) {
      seeds.add(MessageCodec.encode(message));
    }
    seeds.add(
        MessageCodec.encodeState(
            new SignedState(
                ConsensusFixture.CHANNEL, 1, 1, 0, a, certificate, List.of(h.prepare(2, 1, a)))));
    return seeds;
  }

  @MethodSource("seeds")
  @FuzzTest
  void decode(byte[] input) {
    ConsensusMessage message =
        FuzzContract.decodeOrNull(() -> MessageCodec.decode(input), REJECTIONS);
    if (message != null) {
      assertThat(MessageCodec.encode(message)).isEqualTo(input);
    }
    SignedState state =
        FuzzContract.decodeOrNull(() -> MessageCodec.decodeState(input), REJECTIONS);
    if (state != null) {
      assertThat(MessageCodec.encodeState(state)).isEqualTo(input);
    }
  }
}
