package org.careledger.domain.ledger.merkle;

import java.util.List;

/**
 * The claim that the tree of {@code oldSize} leaves is a prefix of the tree of {@code newSize}
 * leaves, with the consistency path of RFC 9162 section 2.1.4.1.
 *
 * <p>A proof is only a claim: building one checks its form (non-negative sizes, 32-byte hashes),
 * never its truth, which {@link MerkleTree#verifyConsistency} decides. Hashes are copied in and
 * out, so a proof cannot change once built; equality is by content.
 */
public record ConsistencyProof(long oldSize, long newSize, List<byte[]> path) {

  /**
   * Copies the path after checking the proof's form.
   *
   * @throws org.careledger.domain.CareLedgerException {@code MERKLE_PROOF_MALFORMED} if a size is
   *     negative or a path element is not a SHA-256 hash
   */
  public ConsistencyProof {
    Hashes.requireNonNegative(oldSize, "old tree size");
    Hashes.requireNonNegative(newSize, "new tree size");
    path = Hashes.copyPath(path, "consistency path");
  }

  /** The consistency path, as a fresh copy the caller may change. */
  @Override
  public List<byte[]> path() {
    return Hashes.copyOf(path);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConsistencyProof that
        && oldSize == that.oldSize
        && newSize == that.newSize
        && Hashes.equal(path, that.path);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(oldSize) + Long.hashCode(newSize)) + Hashes.hashCode(path);
  }

  @Override
  public String toString() {
    return "ConsistencyProof[oldSize="
        + oldSize
        + ", newSize="
        + newSize
        + ", path="
        + Hashes.toHex(path)
        + "]";
  }
}
