package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeightSampleTest {

  @Test
  void aShortChainIsComparedWhole() {
    assertThat(HeightSample.pick(5, 200, 20)).containsExactly(1, 2, 3, 4, 5);
    assertThat(HeightSample.pick(220, 200, 20)).hasSize(220);
    assertThat(HeightSample.complete(220, 200, 20)).isTrue();
    assertThat(HeightSample.pick(0, 200, 20)).isEmpty();
  }

  @Test
  void aLongChainIsSpreadPlusItsLastHeights() {
    long[] heights = HeightSample.pick(10_000, 200, 20);
    assertThat(HeightSample.complete(10_000, 200, 20)).isFalse();
    assertThat(heights).hasSize(220).startsWith(1L).endsWith(9_999L, 10_000L).contains(9_981L);
    assertThat(heights).contains(9_980L); // the spread's top
    for (int i = 1; i < heights.length; i++) {
      assertThat(heights[i]).isGreaterThan(heights[i - 1]);
    }
    // Evenly spread: gaps of about 9979 / 199 ≈ 50 below the last 20.
    assertThat(heights[101] - heights[100]).isBetween(49L, 51L);
  }

  @Test
  void spreadAndTailMayOverlap() {
    long[] heights = HeightSample.pick(225, 200, 20);
    assertThat(heights).startsWith(1L).endsWith(225L);
    assertThat(heights.length).isBetween(200, 220);
  }
}
