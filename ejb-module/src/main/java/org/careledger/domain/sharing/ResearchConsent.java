package org.careledger.domain.sharing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A patient's consent to the use of their records for research: a {@code consent} transaction whose
 * {@code scope} is {@value #SCOPE} rather than an institution (the HL7 PurposeOfUse code for
 * research, prefixed so that it can never be taken for an institution id, which has no colon). The
 * patient's latest decision counts, as for consents to institutions: {@code permit} until a later
 * {@code withdraw}.
 */
public final class ResearchConsent {

  /** The HL7 v3 ActReason code for research ({@code HRESCH}). */
  public static final String PURPOSE = "HRESCH";

  /** The consent scope of a research consent. */
  public static final String SCOPE = "purpose:" + PURPOSE;

  private ResearchConsent() {}

  /**
   * The pseudonyms whose latest research consent is {@code permit}, from consent transaction bodies
   * in chain order.
   */
  public static Set<String> consenting(List<Map<String, Object>> consentBodiesInChainOrder) {
    Map<String, String> latest = new HashMap<>();
    for (Map<String, Object> body : consentBodiesInChainOrder) {
      if (SCOPE.equals(body.get("scope")) && body.get("patient") instanceof String patient) {
        latest.put(patient, String.valueOf(body.get("decision")));
      }
    }
    return latest.entrySet().stream()
        .filter(e -> "permit".equals(e.getValue()))
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }
}
