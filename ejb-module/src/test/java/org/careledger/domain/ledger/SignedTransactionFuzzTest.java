package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.FuzzContract;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link SignedTransaction#decode}, which every member runs on every transaction a peer
 * proposes. Any input is a transaction or a rejection with TX_MALFORMED, TX_TOO_LARGE or one of the
 * ENCODING_* codes of {@link CanonicalJson#decode}; never the decoder's safety net. A transaction
 * that decodes is in its one canonical form: its fields encode again to the input, and its id is
 * the SHA-256 of its transaction's own canonical bytes (the decoder slices them out of the input
 * rather than encoding again, which this checks). Decoding is pure: nothing is written. Seeds:
 * {@link LedgerFixture} transactions (signed register and channel-config, the unsigned
 * channel-config of a federated genesis).
 */
class SignedTransactionFuzzTest {

  private static final Set<ErrorCode> REJECTIONS =
      EnumSet.of(
          ErrorCode.TX_MALFORMED,
          ErrorCode.TX_TOO_LARGE,
          ErrorCode.ENCODING_MALFORMED,
          ErrorCode.ENCODING_UNSUPPORTED_VALUE,
          ErrorCode.ENCODING_NOT_CANONICAL,
          ErrorCode.ENCODING_LIMIT_EXCEEDED);

  static List<byte[]> seeds() {
    LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b");
    Block genesis = f.genesis();
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(genesis.transactions().get(0).encoded());
    seeds.add(f.register(1, "r1").encoded());
    seeds.add(SignedTransaction.unsigned(genesis.transactions().get(0).transaction()).encoded());
    return seeds;
  }

  @MethodSource("seeds")
  @FuzzTest
  void decode(byte[] input) {
    SignedTransaction tx =
        FuzzContract.decodeOrNull(() -> SignedTransaction.decode(input), REJECTIONS);
    if (tx == null) {
      return;
    }
    assertThat(tx.encoded()).isEqualTo(input);
    assertThat(tx.id()).isEqualTo(SignedTransaction.sha256(tx.transaction().canonicalBytes()));
    Map<String, Object> json = new LinkedHashMap<>();
    if (tx.isSigned()) {
      assertThat(tx.signature()).hasSize(64);
      json.put("sig", Json.base64url(tx.signature()));
    } else {
      assertThat(tx.transaction().type()).isEqualTo(TransactionType.CHANNEL_CONFIG);
      assertThat(SignedTransaction.unsigned(tx.transaction()).encoded()).isEqualTo(input);
    }
    json.put("tx", tx.transaction().toJson());
    assertThat(CanonicalJson.encode(json)).isEqualTo(input);
  }
}
