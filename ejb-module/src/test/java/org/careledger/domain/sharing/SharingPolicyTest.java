package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.junit.jupiter.api.Test;

/** The sharing policy as the descriptor writes it: what it allows, and what it refuses to read. */
class SharingPolicyTest {

  static final String EXAMPLE =
      "{\"roles\":{\"insurer-d\":\"insurer\",\"pharmacy-c\":\"pharmacy\"},"
          + "\"rules\":[{\"documentClasses\":[\"57833-6\"],\"purposes\":[\"TREAT\"],"
          + "\"role\":\"pharmacy\"},{\"documentClasses\":[\"11502-2\"],\"patientConsent\":true,"
          + "\"purposes\":[\"HPAYMT\"],\"role\":\"insurer\"}]}";

  @SuppressWarnings("unchecked")
  static SharingPolicy example() {
    return SharingPolicy.parse((Map<String, Object>) CanonicalJson.parse(bytes(EXAMPLE)));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aRoleWithRulesGetsOnlyWhatARuleAllows() {
    SharingPolicy policy = example();
    assertThat(policy.violation("pharmacy-c", "57833-6", "TREAT", false)).isEmpty();
    assertThat(policy.violation("pharmacy-c", "11502-2", "TREAT", false))
        .get()
        .asString()
        .contains("may not be granted class 11502-2");
    assertThat(policy.violation("pharmacy-c", "57833-6", "HPAYMT", true)).isPresent();
  }

  @Test
  void aRuleThatNeedsConsentAllowsOnlyWithIt() {
    SharingPolicy policy = example();
    assertThat(policy.violation("insurer-d", "11502-2", "HPAYMT", false))
        .get()
        .asString()
        .contains("consent");
    assertThat(policy.violation("insurer-d", "11502-2", "HPAYMT", true)).isEmpty();
    assertThat(policy.violation("insurer-d", "18842-5", "HPAYMT", true)).isPresent();
  }

  @Test
  void institutionsWithoutARoleAndTheEmptyPolicyAllowEverything() {
    assertThat(example().violation("clinic-b", "18842-5", "TREAT", false)).isEmpty();
    assertThat(SharingPolicy.parse(Map.of()).isOpen()).isTrue();
    assertThat(SharingPolicy.parse(Map.of()).violation("pharmacy-c", "1-1", "X", false)).isEmpty();
  }

  @Test
  void malformedPoliciesAreRefusedWithTheirCode() {
    for (String json :
        List.of(
            "{\"rule\":[]}",
            "{\"roles\":[]}",
            "{\"roles\":{\"pharmacy-c\":7}}",
            "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":{}}",
            "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":[{\"role\":\"insurer\","
                + "\"documentClasses\":[\"1-1\"],\"purposes\":[\"TREAT\"]}]}",
            "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":[{\"role\":\"pharmacy\","
                + "\"documentClasses\":[\"prescription\"],\"purposes\":[\"TREAT\"]}]}",
            "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":[{\"role\":\"pharmacy\","
                + "\"documentClasses\":[\"1-1\"],\"purposes\":[]}]}",
            "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":[{\"role\":\"pharmacy\","
                + "\"documentClasses\":[\"1-1\"],\"purposes\":[\"TREAT\"],\"patientConsent\":1}]}",
            "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":[{\"role\":\"pharmacy\","
                + "\"documentClasses\":[\"1-1\"],\"purposes\":[\"TREAT\"],\"maybe\":true}]}")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> policy = (Map<String, Object>) CanonicalJson.parse(bytes(json));
      assertThatThrownBy(() -> SharingPolicy.parse(policy))
          .as(json)
          .isInstanceOfSatisfying(
              CareLedgerException.class,
              e ->
                  assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_CONSENT_POLICY_INVALID));
    }
  }
}
