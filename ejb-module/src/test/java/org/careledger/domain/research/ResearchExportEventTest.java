package org.careledger.domain.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.junit.jupiter.api.Test;

class ResearchExportEventTest {

  private static TreeSet<String> pseudonyms(int n) {
    TreeSet<String> set = new TreeSet<>();
    IntStream.range(0, n).forEach(i -> set.add(String.format("%064x", i * 7919L + 1)));
    return set;
  }

  @Test
  void aSmallExportIsOnePartNamingEveryPatient() {
    List<Map<String, Object>> bodies =
        ResearchExportEvent.bodies("e-1", "2339-0", 5, pseudonyms(7), 9, "ab".repeat(32));

    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0))
        .containsEntry("exportId", "e-1")
        .containsEntry("k", 5L)
        .containsEntry("records", 9L)
        .containsEntry("part", 1L)
        .containsEntry("parts", 1L);
    assertThat((List<?>) bodies.get(0).get("patients")).hasSize(7);
  }

  @Test
  void aLargeExportIsSplitSoEachPartFitsATransactionAndEveryPatientIsNamedOnce() {
    TreeSet<String> patients = pseudonyms(1203);

    List<Map<String, Object>> bodies =
        ResearchExportEvent.bodies("e-2", "2339-0", 5, patients, 1500, "cd".repeat(32));

    assertThat(bodies).hasSize(3);
    List<Object> named = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      Map<String, Object> body = bodies.get(i);
      assertThat(body).containsEntry("part", (long) i + 1).containsEntry("parts", 3L);
      named.addAll((List<?>) body.get("patients"));
      // Each part fits a transaction (at most 64 KiB encoded; the envelope adds well under 1 KiB).
      assertThat(CanonicalJson.encode(body).length)
          .isLessThan(SignedTransaction.MAX_ENCODED_BYTES - 1024);
    }
    assertThat(named).hasSize(1203).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(named.stream().map(String::valueOf).toList())).isEqualTo(patients);
  }

  @Test
  void anExportOfNoPatientIsOnePartNamingNone() {
    List<Map<String, Object>> bodies =
        ResearchExportEvent.bodies("e-3", "2339-0", 5, new TreeSet<>(), 0, "ef".repeat(32));

    assertThat(bodies).hasSize(1);
    assertThat((List<?>) bodies.get(0).get("patients")).isEmpty();
  }
}
