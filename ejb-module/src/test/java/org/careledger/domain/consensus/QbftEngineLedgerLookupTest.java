package org.careledger.domain.consensus;

import static org.careledger.domain.consensus.EngineHarness.broadcasts;
import static org.careledger.domain.consensus.EngineHarness.commits;
import static org.careledger.domain.consensus.EngineHarness.drops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.Test;

/**
 * How often the engine asks the member's database whether transactions are committed. Under load a
 * lookup per transaction per message was the largest cost a profile of the four-node federation
 * showed (a JPA find for every pooled transaction after every commit); the engine now answers from
 * its pool and recent commits and asks once per batch for the rest. These tests fail on an engine
 * that looks transactions up one by one, or not at all.
 */
class QbftEngineLedgerLookupTest {

  private static final long T0 = ConsensusFixture.T0;
  private final EngineHarness h = new EngineHarness(4);
  private final List<SignedTransaction> txs = ConsensusFixture.POOL.subList(40, 44);

  /** A ledger view that records each question it is asked. */
  private static final class CountingLedger implements LedgerView {
    final Set<String> onChain = new HashSet<>();
    final List<Integer> batches = new ArrayList<>();
    int single;

    @Override
    public boolean containsTransaction(byte[] transactionId) {
      single++;
      return onChain.contains(HexFormat.of().formatHex(transactionId));
    }

    @Override
    public Set<String> committedAmong(Collection<byte[]> transactionIds) {
      batches.add(transactionIds.size());
      Set<String> found = new HashSet<>();
      for (byte[] id : transactionIds) {
        String hex = HexFormat.of().formatHex(id);
        if (onChain.contains(hex)) {
          found.add(hex);
        }
      }
      return found;
    }
  }

  @Test
  void aRelayedBatchIsLookedUpInOneQueryAndAPooledProposalInNone() {
    CountingLedger ledger = new CountingLedger();
    QbftEngine engine = h.engineOver(2, ledger);
    engine.onTransactions(txs.subList(0, 2), T0 + 1);
    assertEquals(List.of(2), ledger.batches, "one question for the whole relay");
    engine.onTransactions(txs.subList(0, 2), T0 + 2);
    assertEquals(List.of(2), ledger.batches, "transactions already pooled need no question");

    ProposedBlock block = h.block(1, 10, txs.get(0), txs.get(1));
    List<Output> out = engine.onMessage(h.proposal(1, 0, block), T0 + 10);
    assertEquals(1, broadcasts(out, MessageType.PREPARE).size(), "the proposal is accepted");
    assertEquals(List.of(2), ledger.batches, "a proposal of pooled transactions needs none");
    assertEquals(0, ledger.single, "never one lookup per transaction");
  }

  @Test
  void aTransactionTheLedgerHoldsIsNeitherPooledNorAcceptedInAProposal() {
    CountingLedger ledger = new CountingLedger();
    ledger.onChain.add(txs.get(2).idHex());
    QbftEngine engine = h.engineOver(2, ledger);
    List<Output> out = engine.onTransactions(List.of(txs.get(2), txs.get(3)), T0 + 1);
    assertTrue(
        drops(out).contains(ErrorCode.CONSENSUS_TRANSACTION_REJECTED),
        "the committed one is refused");

    ProposedBlock replay = h.block(1, 10, txs.get(3), txs.get(2));
    out = engine.onMessage(h.proposal(1, 0, replay), T0 + 10);
    assertTrue(broadcasts(out, MessageType.PREPARE).isEmpty(), "no PREPARE for a repeat");
    assertTrue(drops(out).contains(ErrorCode.CONSENSUS_PROPOSAL_INVALID));
    assertEquals(List.of(2, 1), ledger.batches, "only the transaction not pooled is asked about");
  }

  @Test
  void afterACommitThePoolIsNotLookedUpAgainAndACommittedTransactionIsRefusedFromMemory() {
    CountingLedger ledger = new CountingLedger();
    QbftEngine engine = h.engineOver(2, ledger);
    engine.onTransactions(List.of(txs.get(0), txs.get(1)), T0 + 1);
    ProposedBlock block = h.block(1, 10, txs.get(0));
    engine.onMessage(h.proposal(1, 0, block), T0 + 10);
    for (int member : new int[] {0, 1, 3}) {
      engine.onMessage(h.prepare(member, 0, block), T0 + 11);
    }
    List<Output> out = List.of();
    for (int member : new int[] {0, 1, 3}) {
      out = engine.onMessage(h.commit(member, 0, block), T0 + 12);
      if (!commits(out).isEmpty()) {
        break;
      }
    }
    assertEquals(1, commits(out).size(), "height 1 commits");
    int before = ledger.batches.size();

    out = engine.onTransactions(List.of(txs.get(0)), T0 + 20);
    assertTrue(drops(out).contains(ErrorCode.CONSENSUS_TRANSACTION_REJECTED));
    assertEquals(before, ledger.batches.size(), "a recent commit is known without the database");
    assertEquals(0, ledger.single);
  }
}
