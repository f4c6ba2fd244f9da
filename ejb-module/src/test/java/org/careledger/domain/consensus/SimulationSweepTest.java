package org.careledger.domain.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Runs {@value #DEFAULT_SEEDS} random seeds (or {@code -Dcareledger.sim.seeds=N}; one seed alone
 * with {@code -Dcareledger.sim.seed=S}) through {@link Scenarios}: safety, certificate validity, no
 * honest double signing, and liveness after the heal. Seeds are independent, so they run on all
 * cores; each one is deterministic on its own.
 */
class SimulationSweepTest {

  static final int DEFAULT_SEEDS = 10_000;

  @Test
  void everySeedIsSafeAndLive() {
    String single = System.getProperty("careledger.sim.seed");
    long first = Long.getLong("careledger.sim.firstSeed", 1L);
    long[] seeds =
        single != null
            ? new long[] {Long.parseLong(single)}
            : LongStream.range(
                    first, first + Integer.getInteger("careledger.sim.seeds", DEFAULT_SEEDS))
                .toArray();
    long start = System.nanoTime();
    AtomicInteger ed25519 = new AtomicInteger();
    List<Scenarios.Outcome> failures =
        LongStream.of(seeds)
            .parallel()
            .mapToObj(
                seed -> {
                  if (Math.floorMod(seed, Scenarios.ED25519_EVERY) == 0) {
                    ed25519.incrementAndGet();
                  }
                  return Scenarios.run(seed);
                })
            .filter(outcome -> !outcome.ok())
            .sorted((a, b) -> Long.compare(a.seed(), b.seed()))
            .toList();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "simulation: %d seeds (%d with Ed25519) in %d ms, %d failing%n",
        seeds.length, ed25519.get(), millis, failures.size());
    if (!failures.isEmpty()) {
      List<String> report = new ArrayList<>();
      for (Scenarios.Outcome outcome : failures.subList(0, Math.min(10, failures.size()))) {
        report.add(
            "seed "
                + outcome.seed()
                + " ("
                + outcome.summary()
                + "): "
                + outcome.violations().subList(0, Math.min(3, outcome.violations().size()))
                + "\n  replay with -Dcareledger.sim.seed="
                + outcome.seed());
      }
      fail(
          failures.size() + " of " + seeds.length + " seeds failed:\n" + String.join("\n", report));
    }
    assertEquals(0, failures.size());
  }
}
