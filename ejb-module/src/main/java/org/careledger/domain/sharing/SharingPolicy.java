package org.careledger.domain.sharing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.sharing.SharingPolicy.Rule;

/**
 * A channel's sharing policy: which document classes an institution of a given role may be granted,
 * for which purposes of use, and whether the patient's consent must be on the chain first. It is
 * the channel's {@code consentPolicy} from the federation descriptor, which the genesis block
 * carries, or from a later {@code consent-policy} config update (channel governance) from the
 * height it applies; every member evaluates the same policy at a height.
 *
 * <pre>{"roles": {"pharmacy-c": "pharmacy", "insurer-d": "insurer"},
 *  "rules": [{"role": "pharmacy", "documentClasses": ["57833-6"], "purposes": ["TREAT"]},
 *            {"role": "insurer", "documentClasses": ["11502-2"], "purposes": ["HPAYMT"],
 *             "patientConsent": true}]}</pre>
 *
 * An institution without a role, or whose role has no rule, may be granted any class for any
 * purpose (hospitals and clinics treating the patient); an institution whose role has rules may be
 * granted only what one of them allows. The empty object is the policy that allows every grant.
 */
public record SharingPolicy(Map<String, String> roles, List<Rule> rules) {

  /** One permission: {@code role} may receive these classes for these purposes. */
  public record Rule(
      String role, Set<String> documentClasses, Set<String> purposes, boolean patientConsent) {}

  /** The policy that allows every grant. */
  public static final SharingPolicy OPEN = new SharingPolicy(Map.of(), List.of());

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");
  private static final Pattern LOINC = Pattern.compile("[0-9]{1,8}-[0-9]");
  private static final Pattern PURPOSE = Pattern.compile("[A-Z]{2,12}");

  public SharingPolicy {
    roles = Map.copyOf(roles);
    rules = List.copyOf(rules);
  }

  public boolean isOpen() {
    return rules.isEmpty();
  }

  /**
   * Reads a channel's {@code consentPolicy} object (decoded canonical JSON).
   *
   * @throws CareLedgerException FEDERATION_CONSENT_POLICY_INVALID naming what is wrong
   */
  @SuppressWarnings("unchecked")
  public static SharingPolicy parse(Map<String, Object> policy) {
    if (policy == null || policy.isEmpty()) {
      return OPEN;
    }
    for (String key : policy.keySet()) {
      if (!key.equals("roles") && !key.equals("rules")) {
        throw invalid("unknown field '" + key + "' (roles, rules)");
      }
    }
    Map<String, String> roles = new LinkedHashMap<>();
    if (!(policy.getOrDefault("roles", Map.of()) instanceof Map<?, ?> declared)) {
      throw invalid("roles must map institution ids to role names");
    }
    for (Map.Entry<?, ?> entry : declared.entrySet()) {
      if (!(entry.getKey() instanceof String institution && NAME.matcher(institution).matches())
          || !(entry.getValue() instanceof String role && NAME.matcher(role).matches())) {
        throw invalid("roles must map institution ids to role names, not " + entry);
      }
      roles.put(institution, role);
    }
    if (!(policy.getOrDefault("rules", List.of()) instanceof List<?> declaredRules)) {
      throw invalid("rules must be a list");
    }
    List<Rule> rules = new ArrayList<>();
    for (Object item : declaredRules) {
      if (!(item instanceof Map<?, ?> rule)) {
        throw invalid("each rule is an object");
      }
      for (Object key : rule.keySet()) {
        if (!List.of("role", "documentClasses", "purposes", "patientConsent").contains(key)) {
          throw invalid(
              "unknown rule field '" + key + "' (role, documentClasses, purposes, patientConsent)");
        }
      }
      if (!(rule.get("role") instanceof String role && roles.containsValue(role))) {
        throw invalid("a rule names a role no institution has: " + rule.get("role"));
      }
      Object consent = rule.containsKey("patientConsent") ? rule.get("patientConsent") : false;
      if (!(consent instanceof Boolean patientConsent)) {
        throw invalid("patientConsent is true or false");
      }
      rules.add(
          new Rule(
              role,
              codes((Object) rule.get("documentClasses"), LOINC, "documentClasses (LOINC codes)"),
              codes((Object) rule.get("purposes"), PURPOSE, "purposes (HL7 PurposeOfUse codes)"),
              patientConsent));
    }
    return new SharingPolicy(roles, rules);
  }

  /**
   * Whether a grant of a {@code documentClass} record to {@code grantee} for {@code purpose} is
   * allowed; {@code consented} says whether the patient's consent for that grantee is on the chain.
   *
   * @return empty if allowed, else why not
   */
  public Optional<String> violation(
      String grantee, String documentClass, String purpose, boolean consented) {
    String role = roles.get(grantee);
    List<Rule> own = rules.stream().filter(r -> r.role().equals(role)).toList();
    if (role == null || own.isEmpty()) {
      return Optional.empty();
    }
    boolean consentMissing = false;
    for (Rule rule : own) {
      if (rule.documentClasses().contains(documentClass) && rule.purposes().contains(purpose)) {
        if (!rule.patientConsent() || consented) {
          return Optional.empty();
        }
        consentMissing = true;
      }
    }
    return Optional.of(
        consentMissing
            ? grantee
                + " ("
                + role
                + ") may receive class "
                + documentClass
                + " for "
                + purpose
                + " only with the patient's consent, and none is on the chain"
            : grantee
                + " ("
                + role
                + ") may not be granted class "
                + documentClass
                + " for "
                + purpose);
  }

  private static Set<String> codes(Object value, Pattern pattern, String what) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw invalid(what + " must be a non-empty list");
    }
    for (Object code : list) {
      if (!(code instanceof String text && pattern.matcher(text).matches())) {
        throw invalid(what + ": '" + code + "' is not one");
      }
    }
    return Set.copyOf(list.stream().map(String.class::cast).toList());
  }

  private static CareLedgerException invalid(String why) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_CONSENT_POLICY_INVALID, "sharing policy: " + why);
  }
}
