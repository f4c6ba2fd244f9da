package org.careledger.benchmarks.mixed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * What the load generator must know of a channel's sharing policy ({@code consentPolicy}, in the
 * form of {@code docs/federation-descriptor.md}) so that the grants it asks for are ones the
 * channel allows: which document classes an institution may be granted, for which purpose, and
 * whether the patient's consent must be on the chain first. An institution without a role, or whose
 * role has no rule, may be granted anything (purpose {@code TREAT}); one whose role has rules only
 * what a rule allows, with the first purpose that rule names.
 */
public final class SharingRules {

  /** The local federation's {@code care-bft} policy, as {@code federation.sh} writes it. */
  public static final String CARE_BFT_POLICY =
      "{\"roles\":{\"pharmacy-c\":\"pharmacy\",\"insurer-d\":\"insurer\"},\"rules\":["
          + "{\"role\":\"pharmacy\",\"documentClasses\":[\"57833-6\"],\"purposes\":[\"TREAT\"]},"
          + "{\"role\":\"insurer\",\"documentClasses\":[\"11502-2\"],\"purposes\":[\"HPAYMT\"],"
          + "\"patientConsent\":true}]}";

  /** A discharge summary: the class records get when no rule asks for another. */
  public static final String DEFAULT_CLASS = "18842-5";

  private static final String DEFAULT_PURPOSE = "TREAT";

  private record Rule(Set<String> classes, String purpose, boolean consent) {}

  private final Map<String, String> roles;
  private final Map<String, List<Rule>> rulesByRole;
  private final List<String> classes;

  private SharingRules(Map<String, String> roles, Map<String, List<Rule>> rulesByRole) {
    this.roles = roles;
    this.rulesByRole = rulesByRole;
    Set<String> all = new LinkedHashSet<>();
    all.add(DEFAULT_CLASS);
    rulesByRole.values().forEach(rules -> rules.forEach(rule -> all.addAll(rule.classes())));
    this.classes = List.copyOf(all);
  }

  /** No policy: every grant is allowed, for treatment, without consent. */
  public static SharingRules none() {
    return new SharingRules(Map.of(), Map.of());
  }

  /** A policy in the descriptor's {@code consentPolicy} form. */
  @SuppressWarnings("unchecked")
  public static SharingRules parse(String json) {
    Object parsed = CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8));
    if (!(parsed instanceof Map<?, ?> policy)) {
      throw new IllegalArgumentException("a policy is a JSON object");
    }
    Map<String, String> roles = new LinkedHashMap<>();
    if (policy.get("roles") instanceof Map<?, ?> named) {
      named.forEach((institution, role) -> roles.put((String) institution, (String) role));
    }
    Map<String, List<Rule>> rules = new LinkedHashMap<>();
    if (policy.get("rules") instanceof List<?> list) {
      for (Object item : list) {
        Map<String, Object> rule = (Map<String, Object>) item;
        List<String> purposes = (List<String>) rule.getOrDefault("purposes", List.of());
        rules
            .computeIfAbsent((String) rule.get("role"), r -> new ArrayList<>())
            .add(
                new Rule(
                    new LinkedHashSet<>(
                        (List<String>) rule.getOrDefault("documentClasses", List.of())),
                    purposes.isEmpty() ? DEFAULT_PURPOSE : purposes.get(0),
                    Boolean.TRUE.equals(rule.get("patientConsent"))));
      }
    }
    return new SharingRules(roles, rules);
  }

  /** The document classes records are registered with: the default class and every ruled one. */
  public List<String> documentClasses() {
    return classes;
  }

  /** Whether {@code institution} may be granted a record of {@code documentClass}. */
  public boolean allows(String institution, String documentClass) {
    return rule(institution, documentClass) != null || unrestricted(institution);
  }

  /** The purpose to request with, for a class the institution may be granted. */
  public String purpose(String institution, String documentClass) {
    Rule rule = rule(institution, documentClass);
    return rule == null ? DEFAULT_PURPOSE : rule.purpose();
  }

  /** Whether a grant to {@code institution} of that class needs the patient's consent first. */
  public boolean needsConsent(String institution, String documentClass) {
    Rule rule = rule(institution, documentClass);
    return rule != null && rule.consent();
  }

  /** Whether any grant to {@code institution} needs the patient's consent. */
  public boolean needsConsent(String institution) {
    return classes.stream().anyMatch(c -> needsConsent(institution, c));
  }

  private boolean unrestricted(String institution) {
    String role = roles.get(institution);
    return role == null || !rulesByRole.containsKey(role);
  }

  private Rule rule(String institution, String documentClass) {
    String role = roles.get(institution);
    if (role == null) {
      return null;
    }
    for (Rule rule : rulesByRole.getOrDefault(role, List.of())) {
      if (rule.classes().contains(documentClass)) {
        return rule;
      }
    }
    return null;
  }
}
