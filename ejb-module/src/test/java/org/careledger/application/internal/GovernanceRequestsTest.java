package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.careledger.domain.ledger.ChannelConfig;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.junit.jupiter.api.Test;

/** An operator's config-update requests, as REST takes them, into config-update bodies. */
class GovernanceRequestsTest {

  private static final NodeIdentityGenerator GENERATOR = new NodeIdentityGenerator();
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private final NodeIdentity hospital = identity("hospital-a");
  private final NodeIdentity clinic = identity("clinic-b");
  private final ChannelConfig config =
      ChannelConfig.of(
          new Membership(
              List.of(
                  new Member(hospital.institutionId(), hospital.signingCertificate()),
                  new Member(clinic.institutionId(), clinic.signingCertificate()))));

  private static NodeIdentity identity(String name) {
    return GENERATOR.generate(new InstitutionId(name), NOW, List.of());
  }

  private static String base64(java.security.cert.X509Certificate certificate) throws Exception {
    return Base64.getEncoder().encodeToString(certificate.getEncoded());
  }

  @Test
  void anAddMemberRequestBecomesAnUpdateOnTheConfigurationInForce() throws Exception {
    NodeIdentity lab = identity("lab-e");
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("change", "add-member");
    request.put("institution", "lab-e");
    request.put("signingCertificate", base64(lab.signingCertificate()));
    request.put("agreementCertificate", base64(lab.agreementCertificate()));
    request.put("bridge", Map.of("host", "127.0.0.1", "port", 8530L, "tlsPort", 8893L));

    Map<String, Object> body = GovernanceRequests.body(config, request);
    ChannelConfig.Update update =
        ChannelConfig.Update.of("ab".repeat(32), hospital.institutionId(), body);

    assertThat(body.get("base")).isEqualTo(config.id());
    assertThat(update.member().signingFingerprint()).isEqualTo(lab.signingFingerprint());
    assertThat(update.bridge()).isEqualTo(new ChannelConfig.Bridge("127.0.0.1", 8530, 8893));
    assertThat(config.problem(update)).isNull();
  }

  @Test
  void aRevocationWithoutAKeyRevokesTheMembersCertificateInForce() {
    Map<String, Object> body =
        GovernanceRequests.body(
            config, Map.of("change", "revoke-certificate", "institution", "clinic-b"));

    assertThat(body.get("key")).isEqualTo(clinic.signingFingerprint().hex());
  }

  @Test
  void mistakesAreRefusedWithTheGovernanceCodeAndSayWhat() {
    assertRefused(Map.of("change", "merge"), "unknown change 'merge'");
    assertRefused(Map.of("institution", "lab-e"), "'change' must be one of");
    assertRefused(
        Map.of("change", "remove-member", "institution", "lab-e", "extra", "x"),
        "unknown fields [extra]");
    assertRefused(
        Map.of(
            "change", "renew-certificate", "institution", "clinic-b", "signingCertificate", "AA=="),
        "signingCertificate");
    assertRefused(
        Map.of("change", "consent-policy", "consentPolicy", Map.of("nonsense", true)),
        "consent policy cannot be read");
  }

  private void assertRefused(Map<String, Object> request, String detail) {
    assertThatThrownBy(() -> GovernanceRequests.body(config, request))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageContaining(detail)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.CONFIG_UPDATE_INVALID);
  }
}
