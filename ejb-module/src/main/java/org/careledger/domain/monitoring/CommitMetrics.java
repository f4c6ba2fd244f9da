package org.careledger.domain.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A channel's recent commit rate and commit latency, in fixed time buckets, for the admin console's
 * live chart: blocks and transactions committed here per bucket, and the median and 95th percentile
 * of the latency this node's submitters saw (submit to commit-and-durable here).
 *
 * <p>Kept in memory only, for the last {@code buckets × bucketSeconds} (10 minutes by default): it
 * describes the node's recent behaviour, not the ledger, and starts empty after a restart. Up to
 * {@value #SAMPLES_PER_BUCKET} latency samples are kept per bucket (the first ones); counts are
 * exact. The clock is passed in, so the class is deterministic under test. Thread-safe.
 */
public final class CommitMetrics {

  /** Latency samples kept per bucket; beyond that, percentiles describe the bucket's first ones. */
  public static final int SAMPLES_PER_BUCKET = 2048;

  /** One bucket: what committed in {@code [start, start + bucketSeconds)}. */
  public record Bucket(
      Instant start, long blocks, long transactions, Long latencyMedianMs, Long latencyP95Ms) {}

  /** The window, oldest bucket first, ending with the bucket that holds {@code now}. */
  public record Snapshot(int bucketSeconds, List<Bucket> buckets) {}

  private static final class Slot {
    long index = Long.MIN_VALUE;
    long blocks;
    long transactions;
    long[] latencies = new long[16];
    int samples;

    void reset(long newIndex) {
      index = newIndex;
      blocks = 0;
      transactions = 0;
      samples = 0;
    }
  }

  private final int bucketSeconds;
  private final Slot[] slots;

  public CommitMetrics() {
    this(10, 60);
  }

  public CommitMetrics(int bucketSeconds, int buckets) {
    if (bucketSeconds < 1 || buckets < 1) {
      throw new IllegalArgumentException("bucketSeconds and buckets must be positive");
    }
    this.bucketSeconds = bucketSeconds;
    this.slots = new Slot[buckets];
    for (int i = 0; i < buckets; i++) {
      slots[i] = new Slot();
    }
  }

  /** A block with {@code transactions} transactions was committed here at {@code atMillis}. */
  public synchronized void committed(long atMillis, int transactions) {
    Slot slot = slot(atMillis);
    if (slot != null) {
      slot.blocks++;
      slot.transactions += transactions;
    }
  }

  /** A transaction submitted here was committed {@code latencyMillis} after its submission. */
  public synchronized void latency(long atMillis, long latencyMillis) {
    Slot slot = slot(atMillis);
    if (slot == null || slot.samples == SAMPLES_PER_BUCKET) {
      return;
    }
    if (slot.samples == slot.latencies.length) {
      slot.latencies = Arrays.copyOf(slot.latencies, slot.latencies.length * 2);
    }
    slot.latencies[slot.samples++] = Math.max(0, latencyMillis);
  }

  /** The whole window up to {@code nowMillis}, empty buckets included. */
  public synchronized Snapshot snapshot(long nowMillis) {
    long newest = Math.floorDiv(nowMillis, bucketSeconds * 1000L);
    List<Bucket> out = new ArrayList<>(slots.length);
    for (long index = newest - slots.length + 1; index <= newest; index++) {
      Slot slot = slots[(int) Math.floorMod(index, (long) slots.length)];
      Instant start = Instant.ofEpochMilli(index * bucketSeconds * 1000L);
      if (slot.index != index) {
        out.add(new Bucket(start, 0, 0, null, null));
        continue;
      }
      Long median = null;
      Long p95 = null;
      if (slot.samples > 0) {
        long[] sorted = Arrays.copyOf(slot.latencies, slot.samples);
        Arrays.sort(sorted);
        median = percentile(sorted, 50);
        p95 = percentile(sorted, 95);
      }
      out.add(new Bucket(start, slot.blocks, slot.transactions, median, p95));
    }
    return new Snapshot(bucketSeconds, List.copyOf(out));
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** The slot for a time, recycled if it held an older bucket; null if older than the window. */
  private Slot slot(long atMillis) {
    long index = Math.floorDiv(atMillis, bucketSeconds * 1000L);
    Slot slot = slots[(int) Math.floorMod(index, (long) slots.length)];
    if (slot.index == index) {
      return slot;
    }
    if (slot.index > index) {
      return null; // a late report for a bucket already reused
    }
    slot.reset(index);
    return slot;
  }
}
