package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.junit.jupiter.api.Test;

class FederationPayloadsTest {

  @Test
  void syncRequestRoundTripsAndRefusesOtherLengthsAndNegativeHeights() {
    assertThat(FederationPayloads.decodeSyncRequest(FederationPayloads.syncRequest(42)))
        .isEqualTo(42);
    assertMalformed(() -> FederationPayloads.decodeSyncRequest(new byte[7]));
    assertMalformed(() -> FederationPayloads.decodeSyncRequest(new byte[9]));
    assertMalformed(
        () -> FederationPayloads.decodeSyncRequest(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0}));
  }

  @Test
  void syncResponseRoundTripsEveryByte() {
    List<StoredBlock> blocks =
        List.of(
            new StoredBlock(bytes(1, 40), List.of(bytes(2, 10), bytes(3, 0)), bytes(4, 70)),
            new StoredBlock(bytes(5, 41), List.of(), bytes(6, 1)));

    List<StoredBlock> decoded =
        FederationPayloads.decodeSyncResponse(FederationPayloads.syncResponse(blocks));

    assertThat(decoded).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(decoded.get(i).header()).isEqualTo(blocks.get(i).header());
      assertThat(decoded.get(i).certificate()).isEqualTo(blocks.get(i).certificate());
      assertThat(decoded.get(i).transactions())
          .usingElementComparator(java.util.Arrays::compare)
          .containsExactlyElementsOf(blocks.get(i).transactions());
    }
  }

  @Test
  void transactionsRoundTripAndTrailingBytesAreRefused() {
    byte[] wire = FederationPayloads.transactions(List.of(bytes(9, 300), bytes(8, 5)));
    assertThat(FederationPayloads.decodeTransactions(wire))
        .usingElementComparator(java.util.Arrays::compare)
        .containsExactly(bytes(9, 300), bytes(8, 5));
    byte[] longer = java.util.Arrays.copyOf(wire, wire.length + 1);
    assertMalformed(() -> FederationPayloads.decodeTransactions(longer));
    byte[] shorter = java.util.Arrays.copyOf(wire, wire.length - 1);
    assertMalformed(() -> FederationPayloads.decodeTransactions(shorter));
  }

  @Test
  void aCountBeyondTheLimitIsRefusedBeforeAnythingIsAllocated() {
    assertMalformed(() -> FederationPayloads.decodeSyncResponse(new byte[] {0, 0, 0, (byte) 65}));
    assertMalformed(() -> FederationPayloads.decodeTransactions(new byte[] {(byte) 0xff, 0, 0, 0}));
  }

  /** Random, truncated and bit-flipped inputs: only the documented rejection, never a crash. */
  @Test
  void arbitraryBytesOnlyEverGiveTheCodedRejection() {
    Random random = new Random(20261123);
    byte[] valid =
        FederationPayloads.syncResponse(
            List.of(new StoredBlock(bytes(1, 30), List.of(bytes(2, 20)), bytes(3, 30))));
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      switch (i % 3) {
        case 0 -> {
          input = new byte[random.nextInt(64)];
          random.nextBytes(input);
        }
        case 1 -> input = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
        default -> {
          input = valid.clone();
          input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      byte[] candidate = input;
      for (Runnable decode :
          List.<Runnable>of(
              () -> FederationPayloads.decodeSyncResponse(candidate),
              () -> FederationPayloads.decodeTransactions(candidate),
              () -> FederationPayloads.decodeSyncRequest(candidate))) {
        try {
          decode.run();
        } catch (CareLedgerException e) {
          assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_PAYLOAD_MALFORMED);
        }
      }
    }
  }

  private static byte[] bytes(int seed, int length) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static void assertMalformed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_PAYLOAD_MALFORMED));
  }
}
