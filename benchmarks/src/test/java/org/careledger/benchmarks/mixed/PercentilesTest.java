package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOverUnsortedValues() {
    Percentiles p = new Percentiles();
    for (long v = 100; v >= 1; v--) {
      p.add(v);
    }
    assertThat(p.size()).isEqualTo(100);
    assertThat(p.median()).isEqualTo(50);
    assertThat(p.percentile(95)).isEqualTo(95);
    assertThat(p.percentile(99)).isEqualTo(99);
    assertThat(p.percentile(100)).isEqualTo(100);
    assertThat(p.max()).isEqualTo(100);
    assertThat(p.percentile(0.1)).isEqualTo(1);
  }

  @Test
  void smallAndEmptySets() {
    Percentiles p = new Percentiles();
    assertThat(p.median()).isEqualTo(-1);
    assertThat(p.max()).isEqualTo(-1);
    p.add(7);
    assertThat(p.median()).isEqualTo(7);
    assertThat(p.percentile(99)).isEqualTo(7);
    p.add(3);
    assertThat(p.median()).isEqualTo(3); // the lower middle of an even count
    assertThat(p.percentile(99)).isEqualTo(7);
    p.add(5); // added after a sort: sorted again
    assertThat(p.median()).isEqualTo(5);
  }
}
