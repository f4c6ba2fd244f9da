package org.careledger.domain.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommitMetricsTest {

  private static final long T0 = 1_800_000_000_000L; // a multiple of 10 s

  @Test
  void countsBlocksAndTransactionsPerBucketAndFillsTheWindowWithEmptyBuckets() {
    CommitMetrics metrics = new CommitMetrics(10, 6);
    metrics.committed(T0 + 1_000, 3);
    metrics.committed(T0 + 9_999, 2);
    metrics.committed(T0 + 10_000, 7);

    CommitMetrics.Snapshot snapshot = metrics.snapshot(T0 + 15_000);

    assertThat(snapshot.bucketSeconds()).isEqualTo(10);
    assertThat(snapshot.buckets()).hasSize(6);
    CommitMetrics.Bucket last = snapshot.buckets().get(5);
    CommitMetrics.Bucket previous = snapshot.buckets().get(4);
    assertThat(last.start()).isEqualTo(Instant.ofEpochMilli(T0 + 10_000));
    assertThat(last.blocks()).isEqualTo(1);
    assertThat(last.transactions()).isEqualTo(7);
    assertThat(previous.start()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(previous.blocks()).isEqualTo(2);
    assertThat(previous.transactions()).isEqualTo(5);
    assertThat(snapshot.buckets().subList(0, 4)).allMatch(b -> b.blocks() == 0);
    assertThat(snapshot.buckets().get(0).start()).isEqualTo(Instant.ofEpochMilli(T0 - 40_000));
  }

  @Test
  void medianAndP95AreNearestRankOverTheBucketsSamples() {
    CommitMetrics metrics = new CommitMetrics(10, 6);
    for (int ms = 1; ms <= 100; ms++) {
      metrics.latency(T0 + 5_000, ms);
    }
    CommitMetrics.Bucket bucket = metrics.snapshot(T0 + 5_000).buckets().get(5);
    assertThat(bucket.latencyMedianMs()).isEqualTo(50);
    assertThat(bucket.latencyP95Ms()).isEqualTo(95);
    assertThat(metrics.snapshot(T0 + 5_000).buckets().get(4).latencyMedianMs()).isNull();
  }

  @Test
  void bucketsOlderThanTheWindowAreForgottenAndLateReportsForThemIgnored() {
    CommitMetrics metrics = new CommitMetrics(10, 3);
    metrics.committed(T0, 4);
    metrics.committed(T0 + 30_000, 1); // reuses T0's slot
    metrics.committed(T0 + 1, 9); // late, for a bucket already reused: dropped

    CommitMetrics.Snapshot snapshot = metrics.snapshot(T0 + 30_000);
    assertThat(snapshot.buckets())
        .extracting(CommitMetrics.Bucket::transactions)
        .containsExactly(0L, 0L, 1L);
    // Long after: the window is empty again, the old counts do not reappear.
    assertThat(metrics.snapshot(T0 + 300_000).buckets()).allMatch(b -> b.transactions() == 0);
  }
}
