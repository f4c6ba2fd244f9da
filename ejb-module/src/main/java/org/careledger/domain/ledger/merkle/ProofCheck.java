package org.careledger.domain.ledger.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * The verification algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2. They report why a proof
 * fails rather than throw, so that {@link MerkleTree} decides how to fail and tests can sweep
 * millions of wrong proofs without building an exception for each.
 */
final class ProofCheck {

  /** Why a proof fails. */
  record Rejection(ErrorCode code, String reason) {

    void raise() {
      throw new CareLedgerException(code, reason);
    }
  }

  private ProofCheck() {}

  /** Section 2.1.3.2; empty if the proof holds. Null arguments are programming errors. */
  static Optional<Rejection> inclusion(byte[] leafHash, InclusionProof proof, byte[] root) {
    Objects.requireNonNull(proof, "proof");
    Optional<Rejection> badHash =
        hashLength(leafHash, "leaf hash").or(() -> hashLength(root, "root"));
    if (badHash.isPresent()) {
      return badHash;
    }
    if (proof.leafIndex() >= proof.treeSize()) {
      return malformed("leaf index is not below the tree size", claim(proof));
    }
    long fn = proof.leafIndex();
    long sn = proof.treeSize() - 1;
    MessageDigest sha256 = Hashes.sha256();
    byte[] r = leafHash;
    for (byte[] p : proof.auditPath()) {
      if (sn == 0) {
        return malformed("audit path is too long", claim(proof));
      }
      if (Hashes.isOdd(fn) || fn == sn) {
        r = Hashes.node(sha256, p, r);
        // Climb past the levels where this subtree is the last node and has no sibling.
        while (!Hashes.isOdd(fn) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = Hashes.node(sha256, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      return malformed("audit path is too short", claim(proof));
    }
    if (!MessageDigest.isEqual(r, root)) {
      return invalid("audit path leads from the leaf to another root", claim(proof));
    }
    return Optional.empty();
  }

  /**
   * Section 2.1.4.2, which covers {@code 0 < oldSize < newSize}, extended to equal sizes as {@link
   * MerkleTree#verifyConsistency} states; empty if the proof holds.
   */
  static Optional<Rejection> consistency(byte[] oldRoot, ConsistencyProof proof, byte[] newRoot) {
    Objects.requireNonNull(proof, "proof");
    Optional<Rejection> badHash =
        hashLength(oldRoot, "old root").or(() -> hashLength(newRoot, "new root"));
    if (badHash.isPresent()) {
      return badHash;
    }
    long first = proof.oldSize();
    long second = proof.newSize();
    List<byte[]> path = proof.path();
    if (first == 0 || first > second) {
      return malformed("old size is not between 1 and the new size", claim(proof));
    }
    if (first == second) {
      if (!path.isEmpty()) {
        return malformed("consistency path between equal sizes is not empty", claim(proof));
      }
      return MessageDigest.isEqual(oldRoot, newRoot)
          ? Optional.empty()
          : invalid("equal sizes have different roots", claim(proof));
    }
    if (path.isEmpty()) {
      return malformed("consistency path is empty", claim(proof));
    }
    if (Long.bitCount(first) == 1) {
      path = new ArrayList<>(path);
      path.add(0, oldRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while (Hashes.isOdd(fn)) {
      fn >>= 1;
      sn >>= 1;
    }
    MessageDigest sha256 = Hashes.sha256();
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return malformed("consistency path is too long", claim(proof));
      }
      if (Hashes.isOdd(fn) || fn == sn) {
        fr = Hashes.node(sha256, c, fr);
        sr = Hashes.node(sha256, c, sr);
        while (!Hashes.isOdd(fn) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = Hashes.node(sha256, sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      return malformed("consistency path is too short", claim(proof));
    }
    if (!MessageDigest.isEqual(fr, oldRoot) || !MessageDigest.isEqual(sr, newRoot)) {
      return invalid("consistency path does not lead to both roots", claim(proof));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> hashLength(byte[] hash, String what) {
    Objects.requireNonNull(hash, what);
    return hash.length == Hashes.LENGTH
        ? Optional.empty()
        : Optional.of(
            new Rejection(
                ErrorCode.MERKLE_PROOF_MALFORMED,
                what + " has " + hash.length + " bytes, not " + Hashes.LENGTH));
  }

  private static Optional<Rejection> malformed(String reason, String claim) {
    return Optional.of(new Rejection(ErrorCode.MERKLE_PROOF_MALFORMED, reason + " for " + claim));
  }

  private static Optional<Rejection> invalid(String reason, String claim) {
    return Optional.of(new Rejection(ErrorCode.MERKLE_PROOF_INVALID, reason + " for " + claim));
  }

  private static String claim(InclusionProof proof) {
    return "leaf " + proof.leafIndex() + " of a tree of " + proof.treeSize() + " leaves";
  }

  private static String claim(ConsistencyProof proof) {
    return "tree sizes " + proof.oldSize() + " and " + proof.newSize();
  }
}
