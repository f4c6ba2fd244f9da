package org.careledger.benchmarks.mixed;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Weights of the drawn operation kinds, from {@code register=40,request=20,grant=20,retrieve=20}. A
 * kind left out weighs 0; weights are non-negative integers, at least one of them positive.
 */
public final class Mix {

  private final EnumMap<OpKind, Integer> weights = new EnumMap<>(OpKind.class);
  private final int total;

  private Mix(Map<OpKind, Integer> weights) {
    int sum = 0;
    for (OpKind kind : OpKind.DRAWN) {
      int w = weights.getOrDefault(kind, 0);
      this.weights.put(kind, w);
      sum += w;
    }
    this.total = sum;
  }

  public static Mix parse(String text) {
    Map<OpKind, Integer> weights = new EnumMap<>(OpKind.class);
    for (String part : text.split(",")) {
      String item = part.trim();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("mix item '" + item + "' is not kind=weight");
      }
      OpKind kind = OpKind.ofWire(item.substring(0, eq).trim());
      if (kind == OpKind.CONSENT) {
        throw new IllegalArgumentException("consent is not drawn from the mix");
      }
      if (weights.containsKey(kind)) {
        throw new IllegalArgumentException("mix names " + kind.wire() + " twice");
      }
      int weight;
      try {
        weight = Integer.parseInt(item.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("mix weight of " + kind.wire() + " is not an integer");
      }
      if (weight < 0 || weight > 1_000_000) {
        throw new IllegalArgumentException("mix weight of " + kind.wire() + " is 0 to 1000000");
      }
      weights.put(kind, weight);
    }
    Mix mix = new Mix(weights);
    if (mix.total == 0) {
      throw new IllegalArgumentException("mix '" + text + "' has no positive weight");
    }
    return mix;
  }

  public int weight(OpKind kind) {
    return weights.getOrDefault(kind, 0);
  }

  /** The kind for a uniform draw {@code u} in [0, 1): kinds take slices in proportion. */
  public OpKind pick(double u) {
    if (!(u >= 0 && u < 1)) {
      throw new IllegalArgumentException("u is in [0, 1)");
    }
    double point = u * total;
    double upTo = 0;
    OpKind last = null;
    for (OpKind kind : OpKind.DRAWN) {
      int w = weights.get(kind);
      if (w == 0) {
        continue;
      }
      upTo += w;
      last = kind;
      if (point < upTo) {
        return kind;
      }
    }
    return last; // rounding at the very top
  }

  @Override
  public String toString() {
    StringJoiner joined = new StringJoiner(",");
    for (OpKind kind : OpKind.DRAWN) {
      joined.add(kind.wire() + "=" + weights.get(kind));
    }
    return joined.toString();
  }
}
