package org.careledger.domain.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.ledger.merkle.MerkleTree;

/**
 * Re-checks a channel's chain from genesis: every link, tree head, transaction signature and commit
 * certificate. It reports the first thing that fails, naming the block, the transaction (if any)
 * and the check, so an auditor can go straight to it. Stateless and thread-safe.
 *
 * <p>The membership comes from the genesis block's channel-config transaction. A genesis is either
 * signed (its channel-config signed by a member, its certificate a quorum of the members it lists)
 * or a {@link FederatedGenesis} derived from a federation descriptor (channel-config unsigned,
 * certificate empty), which is trusted through block 1's certificate linking to its hash; an
 * unsigned transaction anywhere else fails {@link Check#TRANSACTION_SIGNATURE}.
 *
 * <p>Channel governance: the configuration in force at each height is folded from the chain by
 * {@link ChannelConfig#next} (members added, removed, renewed, revoked by config updates once their
 * approvals are committed), and every block's transaction signatures and certificate are checked
 * under the membership in force at its height, seen at its time ({@link Membership#atTime}: an
 * expired certificate signs nothing in a block after its notAfter).
 */
public final class ChainVerifier {

  /** The checks, in the order they are made for each block. */
  public enum Check {
    HEIGHT,
    CHANNEL,
    PREVIOUS_HASH,
    TIME,
    TRANSACTION_COUNT,
    TRANSACTION_ROOT,
    TRANSACTION_DECODING,
    TRANSACTION_SIGNATURE,
    DUPLICATE_TRANSACTION,
    GENESIS_CONFIG,
    CERTIFICATE,
    /** A registered document's stored ciphertext no longer matches the hash on the chain. */
    STORED_DOCUMENT
  }

  /** The outcome: either every block verified, or the first failure. */
  public record Report(long blocksVerified, long transactionsVerified, Failure failure) {

    public boolean ok() {
      return failure == null;
    }
  }

  /**
   * Where verification failed: block height, transaction index (-1 for the block itself), check.
   */
  public record Failure(
      long height, int transactionIndex, Check check, ErrorCode code, String detail) {}

  /** A stored block as bytes, exactly as the ledger keeps it, so tampering with any byte shows. */
  public record StoredBlock(byte[] header, List<byte[]> transactions, byte[] certificate) {}

  public Report verify(List<StoredBlock> chain) {
    return verify(chain, done -> {});
  }

  /**
   * As {@link #verify(List)}, telling {@code progress} the number of blocks checked so far after
   * each block (for the console's progress bar); the listener must be quick and must not throw.
   */
  public Report verify(List<StoredBlock> chain, java.util.function.LongConsumer progress) {
    ChannelConfig config = null;
    Membership membership = null;
    boolean federatedGenesis = false;
    BlockHeader previous = null;
    Set<String> seenIds = new HashSet<>();
    long transactions = 0;
    for (int h = 0; h < chain.size(); h++) {
      StoredBlock stored = chain.get(h);
      BlockHeader header;
      CommitCertificate certificate;
      try {
        header = BlockHeader.decode(stored.header());
        certificate = CommitCertificate.decode(stored.certificate());
      } catch (CareLedgerException e) {
        return failed(h, -1, Check.TRANSACTION_DECODING, e, h, transactions);
      }
      if (header.height() != h) {
        return failed(
            h, -1, Check.HEIGHT, "height " + header.height() + ", expected " + h, h, transactions);
      }
      if (previous != null && !previous.channel().equals(header.channel())) {
        return failed(
            h, -1, Check.CHANNEL, "block belongs to channel " + header.channel(), h, transactions);
      }
      byte[] expectedPrevious = previous == null ? BlockHeader.NO_PREVIOUS : previous.hash();
      if (!Arrays.equals(header.previousHash(), expectedPrevious)) {
        return failed(
            h, -1, Check.PREVIOUS_HASH, "does not link to block " + (h - 1), h, transactions);
      }
      if (previous != null && header.time() < previous.time()) {
        return failed(h, -1, Check.TIME, "time goes backwards", h, transactions);
      }
      if (header.txCount() != stored.transactions().size()) {
        return failed(
            h,
            -1,
            Check.TRANSACTION_COUNT,
            "header counts " + header.txCount() + ", block holds " + stored.transactions().size(),
            h,
            transactions);
      }
      if (config != null) {
        membership = signers(config, header);
      }
      List<SignedTransaction> decoded = new ArrayList<>(stored.transactions().size());
      byte[][] leaves = new byte[stored.transactions().size()][];
      for (int i = 0; i < leaves.length; i++) {
        leaves[i] = MerkleTree.leafHash(stored.transactions().get(i));
      }
      if (!Arrays.equals(MerkleTree.root(Arrays.asList(leaves)), header.txRoot())) {
        return failed(
            h, -1, Check.TRANSACTION_ROOT, "Merkle tree head does not match", h, transactions);
      }
      for (int i = 0; i < leaves.length; i++) {
        SignedTransaction tx;
        try {
          tx = SignedTransaction.decode(stored.transactions().get(i));
        } catch (CareLedgerException e) {
          return failed(h, i, Check.TRANSACTION_DECODING, e, h, transactions);
        }
        if (!tx.transaction().channel().equals(header.channel())) {
          return failed(
              h,
              i,
              Check.CHANNEL,
              "transaction is for channel " + tx.transaction().channel(),
              h,
              transactions);
        }
        if (h == 0 && i == 0) {
          if (tx.transaction().type() != TransactionType.CHANNEL_CONFIG) {
            return failed(
                0,
                0,
                Check.GENESIS_CONFIG,
                "genesis must start with channel-config",
                h,
                transactions);
          }
          try {
            config = ChannelConfig.genesis(tx);
          } catch (CareLedgerException e) {
            return failed(0, 0, Check.GENESIS_CONFIG, e, h, transactions);
          }
          membership = signers(config, header);
          if (!tx.isSigned()) {
            String problem =
                FederatedGenesis.problem(
                    header, tx, stored.transactions().size(), certificate, membership);
            if (problem != null) {
              return failed(0, 0, Check.GENESIS_CONFIG, problem, h, transactions);
            }
            federatedGenesis = true;
          }
        }
        if (membership == null) {
          return failed(
              h,
              i,
              Check.GENESIS_CONFIG,
              "no channel-config before this transaction",
              h,
              transactions);
        }
        try {
          if (!(federatedGenesis && h == 0 && i == 0)) {
            tx.verify(membership);
          }
        } catch (CareLedgerException e) {
          return failed(h, i, Check.TRANSACTION_SIGNATURE, e, h, transactions);
        }
        if (!seenIds.add(tx.idHex())) {
          return failed(
              h,
              i,
              Check.DUPLICATE_TRANSACTION,
              "transaction " + tx.idHex() + " appears twice",
              h,
              transactions);
        }
        decoded.add(tx);
        transactions++;
      }
      if (membership == null) {
        return failed(
            h, -1, Check.GENESIS_CONFIG, "genesis block holds no channel-config", h, transactions);
      }
      // A federated genesis was checked above to carry an empty certificate; block 1's links to it.
      String problem =
          federatedGenesis && h == 0 ? null : certificateProblem(header, certificate, membership);
      if (problem != null) {
        return new Report(
            h,
            transactions,
            new Failure(h, -1, Check.CERTIFICATE, ErrorCode.CHAIN_INVALID, problem));
      }
      config = config.next(h, decoded);
      previous = header;
      progress.accept(h + 1L);
    }
    return new Report(chain.size(), transactions, null);
  }

  /**
   * Who signs in the block of {@code header}: the members of {@code config}, the configuration in
   * force at its height (folded from the chain by {@link ChannelConfig#next}), as seen at the
   * block's time, so that a revoked or expired certificate signs nothing in it. Its transactions'
   * signatures and its commit certificate are checked under this membership, here and in {@link
   * ProofBundle}.
   */
  static Membership signers(ChannelConfig config, BlockHeader header) {
    return config.membership().atTime(header.time());
  }

  /**
   * Why a certificate does not commit {@code header} under {@code membership}, or null if it does.
   */
  static String certificateProblem(
      BlockHeader header, CommitCertificate certificate, Membership membership) {
    byte[] message = CommitCertificate.signedMessage(header);
    Set<String> signers = new HashSet<>();
    for (CommitCertificate.Signature s : certificate.signatures()) {
      Member member = membership.byInstitution(s.member()).orElse(null);
      if (member == null) {
        return membership.isMember(s.member())
            ? "signature by " + s.member() + ", whose certificate is revoked or expired here"
            : "signature by non-member " + s.member();
      }
      if (!member.signingFingerprint().equals(s.key())) {
        return "signature by " + s.member() + " names a key that is not its signing key";
      }
      if (!Ed25519.verify(member.publicKey(), message, s.signature())) {
        return "signature by " + s.member() + " does not verify";
      }
      if (!signers.add(s.member().value())) {
        return "two signatures by " + s.member();
      }
    }
    if (signers.size() < membership.quorum()) {
      return signers.size()
          + " valid signatures; "
          + membership.mode()
          + " with "
          + membership.size()
          + " members needs "
          + membership.quorum();
    }
    return null;
  }

  private static Report failed(
      long height, int tx, Check check, CareLedgerException e, long blocks, long txs) {
    return new Report(blocks, txs, new Failure(height, tx, check, e.errorCode(), e.getMessage()));
  }

  private static Report failed(
      long height, int tx, Check check, String detail, long blocks, long txs) {
    return new Report(blocks, txs, new Failure(height, tx, check, ErrorCode.CHAIN_INVALID, detail));
  }
}
