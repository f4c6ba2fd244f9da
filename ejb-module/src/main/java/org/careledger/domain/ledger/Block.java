package org.careledger.domain.ledger;

import java.util.List;
import java.util.Objects;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.merkle.MerkleTree;

/** A committed block: header, transactions in order, and the commit certificate over the header. */
public record Block(
    BlockHeader header, List<SignedTransaction> transactions, CommitCertificate certificate) {

  public Block {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(certificate, "certificate");
    transactions = List.copyOf(transactions);
  }

  /** The block as the ledger stores it: exactly these bytes are verified later. */
  public ChainVerifier.StoredBlock stored() {
    return new ChainVerifier.StoredBlock(
        header.encoded(),
        transactions.stream().map(SignedTransaction::encoded).toList(),
        certificate.encoded());
  }

  /**
   * The header a proposer builds for {@code transactions} on top of {@code previous} (or genesis).
   */
  public static BlockHeader header(
      ChannelId channel,
      BlockHeader previous,
      List<SignedTransaction> transactions,
      long time,
      InstitutionId proposer) {
    return new BlockHeader(
        channel,
        previous == null ? 0 : previous.height() + 1,
        previous == null ? BlockHeader.NO_PREVIOUS : previous.hash(),
        MerkleTree.root(transactions.stream().map(SignedTransaction::leafHash).toList()),
        transactions.size(),
        time,
        proposer);
  }
}
