package org.careledger.domain.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulation's checks have teeth: with a deliberately broken engine (a test-only {@link
 * QbftEngine.Fault}) the same random scenarios find a violation of the expected kind within a few
 * hundred seeds, and the failing seed replays to the same violations.
 */
class BrokenEngineDetectionTest {

  @ParameterizedTest
  @CsvSource({
    "QUORUM_TOO_SMALL, 4, fork at height",
    "FORGET_LOCK, 4, fork at height",
    "IGNORE_PERSISTED_STATE, 4, signed two different"
  })
  void theSimulationCatchesABrokenEngine(QbftEngine.Fault fault, int members, String expected) {
    Scenarios.Outcome found = null;
    int tried = 0;
    for (long seed = 1; seed <= 3000 && found == null; seed++) {
      tried++;
      Scenarios.Outcome outcome = Scenarios.run(seed, fault, members);
      if (outcome.violations().stream().anyMatch(v -> v.contains(expected))) {
        found = outcome;
      }
    }
    System.out.printf("%s: first violation after %d seeds: %s%n", fault, tried, found);
    assertTrue(found != null, fault + " was not caught in " + tried + " seeds");
    List<String> replay = Scenarios.run(found.seed(), fault, members).violations();
    assertEquals(found.violations(), replay, "a failing seed replays exactly");
  }
}
