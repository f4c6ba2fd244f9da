package org.careledger.domain.ledger.merkle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.domain.ErrorCode.MERKLE_PROOF_INVALID;
import static org.careledger.domain.ErrorCode.MERKLE_PROOF_MALFORMED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.merkle.ProofCheck.Rejection;
import org.careledger.domain.ledger.merkle.Rfc9162Reference.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tree up to 70 leaves for inclusion and 40 for consistency, checked against the literal RFC
 * 9162 recursion of {@link Rfc9162Reference}, and every proof checked to fail once changed.
 *
 * <p>Entries are distinct, so no two subtrees share a hash: a changed proof could only verify by a
 * SHA-256 collision, or because the change does not alter what the verifier hashes.
 *
 * <p>The sweeps call {@link ProofCheck}, which {@code MerkleTree.verifyInclusion} and {@code
 * verifyConsistency} turn into exceptions, so that a million rejections cost no stack traces.
 */
class MerkleTreePropertyTest {

  private static final int MAX_INCLUSION_SIZE = 70;
  private static final int MAX_CONSISTENCY_SIZE = 40;

  private static final Map<String, String> SHAPES = new ConcurrentHashMap<>();

  static IntStream treeSizes() {
    return IntStream.rangeClosed(0, MAX_INCLUSION_SIZE);
  }

  static IntStream inclusionSizes() {
    return IntStream.rangeClosed(1, MAX_INCLUSION_SIZE);
  }

  static IntStream consistencySizes() {
    return IntStream.rangeClosed(1, MAX_CONSISTENCY_SIZE);
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("treeSizes")
  void rootIsTheRfcTreeHash(int size) {
    Rfc9162Reference reference = new Rfc9162Reference(entries(size));

    assertThat(MerkleTree.root(leafHashes(size))).isEqualTo(reference.mth(reference.whole()));
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("inclusionSizes")
  void everyLeafGetsTheRfcAuditPathAndItVerifies(int size) {
    Rfc9162Reference reference = new Rfc9162Reference(entries(size));
    List<byte[]> leaves = leafHashes(size);
    byte[] root = MerkleTree.root(leaves);

    for (int index = 0; index < size; index++) {
      byte[] leaf = leaves.get(index);
      InclusionProof proof = MerkleTree.inclusionProof(leaves, index);
      List<byte[]> expected = reference.hashes(Rfc9162Reference.path(index, reference.whole()));

      assertThat(proof).isEqualTo(new InclusionProof(index, size, expected));
      assertThat(inclusion(leaf, proof, root)).as("leaf %d", index).isNull();
    }
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("inclusionSizes")
  void changingAnyByteOfLeafPathOrRootFailsInclusion(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] root = MerkleTree.root(leaves);
    List<String> accepted = new ArrayList<>();

    for (int index = 0; index < size; index++) {
      byte[] leaf = leaves.get(index);
      InclusionProof proof = MerkleTree.inclusionProof(leaves, index);
      List<byte[]> path = proof.auditPath();
      for (int b = 0; b < Hashes.LENGTH; b++) {
        int at = b;
        expect(
            accepted,
            MERKLE_PROOF_INVALID,
            () -> inclusion(flip(leaf, at), proof, root),
            "leaf %d, leaf byte %d",
            index,
            b);
        expect(
            accepted,
            MERKLE_PROOF_INVALID,
            () -> inclusion(leaf, proof, flip(root, at)),
            "leaf %d, root byte %d",
            index,
            b);
        for (int p = 0; p < path.size(); p++) {
          InclusionProof changed = new InclusionProof(index, size, flip(path, p, b));
          expect(
              accepted,
              MERKLE_PROOF_INVALID,
              () -> inclusion(leaf, changed, root),
              "leaf %d, path element %d byte %d",
              index,
              p,
              b);
        }
      }
    }
    assertThat(accepted).isEmpty();
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("inclusionSizes")
  void addingRemovingOrSwappingPathHashesFailsInclusion(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] root = MerkleTree.root(leaves);
    List<String> accepted = new ArrayList<>();

    for (int index = 0; index < size; index++) {
      byte[] leaf = leaves.get(index);
      List<byte[]> path = MerkleTree.inclusionProof(leaves, index).auditPath();
      for (List<byte[]> longer :
          List.of(with(path, path.size(), root), with(path, 0, leaf), with(path, 0, root))) {
        expectInclusion(accepted, MERKLE_PROOF_MALFORMED, leaf, index, size, longer, root);
      }
      if (!path.isEmpty()) {
        expectInclusion(
            accepted, MERKLE_PROOF_MALFORMED, leaf, index, size, without(path, 0), root);
        expectInclusion(
            accepted,
            MERKLE_PROOF_MALFORMED,
            leaf,
            index,
            size,
            without(path, path.size() - 1),
            root);
      }
      for (int p = 0; p + 1 < path.size(); p++) {
        expectInclusion(accepted, MERKLE_PROOF_INVALID, leaf, index, size, swapped(path, p), root);
      }
    }
    assertThat(accepted).isEmpty();
  }

  /**
   * Within one tree size the turns from the root identify the leaf, so a path never fits another
   * index; one at or past the size is malformed.
   */
  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("inclusionSizes")
  void claimingAnyOtherIndexFailsInclusion(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] root = MerkleTree.root(leaves);
    List<String> accepted = new ArrayList<>();

    for (int index = 0; index < size; index++) {
      byte[] leaf = leaves.get(index);
      List<byte[]> path = MerkleTree.inclusionProof(leaves, index).auditPath();
      for (int other = 0; other <= size + 1; other++) {
        if (other != index) {
          ErrorCode expected = other >= size ? MERKLE_PROOF_MALFORMED : null;
          InclusionProof claim = new InclusionProof(other, size, path);
          ErrorCode actual = inclusion(leaf, claim, root);
          if (actual == null || (expected != null && actual != expected)) {
            accepted.add("leaf " + index + " claimed as " + other + ": " + actual);
          }
        }
      }
    }
    assertThat(accepted).isEmpty();
  }

  /**
   * An audit path says how to hash, not how big the tree is, so a claimed size passes exactly when
   * the RFC tree of that size hashes the same path positions the same way ({@link
   * Rfc9162Reference#inclusionShape}); {@link #aProofDoesNotBindTheTreeSize} shows such a case.
   */
  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("inclusionSizes")
  void claimingAnotherSizeFailsInclusionUnlessItHashesAlike(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] root = MerkleTree.root(leaves);
    List<String> wrong = new ArrayList<>();

    for (int index = 0; index < size; index++) {
      byte[] leaf = leaves.get(index);
      List<byte[]> path = MerkleTree.inclusionProof(leaves, index).auditPath();
      for (int other = 0; other <= MAX_INCLUSION_SIZE + 1; other++) {
        if (other != size) {
          boolean alike =
              index < other && inclusionShape(index, other).equals(inclusionShape(index, size));
          InclusionProof claim = new InclusionProof(index, other, path);
          ErrorCode actual = inclusion(leaf, claim, root);
          if (alike != (actual == null)) {
            wrong.add("leaf " + index + " of " + size + " claimed in " + other + ": " + actual);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("consistencySizes")
  void everyOlderSizeGetsTheRfcConsistencyPathAndItVerifies(int size) {
    Rfc9162Reference reference = new Rfc9162Reference(entries(size));
    List<byte[]> leaves = leafHashes(size);
    byte[] newRoot = MerkleTree.root(leaves);

    for (int oldSize = 1; oldSize <= size; oldSize++) {
      ConsistencyProof proof = MerkleTree.consistencyProof(leaves, oldSize);
      List<byte[]> expected = reference.hashes(Rfc9162Reference.proof(oldSize, reference.whole()));
      byte[] oldRoot = reference.mth(new Range(0, oldSize));

      assertThat(proof).isEqualTo(new ConsistencyProof(oldSize, size, expected));
      assertThat(consistency(oldRoot, proof, newRoot)).as("from %d", oldSize).isNull();
    }
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("consistencySizes")
  void changingAnyByteOfPathOrRootsFailsConsistency(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] newRoot = MerkleTree.root(leaves);
    List<String> accepted = new ArrayList<>();

    for (int oldSize = 1; oldSize <= size; oldSize++) {
      byte[] oldRoot = MerkleTree.root(leaves.subList(0, oldSize));
      ConsistencyProof proof = MerkleTree.consistencyProof(leaves, oldSize);
      List<byte[]> path = proof.path();
      for (int b = 0; b < Hashes.LENGTH; b++) {
        int at = b;
        expect(
            accepted,
            MERKLE_PROOF_INVALID,
            () -> consistency(flip(oldRoot, at), proof, newRoot),
            "from %d, old root byte %d",
            oldSize,
            b);
        expect(
            accepted,
            MERKLE_PROOF_INVALID,
            () -> consistency(oldRoot, proof, flip(newRoot, at)),
            "from %d, new root byte %d",
            oldSize,
            b);
        for (int p = 0; p < path.size(); p++) {
          ConsistencyProof changed = new ConsistencyProof(oldSize, size, flip(path, p, b));
          expect(
              accepted,
              MERKLE_PROOF_INVALID,
              () -> consistency(oldRoot, changed, newRoot),
              "from %d, path element %d byte %d",
              oldSize,
              p,
              b);
        }
      }
    }
    assertThat(accepted).isEmpty();
  }

  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("consistencySizes")
  void addingRemovingOrSwappingPathHashesOrRootsFailsConsistency(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] newRoot = MerkleTree.root(leaves);
    List<String> accepted = new ArrayList<>();

    for (int oldSize = 1; oldSize <= size; oldSize++) {
      byte[] oldRoot = MerkleTree.root(leaves.subList(0, oldSize));
      List<byte[]> path = MerkleTree.consistencyProof(leaves, oldSize).path();
      for (List<byte[]> longer :
          List.of(with(path, path.size(), newRoot), with(path, 0, oldRoot))) {
        expectConsistency(
            accepted, MERKLE_PROOF_MALFORMED, oldRoot, oldSize, size, longer, newRoot);
      }
      if (!path.isEmpty()) {
        expectConsistency(
            accepted, MERKLE_PROOF_MALFORMED, oldRoot, oldSize, size, without(path, 0), newRoot);
        expectConsistency(
            accepted,
            MERKLE_PROOF_MALFORMED,
            oldRoot,
            oldSize,
            size,
            without(path, path.size() - 1),
            newRoot);
        expectConsistency(accepted, MERKLE_PROOF_INVALID, newRoot, oldSize, size, path, oldRoot);
      }
      for (int p = 0; p + 1 < path.size(); p++) {
        expectConsistency(
            accepted, MERKLE_PROOF_INVALID, oldRoot, oldSize, size, swapped(path, p), newRoot);
      }
    }
    assertThat(accepted).isEmpty();
  }

  /**
   * Like {@link #claimingAnotherSizeFailsInclusionUnlessItHashesAlike}: other sizes pass exactly
   * when the RFC proofs for them hash the same path positions and old root the same way ({@link
   * Rfc9162Reference#consistencyShape}), or, for equal sizes, when nothing is left to prove.
   */
  @ParameterizedTest(name = "{0} leaves")
  @MethodSource("consistencySizes")
  void claimingOtherSizesFailsConsistencyUnlessTheyHashAlike(int size) {
    List<byte[]> leaves = leafHashes(size);
    byte[] newRoot = MerkleTree.root(leaves);
    List<String> wrong = new ArrayList<>();

    for (int oldSize = 1; oldSize <= size; oldSize++) {
      byte[] oldRoot = MerkleTree.root(leaves.subList(0, oldSize));
      List<byte[]> path = MerkleTree.consistencyProof(leaves, oldSize).path();
      String shape = oldSize < size ? consistencyShape(oldSize, size) : null;
      for (int claimedNew = 1; claimedNew <= MAX_CONSISTENCY_SIZE; claimedNew++) {
        for (int claimedOld = 1; claimedOld <= claimedNew; claimedOld++) {
          if (claimedOld == oldSize && claimedNew == size) {
            continue;
          }
          boolean alike =
              claimedOld == claimedNew
                  ? path.isEmpty() && oldSize == size
                  : consistencyShape(claimedOld, claimedNew).equals(shape);
          ConsistencyProof claim = new ConsistencyProof(claimedOld, claimedNew, path);
          ErrorCode actual = consistency(oldRoot, claim, newRoot);
          if (alike != (actual == null)) {
            wrong.add(
                oldSize
                    + " to "
                    + size
                    + " claimed as "
                    + claimedOld
                    + " to "
                    + claimedNew
                    + ": "
                    + actual);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  /**
   * Why a root must be taken with its size from a signed tree head: RFC 9162's verifiers accept a
   * proof for any size whose tree hashes the path alike. The path of leaf 0 in 5 leaves (leaf 1,
   * leaves 2-3, leaf 4) has the shape of leaf 0's path in 6, 7 or 8 leaves, and the proof from 1 to
   * 8 leaves that of the proof from 1 to 5.
   */
  @Test
  void aProofDoesNotBindTheTreeSize() {
    List<byte[]> leaves = leafHashes(8);
    byte[] rootOf5 = MerkleTree.root(leaves.subList(0, 5));
    List<byte[]> pathIn5 = MerkleTree.inclusionProof(leaves.subList(0, 5), 0).auditPath();
    List<Integer> inclusionSizes = new ArrayList<>();
    for (int size = 1; size <= 16; size++) {
      InclusionProof claim = new InclusionProof(0, size, pathIn5);
      if (inclusion(leaves.get(0), claim, rootOf5) == null) {
        inclusionSizes.add(size);
      }
    }
    byte[] rootOf8 = MerkleTree.root(leaves);
    List<byte[]> pathTo8 = MerkleTree.consistencyProof(leaves, 1).path();
    List<Integer> consistencySizes = new ArrayList<>();
    for (int size = 2; size <= 16; size++) {
      ConsistencyProof claim = new ConsistencyProof(1, size, pathTo8);
      if (consistency(leaves.get(0), claim, rootOf8) == null) {
        consistencySizes.add(size);
      }
    }

    assertThat(inclusionSizes).containsExactly(5, 6, 7, 8);
    assertThat(consistencySizes).containsExactly(5, 6, 7, 8);
  }

  /** A block far larger than the exhaustive sizes, one leaf past a power of two. */
  @Test
  void largeTreeMatchesTheRfcAtItsEdges() {
    int size = 65_537;
    Rfc9162Reference reference = new Rfc9162Reference(entries(size));
    List<byte[]> leaves = leafHashes(size);
    byte[] root = MerkleTree.root(leaves);

    assertThat(root).isEqualTo(reference.mth(reference.whole()));
    for (int index : new int[] {0, 1, 32_768, 65_535, 65_536}) {
      InclusionProof proof = MerkleTree.inclusionProof(leaves, index);
      assertThat(proof.auditPath())
          .usingElementComparator(MerkleTreePropertyTest::compareHashes)
          .containsExactlyElementsOf(
              reference.hashes(Rfc9162Reference.path(index, reference.whole())));
      assertThat(inclusion(leaves.get(index), proof, root)).isNull();
    }
    for (int oldSize : new int[] {1, 3, 65_535, 65_536}) {
      ConsistencyProof proof = MerkleTree.consistencyProof(leaves, oldSize);
      byte[] oldRoot = reference.mth(new Range(0, oldSize));
      assertThat(proof.path())
          .usingElementComparator(MerkleTreePropertyTest::compareHashes)
          .containsExactlyElementsOf(
              reference.hashes(Rfc9162Reference.proof(oldSize, reference.whole())));
      assertThat(consistency(oldRoot, proof, root)).isNull();
    }
  }

  /** Distinct entries, so that distinct subtrees have distinct hashes. */
  private static List<byte[]> entries(int size) {
    return IntStream.range(0, size).mapToObj(i -> ("entry " + i).getBytes(UTF_8)).toList();
  }

  private static List<byte[]> leafHashes(int size) {
    return entries(size).stream().map(MerkleTree::leafHash).toList();
  }

  private static String inclusionShape(int index, int size) {
    return SHAPES.computeIfAbsent(
        "i" + index + "/" + size, key -> Rfc9162Reference.inclusionShape(index, size));
  }

  private static String consistencyShape(int oldSize, int newSize) {
    return SHAPES.computeIfAbsent(
        "c" + oldSize + "/" + newSize, key -> Rfc9162Reference.consistencyShape(oldSize, newSize));
  }

  /** The code inclusion verification fails with, or null if the proof holds. */
  private static ErrorCode inclusion(byte[] leaf, InclusionProof proof, byte[] root) {
    return ProofCheck.inclusion(leaf, proof, root).map(Rejection::code).orElse(null);
  }

  /** The code consistency verification fails with, or null if the proof holds. */
  private static ErrorCode consistency(byte[] oldRoot, ConsistencyProof proof, byte[] newRoot) {
    return ProofCheck.consistency(oldRoot, proof, newRoot).map(Rejection::code).orElse(null);
  }

  private static void expect(
      List<String> failures,
      ErrorCode code,
      Supplier<ErrorCode> verification,
      String format,
      Object... arguments) {
    ErrorCode actual = verification.get();
    if (actual != code) {
      failures.add(String.format(format, arguments) + ": " + actual + " instead of " + code);
    }
  }

  private static void expectInclusion(
      List<String> failures,
      ErrorCode code,
      byte[] leaf,
      int index,
      int size,
      List<byte[]> path,
      byte[] root) {
    expect(
        failures,
        code,
        () -> inclusion(leaf, new InclusionProof(index, size, path), root),
        "leaf %d of %d with path %s",
        index,
        size,
        hexOf(path));
  }

  private static void expectConsistency(
      List<String> failures,
      ErrorCode code,
      byte[] oldRoot,
      int oldSize,
      int newSize,
      List<byte[]> path,
      byte[] newRoot) {
    expect(
        failures,
        code,
        () -> consistency(oldRoot, new ConsistencyProof(oldSize, newSize, path), newRoot),
        "%d to %d with path %s",
        oldSize,
        newSize,
        hexOf(path));
  }

  /** A copy with one bit changed; the bit moves with the byte so that all eight are covered. */
  private static byte[] flip(byte[] hash, int at) {
    byte[] copy = hash.clone();
    copy[at] ^= (byte) (1 << (at % 8));
    return copy;
  }

  private static List<byte[]> flip(List<byte[]> path, int element, int at) {
    List<byte[]> copy = new ArrayList<>(path);
    copy.set(element, flip(path.get(element), at));
    return copy;
  }

  private static List<byte[]> with(List<byte[]> path, int position, byte[] extra) {
    List<byte[]> copy = new ArrayList<>(path);
    copy.add(position, extra);
    return copy;
  }

  private static List<byte[]> without(List<byte[]> path, int position) {
    List<byte[]> copy = new ArrayList<>(path);
    copy.remove(position);
    return copy;
  }

  private static List<byte[]> swapped(List<byte[]> path, int position) {
    List<byte[]> copy = new ArrayList<>(path);
    Collections.swap(copy, position, position + 1);
    return copy;
  }

  private static int compareHashes(byte[] a, byte[] b) {
    return Arrays.compare(a, b);
  }

  private static List<String> hexOf(List<byte[]> hashes) {
    return hashes.stream().map(HexFormat.of()::formatHex).toList();
  }
}
