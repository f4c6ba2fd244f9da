package org.careledger.domain.ledger.merkle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.ErrorCode.MERKLE_PROOF_INVALID;
import static org.careledger.domain.ErrorCode.MERKLE_PROOF_MALFORMED;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * The proofs as values, and the errors callers and peers get for arguments that cannot be right.
 */
class MerkleProofContractTest {

  private static final List<byte[]> LEAVES =
      IntStream.range(0, 5)
          .mapToObj(i -> MerkleTree.leafHash(("entry " + i).getBytes(UTF_8)))
          .toList();

  @Test
  void proofKeepsItsOwnCopiesOfThePath() {
    List<byte[]> path = new ArrayList<>(List.of(LEAVES.get(0).clone(), LEAVES.get(1).clone()));
    InclusionProof inclusion = new InclusionProof(2, 5, path);
    ConsistencyProof consistency = new ConsistencyProof(2, 5, path);

    path.get(0)[0] ^= 1;
    path.remove(1);
    inclusion.auditPath().get(1)[0] ^= 1;
    consistency.path().get(1)[0] ^= 1;

    assertThat(inclusion.auditPath()).containsExactly(LEAVES.get(0), LEAVES.get(1));
    assertThat(consistency.path()).containsExactly(LEAVES.get(0), LEAVES.get(1));
  }

  @Test
  void proofsAreEqualByContent() {
    InclusionProof inclusion = new InclusionProof(2, 5, copies(LEAVES.subList(0, 2)));
    ConsistencyProof consistency = new ConsistencyProof(2, 5, copies(LEAVES.subList(0, 2)));

    assertThat(inclusion)
        .isEqualTo(new InclusionProof(2, 5, copies(LEAVES.subList(0, 2))))
        .hasSameHashCodeAs(new InclusionProof(2, 5, copies(LEAVES.subList(0, 2))))
        .isNotEqualTo(new InclusionProof(3, 5, LEAVES.subList(0, 2)))
        .isNotEqualTo(new InclusionProof(2, 6, LEAVES.subList(0, 2)))
        .isNotEqualTo(new InclusionProof(2, 5, LEAVES.subList(1, 3)))
        .isNotEqualTo(new InclusionProof(2, 5, LEAVES.subList(0, 1)));
    assertThat(consistency)
        .isEqualTo(new ConsistencyProof(2, 5, copies(LEAVES.subList(0, 2))))
        .hasSameHashCodeAs(new ConsistencyProof(2, 5, copies(LEAVES.subList(0, 2))))
        .isNotEqualTo(new ConsistencyProof(3, 5, LEAVES.subList(0, 2)))
        .isNotEqualTo(new ConsistencyProof(2, 6, LEAVES.subList(0, 2)))
        .isNotEqualTo(new ConsistencyProof(2, 5, LEAVES.subList(1, 3)))
        .isNotEqualTo(new ConsistencyProof(2, 5, LEAVES.subList(0, 1)));
  }

  @Test
  void proofShowsItsHashesInHex() {
    String first = HexFormat.of().formatHex(LEAVES.get(0));

    assertThat(new InclusionProof(2, 5, LEAVES.subList(0, 1)))
        .hasToString("InclusionProof[leafIndex=2, treeSize=5, auditPath=[" + first + "]]");
    assertThat(new ConsistencyProof(2, 5, LEAVES.subList(0, 1)))
        .hasToString("ConsistencyProof[oldSize=2, newSize=5, path=[" + first + "]]");
  }

  @Test
  void proofOfImpossibleFormIsRejectedWhenBuilt() {
    List<byte[]> shortHash = List.of(new byte[31]);

    assertCode(() -> new InclusionProof(-1, 5, List.of()), MERKLE_PROOF_MALFORMED);
    assertCode(() -> new InclusionProof(0, -1, List.of()), MERKLE_PROOF_MALFORMED);
    assertCode(() -> new InclusionProof(0, 5, shortHash), MERKLE_PROOF_MALFORMED);
    assertCode(() -> new ConsistencyProof(-1, 5, List.of()), MERKLE_PROOF_MALFORMED);
    assertCode(() -> new ConsistencyProof(1, -1, List.of()), MERKLE_PROOF_MALFORMED);
    assertCode(() -> new ConsistencyProof(1, 5, shortHash), MERKLE_PROOF_MALFORMED);
  }

  @Test
  void inclusionOutsideTheTreeOrWithHashesOfWrongLengthIsMalformed() {
    byte[] root = MerkleTree.root(LEAVES);
    InclusionProof proof = MerkleTree.inclusionProof(LEAVES, 4);
    byte[] leaf = LEAVES.get(4);

    assertCode(
        () -> MerkleTree.verifyInclusion(leaf, new InclusionProof(5, 5, proof.auditPath()), root),
        MERKLE_PROOF_MALFORMED);
    assertCode(
        () -> MerkleTree.verifyInclusion(leaf, new InclusionProof(0, 0, List.of()), root),
        MERKLE_PROOF_MALFORMED);
    assertCode(() -> MerkleTree.verifyInclusion(new byte[31], proof, root), MERKLE_PROOF_MALFORMED);
    assertCode(() -> MerkleTree.verifyInclusion(leaf, proof, new byte[33]), MERKLE_PROOF_MALFORMED);
  }

  @Test
  void singleLeafIsItsOwnRootWithAnEmptyPath() {
    byte[] leaf = LEAVES.get(0);
    InclusionProof proof = MerkleTree.inclusionProof(LEAVES.subList(0, 1), 0);

    assertThat(proof.auditPath()).isEmpty();
    assertThat(MerkleTree.root(LEAVES.subList(0, 1))).isEqualTo(leaf).isNotSameAs(leaf);
    assertThatCode(() -> MerkleTree.verifyInclusion(leaf, proof, leaf)).doesNotThrowAnyException();
    assertCode(() -> MerkleTree.verifyInclusion(leaf, proof, LEAVES.get(1)), MERKLE_PROOF_INVALID);
  }

  @Test
  void consistencyBetweenImpossibleSizesIsMalformed() {
    byte[] oldRoot = MerkleTree.root(LEAVES.subList(0, 3));
    byte[] newRoot = MerkleTree.root(LEAVES);
    List<byte[]> path = MerkleTree.consistencyProof(LEAVES, 3).path();

    assertCode(
        () -> MerkleTree.verifyConsistency(oldRoot, new ConsistencyProof(0, 5, path), newRoot),
        MERKLE_PROOF_MALFORMED);
    assertCode(
        () -> MerkleTree.verifyConsistency(oldRoot, new ConsistencyProof(0, 0, List.of()), oldRoot),
        MERKLE_PROOF_MALFORMED);
    assertCode(
        () -> MerkleTree.verifyConsistency(newRoot, new ConsistencyProof(5, 3, path), oldRoot),
        MERKLE_PROOF_MALFORMED);
    assertCode(
        () -> MerkleTree.verifyConsistency(oldRoot, new ConsistencyProof(3, 5, List.of()), newRoot),
        MERKLE_PROOF_MALFORMED);
    assertCode(
        () -> MerkleTree.verifyConsistency(new byte[31], new ConsistencyProof(3, 5, path), newRoot),
        MERKLE_PROOF_MALFORMED);
    assertCode(
        () -> MerkleTree.verifyConsistency(oldRoot, new ConsistencyProof(3, 5, path), new byte[0]),
        MERKLE_PROOF_MALFORMED);
  }

  @Test
  void equalSizesNeedAnEmptyPathAndEqualRoots() {
    byte[] root = MerkleTree.root(LEAVES);
    ConsistencyProof same = MerkleTree.consistencyProof(LEAVES, 5);

    assertThat(same).isEqualTo(new ConsistencyProof(5, 5, List.of()));
    assertThatCode(() -> MerkleTree.verifyConsistency(root, same, root)).doesNotThrowAnyException();
    assertCode(() -> MerkleTree.verifyConsistency(LEAVES.get(0), same, root), MERKLE_PROOF_INVALID);
    assertCode(
        () ->
            MerkleTree.verifyConsistency(
                root, new ConsistencyProof(5, 5, List.of(LEAVES.get(0))), root),
        MERKLE_PROOF_MALFORMED);
  }

  @Test
  void generatingProofsOutsideTheTreeIsAProgrammingError() {
    assertThatThrownBy(() -> MerkleTree.inclusionProof(LEAVES, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.inclusionProof(LEAVES, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.inclusionProof(List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.consistencyProof(LEAVES, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.consistencyProof(LEAVES, 6))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hashesOfWrongLengthAreAProgrammingError() {
    List<byte[]> withShortLeaf = List.of(LEAVES.get(0), new byte[31]);

    assertThatThrownBy(() -> MerkleTree.root(withShortLeaf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaf hash 1");
    assertThatThrownBy(() -> MerkleTree.inclusionProof(withShortLeaf, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.consistencyProof(withShortLeaf, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleTree.nodeHash(LEAVES.get(0), new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code))
        .hasMessageStartingWith(code.code());
  }

  private static List<byte[]> copies(List<byte[]> hashes) {
    return hashes.stream().map(byte[]::clone).toList();
  }
}
