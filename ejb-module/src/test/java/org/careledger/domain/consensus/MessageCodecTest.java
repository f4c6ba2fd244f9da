package org.careledger.domain.consensus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/** The binary codec: exact round trips, and a coded rejection for every malformed input. */
class MessageCodecTest {

  private static final Set<ErrorCode> CODEC_CODES =
      Set.of(ErrorCode.CONSENSUS_MESSAGE_MALFORMED, ErrorCode.CONSENSUS_MESSAGE_TOO_LARGE);
  private final EngineHarness h = new EngineHarness(4);
  private final ProposedBlock a =
      h.block(1, 10, ConsensusFixture.POOL.get(0), ConsensusFixture.POOL.get(1));
  private final List<SignedPayload> certificate =
      List.of(h.preparePayload(0, 0, a), h.preparePayload(1, 0, a), h.preparePayload(3, 0, a));

  private List<ConsensusMessage> samples() {
    List<SignedPayload> roundChanges =
        List.of(
            h.roundChange(0, 1, 0, a, certificate).signed(),
            h.roundChange(1, 1).signed(),
            h.roundChange(3, 1).signed());
    return List.of(
        h.proposal(1, 0, a),
        h.proposal(2, 1, a, roundChanges, certificate),
        h.prepare(3, 0, a),
        h.commit(3, 0, a),
        h.roundChange(2, 1),
        h.roundChange(2, 1, 0, a, certificate));
  }

  @Test
  void everyMessageTypeRoundTripsToTheSameBytes() {
    for (ConsensusMessage message : samples()) {
      byte[] bytes = MessageCodec.encode(message);
      ConsensusMessage decoded = MessageCodec.decode(bytes);
      assertArrayEquals(bytes, MessageCodec.encode(decoded), message.toString());
      assertEquals(message.payload(), decoded.payload());
      assertEquals(message.block(), decoded.block());
    }
  }

  @Test
  void signedStateRoundTrips() {
    SignedState state =
        new SignedState(
            ConsensusFixture.CHANNEL, 1, 1, 0, a, certificate, List.of(h.prepare(2, 1, a)));
    byte[] bytes = MessageCodec.encodeState(state);
    SignedState decoded = MessageCodec.decodeState(bytes);
    assertArrayEquals(bytes, MessageCodec.encodeState(decoded));
    assertEquals(0, decoded.lockedRound());
    assertEquals(a, decoded.lockedBlock());
  }

  @Test
  void trailingBytesAndBadFlagsAreRejected() {
    byte[] bytes = MessageCodec.encode(h.prepare(3, 0, a));
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertCoded(longer);
    byte[] flag = bytes.clone();
    flag[flag.length - 5] = 2; // the block-presence flag after the signed payload
    assertCoded(flag);
  }

  @Test
  void shapesThatNoHonestMemberSendsAreRejected() {
    CareLedgerException e =
        assertThrows(
            CareLedgerException.class,
            () -> Payload.roundChange(ConsensusFixture.CHANNEL, 1, 1, h.id(0), 1, a.digest()));
    assertEquals(ErrorCode.CONSENSUS_MESSAGE_MALFORMED, e.errorCode());
    assertThrows(
        CareLedgerException.class,
        () -> new ConsensusMessage(h.prepare(3, 0, a).signed(), a, List.of(), List.of()));
  }

  @Test
  void everyTruncationIsACodedRejection() {
    for (ConsensusMessage message : samples()) {
      byte[] bytes = MessageCodec.encode(message);
      for (int length = 0; length < bytes.length; length++) {
        assertCoded(java.util.Arrays.copyOf(bytes, length));
      }
    }
  }

  @Test
  void flippedBytesAndGarbageNeverEscapeAsAnotherException() {
    SplittableRandom random = new SplittableRandom(7);
    List<ConsensusMessage> samples = samples();
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = MessageCodec.encode(samples.get(i % samples.size()));
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      decodeOrCodedRejection(bytes);
      byte[] garbage = new byte[random.nextInt(200)];
      random.nextBytes(garbage);
      if (garbage.length > 3 && random.nextBoolean()) {
        garbage[0] = 'C';
        garbage[1] = 'L';
        garbage[2] = 'Q';
        garbage[3] = 1;
      }
      decodeOrCodedRejection(garbage);
    }
  }

  private static void decodeOrCodedRejection(byte[] bytes) {
    try {
      MessageCodec.decode(bytes);
    } catch (CareLedgerException e) {
      assertTrue(CODEC_CODES.contains(e.errorCode()), e.toString());
    } catch (RuntimeException e) {
      fail("decoding threw " + e);
    }
    try {
      MessageCodec.decodeState(bytes);
    } catch (CareLedgerException e) {
      assertTrue(CODEC_CODES.contains(e.errorCode()), e.toString());
    } catch (RuntimeException e) {
      fail("decoding state threw " + e);
    }
  }

  private static void assertCoded(byte[] bytes) {
    CareLedgerException e =
        assertThrows(CareLedgerException.class, () -> MessageCodec.decode(bytes));
    assertTrue(CODEC_CODES.contains(e.errorCode()), e.toString());
  }
}
