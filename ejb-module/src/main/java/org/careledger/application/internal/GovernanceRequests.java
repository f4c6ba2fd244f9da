package org.careledger.application.internal;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.federation.FederationMember;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelConfig;
import org.careledger.domain.ledger.ChannelConfig.Change;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.sharing.SharingPolicy;

/**
 * Turns an operator's config-update request (REST, console, {@code federation.sh}) into the body of
 * a {@code config-update} transaction based on the configuration in force. Every mistake is {@code
 * CL-1450} with what is wrong; nothing here touches the chain.
 */
final class GovernanceRequests {

  private GovernanceRequests() {}

  static Map<String, Object> body(ChannelConfig config, Map<String, Object> request) {
    Object name = request.get("change");
    if (!(name instanceof String changeName)) {
      throw invalid("'change' must be one of " + changes());
    }
    Change change =
        Change.ofWireName(changeName)
            .orElseThrow(() -> invalid("unknown change '" + changeName + "'; one of " + changes()));
    String base = config.id();
    return switch (change) {
      case ADD_MEMBER -> {
        fields(
            request,
            Set.of("change", "institution", "signingCertificate", "agreementCertificate", "bridge"),
            Set.of());
        InstitutionId subject = institution(request);
        Map<String, Object> bridge = object(request, "bridge");
        fields(bridge, Set.of("host", "port", "tlsPort"), Set.of(), "bridge");
        yield ChannelConfig.addMember(
            base,
            new Member(subject, certificate(request, "signingCertificate")),
            der(certificate(request, "agreementCertificate")),
            new ChannelConfig.Bridge(
                text(bridge, "host"), number(bridge, "port"), number(bridge, "tlsPort")));
      }
      case REMOVE_MEMBER -> {
        fields(request, Set.of("change", "institution"), Set.of());
        yield ChannelConfig.removeMember(base, institution(request));
      }
      case RENEW_CERTIFICATE -> {
        fields(
            request,
            Set.of("change", "institution", "signingCertificate"),
            Set.of("agreementCertificate"));
        InstitutionId subject = institution(request);
        byte[] agreement =
            request.containsKey("agreementCertificate")
                ? der(certificate(request, "agreementCertificate"))
                : null;
        yield ChannelConfig.renewCertificate(
            base, new Member(subject, certificate(request, "signingCertificate")), agreement);
      }
      case REVOKE_CERTIFICATE -> {
        fields(request, Set.of("change", "institution"), Set.of("key"));
        InstitutionId subject = institution(request);
        Fingerprint key;
        if (request.containsKey("key")) {
          try {
            key = new Fingerprint(text(request, "key"));
          } catch (IllegalArgumentException e) {
            throw invalid("'key' must be a SHA-256 certificate fingerprint (64 lower-case hex)");
          }
        } else {
          key =
              config
                  .membership()
                  .listed(subject)
                  .orElseThrow(() -> invalid(subject + " is not a member"))
                  .signingFingerprint();
        }
        yield ChannelConfig.revokeCertificate(base, subject, key);
      }
      case CONSENT_POLICY -> {
        fields(request, Set.of("change", "consentPolicy"), Set.of());
        Map<String, Object> policy = object(request, "consentPolicy");
        try {
          SharingPolicy.parse(policy);
        } catch (CareLedgerException e) {
          throw invalid("the consent policy cannot be read: " + e.getMessage());
        }
        yield ChannelConfig.consentPolicy(base, policy);
      }
    };
  }

  private static List<String> changes() {
    return java.util.Arrays.stream(Change.values()).map(Change::wireName).toList();
  }

  private static void fields(Map<String, Object> json, Set<String> required, Set<String> optional) {
    fields(json, required, optional, "the request");
  }

  private static void fields(
      Map<String, Object> json, Set<String> required, Set<String> optional, String what) {
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(json.keySet());
    Set<String> unknown = new TreeSet<>(json.keySet());
    unknown.removeAll(required);
    unknown.removeAll(optional);
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      throw invalid(
          what
              + (missing.isEmpty() ? "" : " lacks " + missing)
              + (unknown.isEmpty() ? "" : " has unknown fields " + unknown)
              + "; it takes "
              + new TreeSet<>(required)
              + (optional.isEmpty() ? "" : " and optionally " + new TreeSet<>(optional)));
    }
  }

  private static InstitutionId institution(Map<String, Object> request) {
    try {
      return new InstitutionId(text(request, "institution"));
    } catch (IllegalArgumentException e) {
      throw invalid("'institution': " + e.getMessage());
    }
  }

  private static X509Certificate certificate(Map<String, Object> request, String field) {
    try {
      return FederationMember.certificate(text(request, field), field);
    } catch (CareLedgerException e) {
      throw invalid(e.getMessage());
    }
  }

  private static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw invalid("a certificate that cannot be encoded");
    }
  }

  private static String text(Map<String, Object> json, String field) {
    if (!(json.get(field) instanceof String value) || value.isBlank()) {
      throw invalid("'" + field + "' must be a non-empty string");
    }
    return value;
  }

  private static long number(Map<String, Object> json, String field) {
    if (!(json.get(field) instanceof Number value)) {
      throw invalid("bridge '" + field + "' must be a port number");
    }
    return value.longValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> json, String field) {
    if (!(json.get(field) instanceof Map<?, ?> value)) {
      throw invalid("'" + field + "' must be an object");
    }
    return (Map<String, Object>) value;
  }

  private static CareLedgerException invalid(String detail) {
    return new CareLedgerException(ErrorCode.CONFIG_UPDATE_INVALID, detail);
  }
}
