package org.careledger.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the indexing of chains from before V8 is cut into parts ({@link JpaLedgerStore#partEnd}). */
class SharingRefBackfillPartTest {

  @Test
  void wholeBlocksWhileTheyFitAndAtLeastOne() {
    assertThat(JpaLedgerStore.partEnd(blocks(1, 3, 2, 3, 3, 3), 9, 5)).isEqualTo(1);
    assertThat(JpaLedgerStore.partEnd(blocks(1, 2, 2, 3, 3, 3), 9, 5)).isEqualTo(2);
    assertThat(JpaLedgerStore.partEnd(blocks(4, 500, 5, 1), 9, 5))
        .as("a block larger than a part is a part of its own")
        .isEqualTo(4);
  }

  @Test
  void theRestOfTheChainWhenEveryBlockLeftFits() {
    assertThat(JpaLedgerStore.partEnd(blocks(7, 1, 8, 1), 9, 5)).isEqualTo(9);
    assertThat(JpaLedgerStore.partEnd(List.of(), 9, 5)).isEqualTo(9);
  }

  @Test
  void aFullListOfEmptyBlocksMayHaveMoreAfterIt() {
    // The query read max blocks: more may follow, so the part ends at the last one read.
    assertThat(JpaLedgerStore.partEnd(blocks(1, 0, 2, 0, 3, 0), 10, 3)).isEqualTo(3);
  }

  /** The loop DefaultNodeService runs, against random chains: every block once, parts bounded. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 50, 5000})
  void thePartsCoverTheChainOnceAndStayWithinTheirSize(int max) {
    Random random = new Random(max);
    for (int chain = 0; chain < 200; chain++) {
      int heights = 1 + random.nextInt(300);
      long[] counts = new long[heights + 1];
      for (int h = 1; h <= heights; h++) {
        counts[h] = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 3 : 600);
      }
      long upTo = heights - random.nextInt(Math.min(heights, 5)); // blocks after V8 left out
      long from = 0;
      int parts = 0;
      long covered = 0;
      while (from < upTo) {
        List<long[]> above = new ArrayList<>();
        for (long h = from + 1; h <= upTo && above.size() < max; h++) {
          above.add(new long[] {h, counts[(int) h]});
        }
        long to = JpaLedgerStore.partEnd(above, upTo, max);
        assertThat(to)
            .as("chain %d part %d", chain, parts)
            .isGreaterThan(from)
            .isLessThanOrEqualTo(upTo);
        long transactions = 0;
        for (long h = from + 1; h <= to; h++) {
          transactions += counts[(int) h];
        }
        assertThat(transactions <= max || to == from + 1)
            .as("part (%d, %d] of %d transactions, max %d", from, to, transactions, max)
            .isTrue();
        covered += to - from;
        from = to;
        parts++;
        assertThat(parts).isLessThanOrEqualTo(heights);
      }
      assertThat(covered).isEqualTo(upTo);
    }
  }

  private static List<long[]> blocks(long... heightCountPairs) {
    List<long[]> blocks = new ArrayList<>();
    for (int i = 0; i < heightCountPairs.length; i += 2) {
      blocks.add(new long[] {heightCountPairs[i], heightCountPairs[i + 1]});
    }
    return blocks;
  }
}
