package org.careledger.domain.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.domain.consensus.EngineHarness.broadcasts;
import static org.careledger.domain.consensus.EngineHarness.drops;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.Test;

/**
 * A channel's own rules (sharing policies) in the engine: a transaction they refuse never enters
 * the pool, is never proposed, and a proposal holding one is not prepared by an honest member, so
 * it cannot commit; the channel keeps committing everything else. (b proposes round 0 of height 1.)
 */
class QbftEngineChannelRulesTest {

  private static final long T0 = ConsensusFixture.T0;
  private final EngineHarness h = new EngineHarness(4);
  private final SignedTransaction tx0 = ConsensusFixture.POOL.get(0);
  private final SignedTransaction tx1 = ConsensusFixture.POOL.get(1);

  /** Refuses the transactions in {@code refused}, which a test may change as it goes. */
  private static class Refusing implements BlockValidator {
    final Set<String> refused = new HashSet<>();

    @Override
    public void validate(BlockHeader parent, ProposedBlock block) {
      for (SignedTransaction tx : block.transactions()) {
        admit(tx);
      }
    }

    @Override
    public void admit(SignedTransaction tx) {
      if (refused.contains(tx.idHex())) {
        throw new CareLedgerException(ErrorCode.POLICY_VIOLATION, tx + " breaks the policy");
      }
    }
  }

  @Test
  void aProposalHoldingARefusedTransactionIsNotPrepared() {
    Refusing rules = new Refusing();
    rules.refused.add(tx1.idHex());
    QbftEngine honest = h.engineWith(2, rules);

    List<Output> out = honest.onMessage(h.proposal(1, 0, h.block(1, 10, tx0, tx1)), T0 + 10);

    assertThat(broadcasts(out, MessageType.PREPARE)).isEmpty();
    assertThat(drops(out)).isNotEmpty();
    // The same block without it is prepared at once.
    QbftEngine other = h.engineWith(3, rules);
    assertThat(
            broadcasts(
                other.onMessage(h.proposal(1, 0, h.block(1, 10, tx0)), T0 + 10),
                MessageType.PREPARE))
        .hasSize(1);
  }

  @Test
  void aRefusedTransactionNeverEntersThePool() {
    Refusing rules = new Refusing();
    rules.refused.add(tx1.idHex());
    QbftEngine engine = h.engineWith(2, rules);

    List<Output> out = engine.onTransactions(List.of(tx1), T0 + 1);

    assertThat(drops(out)).containsExactly(ErrorCode.CONSENSUS_TRANSACTION_REJECTED);
    assertThat(engine.pendingTransactions()).isZero();
  }

  @Test
  void theProposerLeavesOutWhatTheRulesNowRefuseAndProposesTheRest() {
    // Admitted while allowed; refused by the time the block is built (the chain moved on: say,
    // the patient's consent was withdrawn in between).
    Refusing rules =
        new Refusing() {
          @Override
          public void admit(SignedTransaction tx) {}

          @Override
          public void validate(BlockHeader parent, ProposedBlock block) {
            for (SignedTransaction tx : block.transactions()) {
              if (tx.equals(tx1)) {
                throw new CareLedgerException(ErrorCode.POLICY_VIOLATION, "no longer allowed");
              }
            }
          }
        };
    QbftEngine proposer = h.engineWith(1, rules);

    List<Output> out = proposer.onTransactions(List.of(tx0, tx1), T0 + 1);

    List<ConsensusMessage> proposals = broadcasts(out, MessageType.PROPOSAL);
    assertThat(proposals).hasSize(1);
    assertThat(proposals.get(0).block().transactions()).containsExactly(tx0);
    assertThat(drops(out)).contains(ErrorCode.CONSENSUS_TRANSACTION_REJECTED);
    assertThat(proposer.pendingTransactions()).as("tx1 is forgotten, tx0 waits").isEqualTo(1);
  }
}
