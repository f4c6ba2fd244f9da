package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.FuzzContract;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the decoders of a stored block's other two parts on the same bytes: {@link
 * BlockHeader#decode} and {@link CommitCertificate#decode} either decode or refuse with
 * TX_MALFORMED or an ENCODING_* code of canonical JSON. A header that decodes encodes again to the
 * input (its hash, which the next block links to and members sign, is of exactly these bytes). A
 * certificate keeps its signatures in member order, so the form it encodes to decodes to the same
 * certificate. Both are pure. Seeds: headers and certificates of a {@link LedgerFixture} chain.
 */
class BlockFuzzTest {

  private static final Set<ErrorCode> REJECTIONS =
      EnumSet.of(
          ErrorCode.TX_MALFORMED,
          ErrorCode.ENCODING_MALFORMED,
          ErrorCode.ENCODING_UNSUPPORTED_VALUE,
          ErrorCode.ENCODING_NOT_CANONICAL,
          ErrorCode.ENCODING_LIMIT_EXCEEDED);

  static List<byte[]> seeds() {
    LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
    f.genesis();
    f.commit(List.of(f.register(1, "r1")), 0, 1, 3);
    List<byte[]> seeds = new ArrayList<>();
    for (Block block : f.blocks) {
      seeds.add(block.header().encoded());
      seeds.add(block.certificate().encoded());
    }
    return seeds;
  }

  @MethodSource("seeds")
  @FuzzTest
  void decode(byte[] input) {
    BlockHeader header = FuzzContract.decodeOrNull(() -> BlockHeader.decode(input), REJECTIONS);
    if (header != null) {
      assertThat(header.encoded()).isEqualTo(input);
      assertThat(BlockHeader.decode(header.encoded())).isEqualTo(header);
    }
    CommitCertificate certificate =
        FuzzContract.decodeOrNull(() -> CommitCertificate.decode(input), REJECTIONS);
    if (certificate != null) {
      CommitCertificate again = CommitCertificate.decode(certificate.encoded());
      assertThat(again.encoded()).isEqualTo(certificate.encoded());
    }
  }
}
