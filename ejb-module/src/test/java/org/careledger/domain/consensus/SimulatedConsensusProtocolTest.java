package org.careledger.domain.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol suite on the simulated network (seeded delays, no faults but those it injects);
 * every run also ends with the simulation's own safety checks (no fork, valid certificates, no
 * equivocation by an honest member).
 */
class SimulatedConsensusProtocolTest extends ConsensusProtocolSuite {

  private Simulation last;

  @Override
  protected ConsensusCluster newCluster(int members) {
    Simulation.Settings settings = new Simulation.Settings();
    settings.members = members;
    settings.engine = new EngineConfig(3, 50, 1_000, 5, 10_000, 16, 8);
    settings.maxDelay = 80;
    last = new Simulation(members * 1_000L + 7, settings);
    return new SimulatedCluster(last);
  }

  @AfterEach
  void noViolations() {
    if (last != null) {
      assertEquals(List.of(), last.finish(false));
    }
  }

  @Test
  void realEd25519SealsFormCertificatesTheChainVerifierAccepts() {
    Simulation.Settings settings = new Simulation.Settings();
    settings.members = 4;
    settings.ed25519 = true;
    settings.byzantine.put(0, Simulation.Behaviour.EQUIVOCATE);
    Simulation sim = new Simulation(99, settings);
    sim.submit(ConsensusFixture.POOL.subList(40, 48));
    sim.calm();
    sim.runFor(30_000);
    assertEquals(List.of(), sim.finish(true));
    for (int member = 1; member < 4; member++) {
      List<Block> chain = sim.chain(member);
      assertTrue(chain.size() > 1);
      ChainVerifier.Report report =
          new ChainVerifier().verify(chain.stream().map(Block::stored).toList());
      assertTrue(report.ok(), String.valueOf(report.failure()));
    }
  }

  /** The simulation as the suite drives it; transactions come from the fixture's pool in order. */
  private static final class SimulatedCluster implements ConsensusCluster {
    private final Simulation sim;
    private int next;

    SimulatedCluster(Simulation sim) {
      this.sim = sim;
    }

    @Override
    public int size() {
      return sim.size();
    }

    @Override
    public List<String> submit(int count) {
      List<SignedTransaction> txs = ConsensusFixture.POOL.subList(next, next + count);
      next += count;
      sim.submit(txs);
      return txs.stream().map(SignedTransaction::idHex).toList();
    }

    @Override
    public void crash(int member) {
      sim.crash(member);
    }

    @Override
    public void restart(int member) {
      sim.restart(member);
    }

    @Override
    public void partition(Set<Integer> side) {
      sim.partition(side);
    }

    @Override
    public void heal() {
      sim.heal();
    }

    @Override
    public void runFor(long millis) {
      sim.runFor(millis);
    }

    @Override
    public List<CommittedBlock> chain(int member) {
      return sim.chain(member).stream()
          .map(
              block ->
                  new CommittedBlock(
                      block.header().hashHex(),
                      block.transactions().stream().map(SignedTransaction::idHex).toList()))
          .toList();
    }
  }
}
