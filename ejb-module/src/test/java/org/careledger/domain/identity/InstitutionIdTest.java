package org.careledger.domain.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.careledger.domain.CareLedgerException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class InstitutionIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"st-mary", "h1", "city-clinic-2", "a0"})
  void acceptsLowerCaseNamesSafeInQueuesFilesAndCertificates(String value) {
    assertThat(new InstitutionId(value).value()).isEqualTo(value);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "a",
        "St-Mary",
        "-mary",
        "mary-",
        "st mary",
        "st_mary",
        "st.mary",
        "../etc",
        "CN=x,O=y",
        "a234567890123456789012345678901234567890123456789012345678901234"
      })
  void rejectsAnythingElseWithItsCode(String value) {
    assertThatThrownBy(() -> new InstitutionId(value))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageStartingWith("CL-1006")
        .hasMessageContaining("careledger.institution.id");
  }
}
