package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChainChecksTest {

  private static final List<String> NAMES = List.of("a", "b", "c", "d");

  /** Four nodes' chains: one tx per block, block hash "h<tx>", unless changed. */
  static final class FakeLedger implements ChainChecks.Ledger {
    final Map<Integer, List<ChainChecks.Block>> chains = new HashMap<>();
    final Map<Integer, String> verifyFailures = new HashMap<>();
    final List<String> proofCalls = new ArrayList<>();
    final AtomicLong clock;

    /** Node → (time from which it holds its last block): a straggler. */
    final Map<Integer, Long> lateFrom = new HashMap<>();

    FakeLedger(AtomicLong clock, int blocks) {
      this.clock = clock;
      for (int node = 0; node < 4; node++) {
        List<ChainChecks.Block> chain = new ArrayList<>();
        for (int h = 1; h <= blocks; h++) {
          chain.add(new ChainChecks.Block("h" + h, List.of("tx" + h)));
        }
        chains.put(node, chain);
      }
    }

    @Override
    public long height(int node) {
      int size = chains.get(node).size();
      Long late = lateFrom.get(node);
      return late != null && clock.get() < late ? size - 1 : size;
    }

    @Override
    public ChainChecks.Block block(int node, long height) throws IOException {
      if (height < 1 || height > height(node)) {
        throw new IOException("CL-1173");
      }
      return chains.get(node).get((int) height - 1);
    }

    @Override
    public int proof(int node, String txId, Long head) {
      proofCalls.add(node + " " + txId + " " + head);
      for (int h = 1; h <= height(node); h++) {
        if (chains.get(node).get(h - 1).txIds().contains(txId)) {
          return 200;
        }
      }
      return 404;
    }

    @Override
    public String verify(int node) {
      return verifyFailures.get(node);
    }
  }

  private final AtomicLong clock = new AtomicLong(1_000_000);

  private ChainChecks checks(FakeLedger ledger, int[] honest, long[] start) {
    return new ChainChecks(ledger, NAMES, honest, start, 60_000, clock::get, clock::addAndGet);
  }

  @Test
  void allCommittedIdenticalAndVerified() {
    FakeLedger ledger = new FakeLedger(clock, 300);
    ChainChecks checks = checks(ledger, new int[] {0, 1, 2, 3}, new long[] {100, 100, 100, 100});
    RunReport.Check a =
        checks.committed(Set.of("tx150", "tx300", "tx101"), 2, new SplittableRandom(1));
    assertThat(a.pass()).as(a.detail()).isTrue();
    assertThat(a.detail())
        .contains("3 acknowledged transactions; blocks 101–300 read at each of 4 checked nodes")
        .contains("proof bundles of 2 sampled");
    // Proofs asked with the height where the transaction was found.
    assertThat(ledger.proofCalls).hasSize(8).allMatch(call -> call.matches("\\d tx(\\d+) \\1"));
    RunReport.Check b = checks.identical();
    assertThat(b.pass()).as(b.detail()).isTrue();
    assertThat(b.detail()).contains("220 sampled", "heights 1–300", "200 heights of the run");
    assertThat(checks.verified().pass()).isTrue();
  }

  @Test
  void aStragglerIsWaitedFor() {
    FakeLedger ledger = new FakeLedger(clock, 10);
    ledger.lateFrom.put(2, clock.get() + 30_000);
    ChainChecks checks = checks(ledger, new int[] {0, 1, 2, 3}, new long[4]);
    RunReport.Check a = checks.committed(Set.of("tx10"), 0, new SplittableRandom(1));
    assertThat(a.pass()).as(a.detail()).isTrue();
    assertThat(clock.get()).isBetween(1_030_000L, 1_035_000L);
  }

  @Test
  void aTransactionMissingAtOneHonestNodeFails() {
    FakeLedger ledger = new FakeLedger(clock, 10);
    ledger.chains.get(3).set(4, new ChainChecks.Block("h5", List.of("other")));
    ChainChecks checks = checks(ledger, new int[] {0, 1, 2, 3}, new long[4]);
    RunReport.Check a = checks.committed(Set.of("tx5", "tx6"), 20, new SplittableRandom(1));
    assertThat(a.pass()).isFalse();
    assertThat(a.detail()).startsWith("d lacks 1 (e.g. tx5)");
    assertThat(clock.get()).isGreaterThanOrEqualTo(1_060_000L); // waited for it
    // Leaving the node out of the honest ones passes.
    RunReport.Check without =
        checks(ledger, new int[] {0, 1, 2}, new long[4])
            .committed(Set.of("tx5", "tx6"), 20, new SplittableRandom(1));
    assertThat(without.pass()).as(without.detail()).isTrue();
  }

  @Test
  void divergingChainsFailIdentical() {
    FakeLedger ledger = new FakeLedger(clock, 30);
    ledger.chains.get(1).set(19, new ChainChecks.Block("forked", List.of("tx20")));
    ChainChecks checks = checks(ledger, new int[] {0, 1, 2, 3}, new long[] {25, 25, 25, 25});
    checks.committed(Set.of(), 0, new SplittableRandom(1));
    RunReport.Check b = checks.identical();
    assertThat(b.pass()).isFalse();
    assertThat(b.detail()).startsWith("differ: height 20 at b");

    // Also at a height only the run's reads compared (not in the sample of 1–lowest head).
    FakeLedger later = new FakeLedger(clock, 30);
    later.chains.get(2).set(29, new ChainChecks.Block("forked", List.of("tx30")));
    later.chains.get(0).remove(29); // a's head is 29: the sample stops there
    ChainChecks run = checks(later, new int[] {0, 1, 2, 3}, new long[] {25, 25, 25, 25});
    run.committed(Set.of(), 0, new SplittableRandom(1));
    RunReport.Check b2 = run.identical();
    assertThat(b2.pass()).isFalse();
    assertThat(b2.detail()).contains("height 30 at c");
  }

  @Test
  void verifyFailureAndCorruptRetrievals() {
    FakeLedger ledger = new FakeLedger(clock, 3);
    ledger.verifyFailures.put(1, "{\"ok\":false}");
    RunReport.Check c = checks(ledger, new int[] {0, 1}, new long[4]).verified();
    assertThat(c.pass()).isFalse();
    assertThat(c.detail()).isEqualTo("b: {\"ok\":false}");
    assertThat(ChainChecks.noCorruptRetrieval(0, 12).pass()).isTrue();
    RunReport.Check d = ChainChecks.noCorruptRetrieval(2, 12);
    assertThat(d.pass()).isFalse();
    assertThat(d.detail()).startsWith("2 of 12");
  }
}
