package org.careledger.application;

import jakarta.ejb.Local;
import java.util.List;
import java.util.Optional;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;

/** Where the chains are kept: append-only, exactly the canonical bytes. */
@Local
public interface LedgerStore {

  /** Whether the channel exists; with {@code lock}, holds its row until the transaction ends. */
  boolean channelExists(String channelId, boolean lock);

  void createChannel(String channelId, Block genesis);

  List<String> channelIds();

  Optional<BlockHeader> head(String channelId);

  void append(String channelId, Block block);

  /**
   * Blocks {@code fromHeight} … {@code fromHeight + max - 1} as stored (fewer at the head): what a
   * peer that fell behind is sent, and what the blocks endpoint shows.
   */
  List<StoredBlock> blocks(String channelId, long fromHeight, int max);

  /** The whole chain as stored, from genesis. */
  List<StoredBlock> chain(String channelId);

  /** The canonical bytes of the channel's transactions of one type, in chain order. */
  List<byte[]> transactionsOfType(String channelId, String type);

  /** A committed transaction with the height and consensus time of its block. */
  record TimedTransaction(byte[] bytes, long height, long blockTime) {}

  /** The channel's committed transactions of any of {@code types}, in chain order. */
  List<TimedTransaction> transactionsOfTypes(String channelId, java.util.Collection<String> types);

  /** Height and index of a transaction, if it is on the chain. */
  Optional<long[]> locate(String channelId, String txId);

  /** Which of these transaction ids (lower-case hex) are on the chain: one query for a batch. */
  java.util.Set<String> committedAmong(String channelId, java.util.Collection<String> txIds);

  /**
   * The committed sharing transactions indexed under any of {@code keys} ({@link
   * org.careledger.domain.sharing.SharingRefs}), each once, in chain order.
   */
  List<org.careledger.domain.sharing.SharingRefs.Located> sharingTransactionsReferring(
      String channelId, java.util.Collection<String> keys);

  /**
   * Whether every committed sharing transaction of the channel is in that index: false only between
   * migration V8 and the last part of the node's indexing after it (see {@link
   * #indexSharingRefsPart}).
   */
  boolean sharingRefsComplete(String channelId);

  /**
   * Indexes the next part of the channel's sharing transactions committed before migration V8, in a
   * database transaction of its own: the blocks after the last part, whole, up to about {@code
   * maxTransactions} transactions (at least one block); the last part makes {@link
   * #sharingRefsComplete} true. A node of a cluster that finds the work done does nothing. Answers
   * how many sharing transactions this part indexed.
   */
  int indexSharingRefsPart(String channelId, int maxTransactions);
}
