package org.careledger.application.internal;

import java.util.ArrayList;
import java.util.List;
import org.careledger.application.LedgerStore;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.ChannelConfig;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * A channel's configuration in force after its committed head, read from the store: the genesis
 * configuration with every committed config update and approval folded in, block by block ({@link
 * ChannelConfig#next}). Reads the genesis and those transactions only, not the chain.
 */
final class ChannelConfigs {

  private ChannelConfigs() {}

  static ChannelConfig inForce(LedgerStore store, String channelId) {
    List<org.careledger.domain.ledger.ChainVerifier.StoredBlock> genesis =
        store.blocks(channelId, 0, 1);
    if (genesis.isEmpty()) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
    return inForce(
        store, channelId, SignedTransaction.decode(genesis.get(0).transactions().get(0)));
  }

  static ChannelConfig inForce(LedgerStore store, String channelId, SignedTransaction genesis) {
    ChannelConfig config = ChannelConfig.genesis(genesis);
    List<SignedTransaction> block = new ArrayList<>();
    long height = -1;
    for (LedgerStore.TimedTransaction tx :
        store.transactionsOfTypes(
            channelId,
            List.of(
                TransactionType.CONFIG_UPDATE.wireName(),
                TransactionType.CONFIG_APPROVAL.wireName()))) {
      if (tx.height() != height && !block.isEmpty()) {
        config = config.next(height, block);
        block.clear();
      }
      height = tx.height();
      block.add(SignedTransaction.decode(tx.bytes()));
    }
    return block.isEmpty() ? config : config.next(height, block);
  }
}
