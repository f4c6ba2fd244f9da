package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResearchConsentTest {

  private static Map<String, Object> consent(String patient, String scope, String decision) {
    return Map.of("patient", patient, "scope", scope, "decision", decision);
  }

  @Test
  void theLatestResearchDecisionOfEachPatientCounts() {
    List<Map<String, Object>> chainOrder =
        List.of(
            consent("p1", ResearchConsent.SCOPE, "permit"),
            consent("p2", ResearchConsent.SCOPE, "permit"),
            consent("p2", ResearchConsent.SCOPE, "withdraw"),
            consent("p3", ResearchConsent.SCOPE, "withdraw"),
            consent("p3", ResearchConsent.SCOPE, "permit"));

    assertThat(ResearchConsent.consenting(chainOrder)).containsExactlyInAnyOrder("p1", "p3");
  }

  @Test
  void aConsentToAnInstitutionIsNoConsentToResearch() {
    List<Map<String, Object>> chainOrder =
        List.of(
            consent("p1", "insurer-d", "permit"),
            consent("p2", ResearchConsent.SCOPE, "permit"),
            consent("p2", "insurer-d", "withdraw"));

    assertThat(ResearchConsent.consenting(chainOrder)).containsExactly("p2");
    assertThat(ResearchConsent.SCOPE).isEqualTo("purpose:HRESCH");
  }
}
