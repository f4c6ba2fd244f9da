package org.careledger.domain.ledger.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * The Merkle tree of RFC 9162 section 2.1 with SHA-256: tree hashes, and the inclusion and
 * consistency proofs of sections 2.1.3 and 2.1.4.
 *
 * <p>Trees are given as the list of their leaf hashes ({@link #leafHash}), oldest first; each hash
 * is 32 bytes. Generating a tree hash or a proof takes time linear in the number of leaves and
 * memory linear in it at most; nothing recurses, so blocks of any size are safe.
 *
 * <p>Verification either returns normally or throws a {@link CareLedgerException}: {@link
 * ErrorCode#MERKLE_PROOF_MALFORMED} if the proof cannot be valid for any tree (an index not below
 * the size, a path of the wrong length, a hash not 32 bytes long), {@link
 * ErrorCode#MERKLE_PROOF_INVALID} if it is well formed but leads to another root. Throwing rather
 * than returning a boolean keeps a caller from ignoring a failed check.
 *
 * <p>A proof binds a leaf or an old tree to a root, not to a tree size: the same path can fit
 * several sizes. Take each root together with its size from one signed tree head.
 *
 * <p>All methods are thread-safe and never keep or change their arguments.
 */
public final class MerkleTree {

  private static final byte LEAF_PREFIX = 0x00;

  private MerkleTree() {}

  /** The leaf hash of RFC 9162 section 2.1.1: SHA-256(0x00 || entry). */
  public static byte[] leafHash(byte[] entry) {
    Objects.requireNonNull(entry, "entry");
    MessageDigest sha256 = Hashes.sha256();
    sha256.update(LEAF_PREFIX);
    return sha256.digest(entry);
  }

  /**
   * The interior node hash of RFC 9162 section 2.1.1: SHA-256(0x01 || left || right).
   *
   * @throws IllegalArgumentException if either child is not 32 bytes long
   */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    requireOwnHash(left, "left");
    requireOwnHash(right, "right");
    return Hashes.node(Hashes.sha256(), left, right);
  }

  /**
   * The Merkle Tree Hash MTH of RFC 9162 section 2.1.1; for no leaves, SHA-256 of the empty string.
   *
   * @throws IllegalArgumentException if a leaf hash is not 32 bytes long
   */
  public static byte[] root(List<byte[]> leafHashes) {
    byte[][] leaves = leafArray(leafHashes);
    return subtreeHash(Hashes.sha256(), leaves, 0, leaves.length).clone();
  }

  /**
   * The inclusion proof of RFC 9162 section 2.1.3.1 for the leaf at {@code leafIndex}.
   *
   * @throws IllegalArgumentException if {@code leafIndex} is not an index into {@code leafHashes}
   *     or a leaf hash is not 32 bytes long
   */
  public static InclusionProof inclusionProof(List<byte[]> leafHashes, int leafIndex) {
    byte[][] leaves = leafArray(leafHashes);
    if (leafIndex < 0 || leafIndex >= leaves.length) {
      throw new IllegalArgumentException(
          "leaf index " + leafIndex + " is outside a tree of " + leaves.length + " leaves");
    }
    MessageDigest sha256 = Hashes.sha256();
    // PATH(m, D[n]) of section 2.1.3.1, unrolled: descend from the root towards the leaf,
    // collecting the hash of the subtree not taken; the RFC lists them leaf first.
    List<byte[]> rootFirst = new ArrayList<>();
    int from = 0;
    int to = leaves.length;
    while (to - from > 1) {
      int split = from + largestPowerOfTwoBelow(to - from);
      if (leafIndex < split) {
        rootFirst.add(subtreeHash(sha256, leaves, split, to));
        to = split;
      } else {
        rootFirst.add(subtreeHash(sha256, leaves, from, split));
        from = split;
      }
    }
    Collections.reverse(rootFirst);
    return new InclusionProof(leafIndex, leaves.length, rootFirst);
  }

  /**
   * Checks an inclusion proof with the algorithm of RFC 9162 section 2.1.3.2.
   *
   * @param leafHash the hash of the leaf the proof is for
   * @param proof the leaf's index, the tree size and the audit path
   * @param root the hash of the tree of {@code proof.treeSize()} leaves, from a trusted tree head
   * @throws CareLedgerException {@code MERKLE_PROOF_MALFORMED} if the index is not below the tree
   *     size, the path length does not fit the index and size, or a hash is not 32 bytes long;
   *     {@code MERKLE_PROOF_INVALID} if the path leads from the leaf to another root
   */
  public static void verifyInclusion(byte[] leafHash, InclusionProof proof, byte[] root) {
    ProofCheck.inclusion(leafHash, proof, root).ifPresent(ProofCheck.Rejection::raise);
  }

  /**
   * The consistency proof of RFC 9162 section 2.1.4.1 that the tree of the first {@code oldSize}
   * leaves is a prefix of the tree of all of them; empty if {@code oldSize} is the whole tree.
   *
   * @throws IllegalArgumentException if {@code oldSize} is not between 1 and the number of leaves,
   *     or a leaf hash is not 32 bytes long
   */
  public static ConsistencyProof consistencyProof(List<byte[]> leafHashes, int oldSize) {
    byte[][] leaves = leafArray(leafHashes);
    if (oldSize < 1 || oldSize > leaves.length) {
      throw new IllegalArgumentException(
          "old size " + oldSize + " is not between 1 and the tree size " + leaves.length);
    }
    MessageDigest sha256 = Hashes.sha256();
    // SUBPROOF(m, D[n], b) of section 2.1.4.1, unrolled like inclusionProof: each step adds one
    // subtree hash, and the RFC lists the deepest first.
    List<byte[]> rootFirst = new ArrayList<>();
    int from = 0;
    int to = leaves.length;
    int m = oldSize;
    boolean oldTreeIsWholeSubtree = true;
    while (m != to - from) {
      int k = largestPowerOfTwoBelow(to - from);
      if (m <= k) {
        rootFirst.add(subtreeHash(sha256, leaves, from + k, to));
        to = from + k;
      } else {
        rootFirst.add(subtreeHash(sha256, leaves, from, from + k));
        from += k;
        m -= k;
        oldTreeIsWholeSubtree = false;
      }
    }
    // A verifier holds the old root, so a subtree that is the whole old tree is left out.
    if (!oldTreeIsWholeSubtree) {
      rootFirst.add(subtreeHash(sha256, leaves, from, to));
    }
    Collections.reverse(rootFirst);
    return new ConsistencyProof(oldSize, leaves.length, rootFirst);
  }

  /**
   * Checks a consistency proof with the algorithm of RFC 9162 section 2.1.4.2.
   *
   * <p>Section 2.1.4.2 covers {@code 0 < oldSize < newSize}. For equal sizes, as in the Go
   * verifiers of transparency-dev/merkle, the proof must be empty and the two roots equal.
   *
   * @param oldRoot the hash of the tree of {@code proof.oldSize()} leaves, from a trusted tree head
   * @param proof the two sizes and the consistency path
   * @param newRoot the hash of the tree of {@code proof.newSize()} leaves, from a trusted tree head
   * @throws CareLedgerException {@code MERKLE_PROOF_MALFORMED} if the old size is 0 or above the
   *     new size, the path length does not fit the sizes, or a hash is not 32 bytes long; {@code
   *     MERKLE_PROOF_INVALID} if the path does not lead to both roots
   */
  public static void verifyConsistency(byte[] oldRoot, ConsistencyProof proof, byte[] newRoot) {
    ProofCheck.consistency(oldRoot, proof, newRoot).ifPresent(ProofCheck.Rejection::raise);
  }

  /**
   * MTH(D[from:to]), level by level: pairing neighbours and lifting an unpaired last node unchanged
   * builds exactly the left-full tree of section 2.1.1, because the left subtree's size is a power
   * of two and so never leaves a node unpaired before it is complete.
   */
  private static byte[] subtreeHash(MessageDigest sha256, byte[][] leaves, int from, int to) {
    int width = to - from;
    if (width == 0) {
      return sha256.digest();
    }
    byte[][] level = new byte[(width + 1) / 2][];
    int next = 0;
    for (int i = from; i + 1 < to; i += 2) {
      level[next++] = Hashes.node(sha256, leaves[i], leaves[i + 1]);
    }
    if (Hashes.isOdd(width)) {
      level[next++] = leaves[to - 1];
    }
    width = next;
    while (width > 1) {
      next = 0;
      for (int i = 0; i + 1 < width; i += 2) {
        level[next++] = Hashes.node(sha256, level[i], level[i + 1]);
      }
      if (Hashes.isOdd(width)) {
        level[next++] = level[width - 1];
      }
      width = next;
    }
    return level[0];
  }

  /** The k of section 2.1.1: the largest power of two smaller than {@code n}, for n above 1. */
  private static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static byte[][] leafArray(List<byte[]> leafHashes) {
    Objects.requireNonNull(leafHashes, "leafHashes");
    byte[][] leaves = leafHashes.toArray(new byte[0][]);
    for (int i = 0; i < leaves.length; i++) {
      requireOwnHash(leaves[i], "leaf hash " + i);
    }
    return leaves;
  }

  /** Checks a hash this node computed itself; a wrong one is a programming error. */
  private static void requireOwnHash(byte[] hash, String what) {
    Objects.requireNonNull(hash, what);
    if (hash.length != Hashes.LENGTH) {
      throw new IllegalArgumentException(
          what + " has " + hash.length + " bytes, not " + Hashes.LENGTH);
    }
  }
}
