package org.careledger.domain.consensus;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Random scenarios, each entirely determined by its seed: channel size (4 or 7 BFT, 3 unanimity, 1
 * single), up to f Byzantine members with random behaviours, 1 in {@value #ED25519_EVERY} seeds
 * with real Ed25519 signatures, drops, duplicates, delays, partitions and crashes until a heal
 * time, transactions submitted across the run. After the heal every honest member must commit every
 * transaction within {@link #LIVENESS_BOUND_MILLIS} of simulated time.
 */
final class Scenarios {

  static final long LIVENESS_BOUND_MILLIS = 60_000;

  /** Seeds divisible by this use Ed25519 through the production signer and verifier. */
  static final int ED25519_EVERY = 40;

  /** The outcome of one seed. */
  record Outcome(long seed, List<String> violations, String summary) {
    boolean ok() {
      return violations.isEmpty();
    }
  }

  private Scenarios() {}

  static Outcome run(long seed) {
    return run(seed, QbftEngine.Fault.NONE, -1);
  }

  /**
   * @param forceMembers if positive, the channel size (and BFT scenarios get exactly f Byzantine
   *     members), to aim a broken engine's search where its bug shows
   */
  static Outcome run(long seed, QbftEngine.Fault fault, int forceMembers) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
    Simulation.Settings s = new Simulation.Settings();
    int kind = r.nextInt(20);
    s.members = forceMembers > 0 ? forceMembers : kind < 12 ? 4 : kind < 15 ? 7 : kind < 19 ? 3 : 1;
    s.fault = fault;
    s.ed25519 =
        Math.floorMod(seed, ED25519_EVERY) == 0 && !Boolean.getBoolean("careledger.sim.noEd25519");
    if (s.members >= 4) {
      int f = (s.members - 1) / 3;
      int byzantine = forceMembers > 0 ? f : r.nextInt(f + 1);
      Simulation.Behaviour[] behaviours = Simulation.Behaviour.values();
      TreeSet<Integer> chosen = new TreeSet<>();
      while (chosen.size() < byzantine) {
        chosen.add(r.nextInt(s.members));
      }
      for (int member : chosen) {
        s.byzantine.put(member, behaviours[r.nextInt(behaviours.length)]);
      }
    }
    s.maxDelay = 5 + r.nextInt(120);
    s.drop = r.nextDouble() * 0.3;
    s.duplicate = r.nextDouble() * 0.2;
    s.crashPerOutput =
        fault == QbftEngine.Fault.IGNORE_PERSISTED_STATE ? 0.02 : r.nextBoolean() ? 0 : 0.003;
    s.engine = new EngineConfig(1 + r.nextInt(4), 10 + r.nextInt(100), 300, 5, 10_000, 16, 8);
    long heal = 300 + r.nextInt(3000);

    Simulation sim = new Simulation(seed, s);
    int partitions = r.nextInt(3);
    for (int i = 0; i < partitions; i++) {
      long at = r.nextLong(heal);
      TreeSet<Integer> side = new TreeSet<>();
      for (int m = 0; m < s.members; m++) {
        if (r.nextBoolean()) {
          side.add(m);
        }
      }
      sim.at(at, () -> sim.partition(side));
      long until = at + r.nextLong(heal - at + 1);
      sim.at(until, sim::heal);
    }
    int count = 2 + r.nextInt(7);
    List<org.careledger.domain.ledger.SignedTransaction> pool = ConsensusFixture.pool(s.members);
    int offset = r.nextInt(pool.size() - count);
    int batches = 1 + r.nextInt(3);
    for (int b = 0; b < batches; b++) {
      List<org.careledger.domain.ledger.SignedTransaction> batch =
          pool.subList(offset + b * count / batches, offset + (b + 1) * count / batches);
      if (!batch.isEmpty()) {
        sim.at(r.nextLong(heal + 500), () -> sim.submit(batch));
      }
    }
    sim.at(heal, sim::calm);
    sim.runUntil(heal + LIVENESS_BOUND_MILLIS, true);
    List<String> violations = sim.finish(true);
    return new Outcome(seed, List.copyOf(violations), sim.summary());
  }
}
