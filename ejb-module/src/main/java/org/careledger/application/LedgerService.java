package org.careledger.application;

import jakarta.ejb.Local;
import java.util.List;
import java.util.Map;
import org.careledger.domain.ledger.ChainVerifier;

/**
 * The node's ledgers. Until consensus exists, channels created here have this node as their only
 * member, and each submitted transaction is committed at once in a block signed by it.
 */
@Local
public interface LedgerService {

  /** A channel this node holds, with its head. */
  record ChannelSummary(
      String channelId, String genesisHash, long height, String headHash, int members) {}

  /** Where a committed transaction sits. */
  record Committed(String channelId, String txId, long height, int index, String blockHash) {}

  ChannelSummary createChannel(String channelId);

  List<ChannelSummary> channels();

  /** Signs {@code body} as a transaction of {@code type} by this node and commits it. */
  Committed submit(String channelId, String type, Map<String, Object> body);

  /** The proof bundle for a transaction, up to block {@code head} (the current head if null). */
  byte[] proofBundle(String channelId, String txId, Long head);

  /** Re-checks the whole chain from genesis. */
  ChainVerifier.Report verify(String channelId);
}
