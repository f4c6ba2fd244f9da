package org.careledger.domain.consensus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.merkle.MerkleTree;

/**
 * The checks every member makes on a block before it prepares it or adopts it by synchronisation:
 * the same ones {@link org.careledger.domain.ledger.ChainVerifier} makes later (channel, height,
 * link, time not going backwards, transaction count and Merkle root, transaction channel and
 * signatures, no transaction twice), and for a committed block its certificate: a quorum of
 * distinct members' valid seals under the signature scheme in use. Stateless.
 */
public final class BlockChecks {

  private BlockChecks() {}

  /**
   * Throws {@code code} if {@code block} cannot follow {@code parent} (whose hash the caller
   * passes, as it usually has it); {@code committed} says which transaction ids are already on the
   * chain.
   */
  public static void structure(
      ProposedBlock block,
      BlockHeader parent,
      byte[] parentHash,
      Membership membership,
      TransactionVerifier transactions,
      Predicate<byte[]> committed,
      ErrorCode code) {
    BlockHeader header = block.header();
    if (!header.channel().equals(parent.channel())) {
      throw new CareLedgerException(code, "block is for channel " + header.channel());
    }
    if (header.height() != parent.height() + 1) {
      throw new CareLedgerException(
          code, "block height " + header.height() + " does not follow " + parent.height());
    }
    if (!Arrays.equals(header.previousHash(), parentHash)) {
      throw new CareLedgerException(code, "block does not link to block " + parent.height());
    }
    if (header.time() < parent.time()) {
      throw new CareLedgerException(code, "block time goes backwards");
    }
    if (membership.byInstitution(header.proposer()).isEmpty()) {
      throw new CareLedgerException(code, "block proposer " + header.proposer() + " is no member");
    }
    List<SignedTransaction> txs = block.transactions();
    if (header.txCount() != txs.size()) {
      throw new CareLedgerException(
          code, "header counts " + header.txCount() + " transactions, block holds " + txs.size());
    }
    if (!Arrays.equals(
        MerkleTree.root(txs.stream().map(SignedTransaction::leafHash).toList()), header.txRoot())) {
      throw new CareLedgerException(code, "transaction Merkle root does not match the header");
    }
    Set<String> ids = new HashSet<>();
    for (SignedTransaction tx : txs) {
      if (!tx.transaction().channel().equals(header.channel())) {
        throw new CareLedgerException(
            code, "transaction " + tx.idHex() + " is for another channel");
      }
      if (!ids.add(tx.idHex()) || committed.test(tx.id())) {
        throw new CareLedgerException(code, "transaction " + tx.idHex() + " is already included");
      }
      try {
        transactions.verify(tx, membership);
      } catch (CareLedgerException e) {
        throw new CareLedgerException(code, e.getMessage(), e);
      }
    }
  }

  /** What {@link CommitCertificate#signedMessage} gives for the header with this hash. */
  static byte[] sealMessage(byte[] digest) {
    byte[] prefix = CommitCertificate.DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[prefix.length + digest.length];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(digest, 0, message, prefix.length, digest.length);
    return message;
  }

  /** Whether {@code seal} is a valid seal of its member over the block with hash {@code digest}. */
  static boolean sealValid(
      CommitCertificate.Signature seal,
      byte[] digest,
      Membership membership,
      SignatureVerifier verifier) {
    Member member = membership.byInstitution(seal.member()).orElse(null);
    return member != null
        && member.signingFingerprint().equals(seal.key())
        && verifier.verify(member, sealMessage(digest), seal.signature());
  }

  /**
   * Why {@code certificate} does not commit the header under {@code membership}, or null if it
   * does: the rule of {@code ChainVerifier}, with the signature scheme as a parameter.
   */
  public static String certificateProblem(
      BlockHeader header,
      CommitCertificate certificate,
      Membership membership,
      SignatureVerifier verifier) {
    byte[] digest = header.hash();
    Set<String> signers = new HashSet<>();
    for (CommitCertificate.Signature seal : certificate.signatures()) {
      if (!sealValid(seal, digest, membership, verifier)) {
        return "seal by " + seal.member() + " is not a member's valid seal over this block";
      }
      if (!signers.add(seal.member().value())) {
        return "two seals by " + seal.member();
      }
    }
    if (signers.size() < membership.quorum()) {
      return signers.size() + " valid seals; the channel needs " + membership.quorum();
    }
    return null;
  }
}
