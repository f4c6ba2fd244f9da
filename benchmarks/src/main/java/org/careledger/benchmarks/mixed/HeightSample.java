package org.careledger.benchmarks.mixed;

import java.util.TreeSet;

/**
 * Which heights of a chain to compare across nodes: every height from 1 to {@code head} when that
 * is at most {@code spread + last}; else {@code spread} heights evenly spread over 1 … head − last,
 * and the last {@code last} heights.
 */
public final class HeightSample {

  private HeightSample() {}

  public static long[] pick(long head, int spread, int last) {
    if (spread < 2 || last < 0) {
      throw new IllegalArgumentException("spread ≥ 2 and last ≥ 0");
    }
    TreeSet<Long> heights = new TreeSet<>();
    if (head <= (long) spread + last) {
      for (long h = 1; h <= head; h++) {
        heights.add(h);
      }
    } else {
      long top = head - last; // the spread covers 1 … top
      for (int i = 0; i < spread; i++) {
        heights.add(1 + Math.round((double) i * (top - 1) / (spread - 1)));
      }
      for (long h = head - last + 1; h <= head; h++) {
        heights.add(h);
      }
    }
    return heights.stream().mapToLong(Long::longValue).toArray();
  }

  /** Whether {@link #pick} compares every height. */
  public static boolean complete(long head, int spread, int last) {
    return head <= (long) spread + last;
  }
}
