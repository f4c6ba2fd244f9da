package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Set;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.FuzzContract;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.domain.ledger.LedgerFixture;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the three decoders of {@link FederationPayloads} on the same bytes: a sync request, a sync
 * response and a TRANSACTIONS payload either decode or are refused with
 * FEDERATION_PAYLOAD_MALFORMED, and what decodes encodes again to the very same bytes (each value
 * has one wire form). The decoders are pure; nothing is written. Seeds: payloads of a {@link
 * LedgerFixture} chain.
 */
class FederationPayloadsFuzzTest {

  private static final Set<ErrorCode> REJECTIONS = Set.of(ErrorCode.FEDERATION_PAYLOAD_MALFORMED);

  static List<byte[]> seeds() {
    LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b");
    f.genesis();
    f.commit(List.of(f.register(0, "r1"), f.register(1, "r2")), 0, 1);
    return List.of(
        FederationPayloads.syncRequest(1),
        FederationPayloads.syncResponse(f.stored()),
        FederationPayloads.transactions(
            f.blocks.get(1).transactions().stream().map(tx -> tx.encoded()).toList()));
  }

  @MethodSource("seeds")
  @FuzzTest
  void decode(byte[] input) {
    Long from =
        FuzzContract.decodeOrNull(() -> FederationPayloads.decodeSyncRequest(input), REJECTIONS);
    if (from != null) {
      assertThat(FederationPayloads.syncRequest(from)).isEqualTo(input);
    }
    List<StoredBlock> blocks =
        FuzzContract.decodeOrNull(() -> FederationPayloads.decodeSyncResponse(input), REJECTIONS);
    if (blocks != null) {
      assertThat(blocks.size()).isLessThanOrEqualTo(FederationPayloads.MAX_BLOCKS);
      assertThat(FederationPayloads.syncResponse(blocks)).isEqualTo(input);
    }
    List<byte[]> transactions =
        FuzzContract.decodeOrNull(() -> FederationPayloads.decodeTransactions(input), REJECTIONS);
    if (transactions != null) {
      assertThat(transactions.size()).isLessThanOrEqualTo(FederationPayloads.MAX_TRANSACTIONS);
      assertThat(FederationPayloads.transactions(transactions)).isEqualTo(input);
    }
  }
}
