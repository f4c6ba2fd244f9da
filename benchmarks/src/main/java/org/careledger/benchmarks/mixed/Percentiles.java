package org.careledger.benchmarks.mixed;

import java.util.Arrays;

/**
 * A growable list of longs (latencies in milliseconds) with nearest-rank percentiles: the p-th
 * percentile of n sorted values is the value at rank ⌈p/100 · n⌉, so it is always a measured value
 * (the median of an even count is the lower middle one).
 */
public final class Percentiles {

  private long[] values = new long[64];
  private int size;
  private boolean sorted = true;

  public void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    if (size > 0 && value < values[size - 1]) {
      sorted = false;
    }
    values[size++] = value;
  }

  public int size() {
    return size;
  }

  /** The p-th percentile (0 &lt; p ≤ 100); -1 for no values. */
  public long percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("p is in (0, 100]");
    }
    if (size == 0) {
      return -1;
    }
    sort();
    int rank = (int) Math.ceil(p / 100.0 * size);
    return values[Math.max(1, Math.min(rank, size)) - 1];
  }

  public long median() {
    return percentile(50);
  }

  public long max() {
    if (size == 0) {
      return -1;
    }
    sort();
    return values[size - 1];
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }
}
