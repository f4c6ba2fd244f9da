package org.careledger.domain.ledger.merkle;

import java.util.List;

/**
 * The claim that the leaf at {@code leafIndex} belongs to the tree of {@code treeSize} leaves, with
 * the audit path of RFC 9162 section 2.1.3.1 (sibling hashes ordered from the leaf up).
 *
 * <p>A proof is only a claim: building one checks its form (non-negative numbers, 32-byte hashes),
 * never its truth, which {@link MerkleTree#verifyInclusion} decides. Hashes are copied in and out,
 * so a proof cannot change once built; equality is by content.
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> auditPath) {

  /**
   * Copies the path after checking the proof's form.
   *
   * @throws org.careledger.domain.CareLedgerException {@code MERKLE_PROOF_MALFORMED} if a number is
   *     negative or a path element is not a SHA-256 hash
   */
  public InclusionProof {
    Hashes.requireNonNegative(leafIndex, "leaf index");
    Hashes.requireNonNegative(treeSize, "tree size");
    auditPath = Hashes.copyPath(auditPath, "audit path");
  }

  /** The audit path, as a fresh copy the caller may change. */
  @Override
  public List<byte[]> auditPath() {
    return Hashes.copyOf(auditPath);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InclusionProof that
        && leafIndex == that.leafIndex
        && treeSize == that.treeSize
        && Hashes.equal(auditPath, that.auditPath);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(leafIndex) + Long.hashCode(treeSize))
        + Hashes.hashCode(auditPath);
  }

  @Override
  public String toString() {
    return "InclusionProof[leafIndex="
        + leafIndex
        + ", treeSize="
        + treeSize
        + ", auditPath="
        + Hashes.toHex(auditPath)
        + "]";
  }
}
