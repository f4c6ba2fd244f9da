package org.careledger.domain.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

class KAnonymityTest {

  private static final QuasiIdentifiers A = new QuasiIdentifiers("1961", "female", "021");
  private static final QuasiIdentifiers B = new QuasiIdentifiers("1973", "male", "945");
  private static final QuasiIdentifiers C = new QuasiIdentifiers("90+", "unknown", "000");

  private static Map<String, QuasiIdentifiers> patients(int a, int b, int c) {
    Map<String, QuasiIdentifiers> m = new LinkedHashMap<>();
    for (int i = 0; i < a; i++) {
      m.put("a" + i, A);
    }
    for (int i = 0; i < b; i++) {
      m.put("b" + i, B);
    }
    for (int i = 0; i < c; i++) {
      m.put("c" + i, C);
    }
    return m;
  }

  @Test
  void countsGroupsAndTheSmallest() {
    assertThat(KAnonymity.check(patients(5, 3, 4), 2)).isEqualTo(new KAnonymity.Result(3, 3));
    assertThat(KAnonymity.check(patients(5, 0, 0), 2)).isEqualTo(new KAnonymity.Result(5, 1));
    assertThat(KAnonymity.check(patients(2, 1, 0), 5)).isEqualTo(new KAnonymity.Result(1, 2));
    assertThat(
            KAnonymity.check(Map.of("x", new QuasiIdentifiers("1961", "female", "021"), "y", A), 2))
        .as("equal tuples are one group")
        .isEqualTo(new KAnonymity.Result(2, 1));
  }

  @Test
  void refusesAGroupBelowKWithoutNamingItsValues() {
    assertThatThrownBy(() -> KAnonymity.require(patients(5, 2, 6), 3))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.RESEARCH_BELOW_K);
              assertThat(e.getMessage())
                  .startsWith("CL-1730")
                  .contains("group of 2 patients")
                  .contains("k of 3")
                  .doesNotContain("1973", "male", "945");
            });
  }

  @Test
  void acceptsTheSmallestGroupAtK() {
    assertThat(KAnonymity.require(patients(5, 3, 4), 3)).isEqualTo(new KAnonymity.Result(3, 3));
  }

  @Test
  void refusesKBelowTwo() {
    for (int k : new int[] {1, 0, -4}) {
      assertThatThrownBy(() -> KAnonymity.require(patients(5, 5, 5), k))
          .isInstanceOfSatisfying(
              CareLedgerException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESEARCH_EXPORT_INVALID));
      assertThatThrownBy(() -> KAnonymity.check(patients(5, 5, 5), k))
          .isInstanceOf(CareLedgerException.class);
    }
  }

  @Test
  void noPatientsIdentifiesNobody() {
    assertThat(KAnonymity.require(Map.of(), 5)).isEqualTo(new KAnonymity.Result(0, 0));
  }

  @Test
  void quasiIdentifiersMergeToUnknownWhereTheyDisagree() {
    QuasiIdentifiers partial = new QuasiIdentifiers("unknown", "female", "021");
    assertThat(partial.merge(A)).isEqualTo(A);
    assertThat(A.merge(B)).isEqualTo(QuasiIdentifiers.NONE);
    assertThat(A.merge(new QuasiIdentifiers("1961", "male", "021")))
        .isEqualTo(new QuasiIdentifiers("1961", "unknown", "021"));
    assertThat(A.toString()).doesNotContain("1961");
  }
}
