package org.careledger.domain.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/** SHA-256 and the checks and copies of hash lists that proofs share. */
final class Hashes {

  static final int LENGTH = 32;

  private static final byte NODE_PREFIX = 0x01;

  private Hashes() {}

  static MessageDigest sha256() {
    try {
      // The JDK's SHA-256 uses the CPU's SHA extensions; Bouncy Castle's is several times slower.
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /** SHA-256(0x01 || left || right), the interior node hash of RFC 9162 section 2.1.1. */
  static byte[] node(MessageDigest sha256, byte[] left, byte[] right) {
    sha256.update(NODE_PREFIX);
    sha256.update(left);
    return sha256.digest(right);
  }

  static boolean isOdd(long n) {
    return (n & 1) != 0;
  }

  static void requireNonNegative(long value, String what) {
    if (value < 0) {
      // RFC 9162 sizes and indices are unsigned; a negative one cannot come from a real tree.
      throw new CareLedgerException(
          ErrorCode.MERKLE_PROOF_MALFORMED, what + " is negative: " + value);
    }
  }

  /** Checks a hash that came from outside, e.g. from a peer; null is a programming error. */
  static void requireHash(byte[] hash, String what) {
    Objects.requireNonNull(hash, what);
    if (hash.length != LENGTH) {
      throw new CareLedgerException(
          ErrorCode.MERKLE_PROOF_MALFORMED, what + " has " + hash.length + " bytes, not " + LENGTH);
    }
  }

  static List<byte[]> copyPath(List<byte[]> path, String what) {
    Objects.requireNonNull(path, what);
    List<byte[]> copy = new ArrayList<>(path.size());
    for (int i = 0; i < path.size(); i++) {
      byte[] element = path.get(i);
      requireHash(element, what + " element " + i);
      copy.add(element.clone());
    }
    return List.copyOf(copy);
  }

  static List<byte[]> copyOf(List<byte[]> hashes) {
    return hashes.stream().map(byte[]::clone).toList();
  }

  static boolean equal(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static int hashCode(List<byte[]> hashes) {
    int result = 1;
    for (byte[] hash : hashes) {
      result = 31 * result + Arrays.hashCode(hash);
    }
    return result;
  }

  static String toHex(List<byte[]> hashes) {
    return hashes.stream().map(HexFormat.of()::formatHex).toList().toString();
  }
}
