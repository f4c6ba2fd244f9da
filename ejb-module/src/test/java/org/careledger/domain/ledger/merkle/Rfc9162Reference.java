package org.careledger.domain.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9162 section 2.1 transcribed literally, recursion and all, over ranges of entries: an oracle
 * that shares no code with {@link MerkleTree}. Its recursion is as deep as the tree is high, which
 * is harmless for test sizes.
 */
final class Rfc9162Reference {

  /** The entries D[from:to], i.e. one subtree when it is a node of the tree. */
  record Range(int from, int to) {
    int size() {
      return to - from;
    }

    Range left() {
      return new Range(from, from + split(size()));
    }

    Range right() {
      return new Range(from + split(size()), to);
    }
  }

  private final List<byte[]> entries;

  Rfc9162Reference(List<byte[]> entries) {
    this.entries = List.copyOf(entries);
  }

  Range whole() {
    return new Range(0, entries.size());
  }

  /** MTH(D[from:to]) of section 2.1.1. */
  byte[] mth(Range d) {
    if (d.size() == 0) {
      return sha256();
    }
    if (d.size() == 1) {
      return sha256(new byte[] {0}, entries.get(d.from()));
    }
    return sha256(new byte[] {1}, mth(d.left()), mth(d.right()));
  }

  /** PATH(m, D[n]) of section 2.1.3.1, as the subtrees whose hashes form it. */
  static List<Range> path(int m, Range d) {
    if (d.size() <= 1) {
      return new ArrayList<>();
    }
    int k = split(d.size());
    List<Range> result;
    if (m < k) {
      result = path(m, d.left());
      result.add(d.right());
    } else {
      result = path(m - k, d.right());
      result.add(d.left());
    }
    return result;
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of section 2.1.4.1, as subtrees. */
  static List<Range> proof(int m, Range d) {
    return subproof(m, d, true);
  }

  private static List<Range> subproof(int m, Range d, boolean b) {
    if (m == d.size()) {
      List<Range> result = new ArrayList<>();
      if (!b) {
        result.add(d);
      }
      return result;
    }
    int k = split(d.size());
    List<Range> result;
    if (m <= k) {
      result = subproof(m, d.left(), b);
      result.add(d.right());
    } else {
      result = subproof(m - k, d.right(), false);
      result.add(d.left());
    }
    return result;
  }

  List<byte[]> hashes(List<Range> subtrees) {
    return subtrees.stream().map(this::mth).toList();
  }

  /**
   * How the inclusion verifier combines its inputs for leaf {@code m} of a tree of {@code n}: the
   * root written over the leaf ("L") and the path positions. Two claims whose shapes are equal hash
   * the same values the same way, so one proof serves both.
   */
  static String inclusionShape(int m, int n) {
    Map<Range, String> symbols = new HashMap<>();
    symbols.put(new Range(m, m + 1), "L");
    List<Range> path = path(m, new Range(0, n));
    for (int i = 0; i < path.size(); i++) {
      symbols.put(path.get(i), "p" + i);
    }
    return expression(new Range(0, n), symbols);
  }

  /**
   * Like {@link #inclusionShape}, for the consistency verifier with sizes {@code m < n}: both roots
   * written over the path positions and, when the old tree is one subtree that the path leaves out,
   * the old root ("OLD").
   */
  static String consistencyShape(int m, int n) {
    Map<Range, String> symbols = new HashMap<>();
    Range old = new Range(0, m);
    if (Integer.bitCount(m) == 1) {
      symbols.put(old, "OLD");
    }
    List<Range> proof = proof(m, new Range(0, n));
    for (int i = 0; i < proof.size(); i++) {
      symbols.put(proof.get(i), "p" + i);
    }
    return expression(old, symbols) + " -> " + expression(new Range(0, n), symbols);
  }

  private static String expression(Range d, Map<Range, String> symbols) {
    String symbol = symbols.get(d);
    if (symbol != null) {
      return symbol;
    }
    if (d.size() <= 1) {
      throw new IllegalStateException(d + " cannot be derived from " + symbols);
    }
    return "(" + expression(d.left(), symbols) + "," + expression(d.right(), symbols) + ")";
  }

  /** The k of section 2.1.1: the largest power of two smaller than n, for n above 1. */
  private static int split(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
