package org.careledger.domain.consensus;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * A block before it has a commit certificate: what a proposal proposes. Its digest is the header
 * hash, computed once (a header hash is a canonical JSON encoding plus SHA-256). Whether the
 * transactions match the header is checked by {@link BlockChecks}, not here, so a decoded message
 * can carry a bad block and be rejected with a precise reason.
 */
public final class ProposedBlock {

  private final BlockHeader header;
  private final List<SignedTransaction> transactions;
  private final byte[] digest;

  public ProposedBlock(BlockHeader header, List<SignedTransaction> transactions) {
    this.header = Objects.requireNonNull(header, "header");
    this.transactions = List.copyOf(transactions);
    this.digest = header.hash();
  }

  public BlockHeader header() {
    return header;
  }

  public List<SignedTransaction> transactions() {
    return transactions;
  }

  public byte[] digest() {
    return digest.clone();
  }

  boolean hasDigest(byte[] other) {
    return other != null && Arrays.equals(digest, other);
  }

  String digestHex() {
    return HexFormat.of().formatHex(digest);
  }

  public Block withCertificate(CommitCertificate certificate) {
    return new Block(header, transactions, certificate);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ProposedBlock that
        && Arrays.equals(digest, that.digest)
        && transactions.equals(that.transactions);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "ProposedBlock[#" + header.height() + " " + digestHex().substring(0, 12) + "]";
  }
}
