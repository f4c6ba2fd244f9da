package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.careledger.application.console.ConsoleService.CertificateView;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.junit.jupiter.api.Test;

class DefaultConsoleServiceTest {

  @Test
  void aCertificateIsFlaggedFromThirtyDaysBeforeItExpires() {
    X509Certificate tls =
        new NodeIdentityGenerator()
            .generate(new InstitutionId("hospital-a"), Instant.now(), List.of("127.0.0.1"))
            .tlsCertificate();
    Instant notAfter = tls.getNotAfter().toInstant();

    CertificateView early =
        DefaultConsoleService.certificate("tls", tls, notAfter.minus(Duration.ofDays(31)));
    CertificateView due =
        DefaultConsoleService.certificate("tls", tls, notAfter.minus(Duration.ofDays(30)));
    CertificateView expired =
        DefaultConsoleService.certificate("tls", tls, notAfter.plus(Duration.ofDays(2)));

    assertThat(early.daysLeft()).isEqualTo(31);
    assertThat(early.warning()).isFalse();
    assertThat(due.daysLeft()).isEqualTo(30);
    assertThat(due.warning()).isTrue();
    assertThat(expired.daysLeft()).isEqualTo(-2);
    assertThat(expired.warning()).isTrue();
    assertThat(early.subject()).contains("CN=hospital-a");
    assertThat(early.sha256()).matches("[0-9a-f]{64}");
    assertThat(early.notAfter()).isEqualTo(notAfter);
  }

  @Test
  void aPeerIsReachableOnlyWhileItsBridgeRunsAndNothingWaitsForIt() {
    assertThat(DefaultConsoleService.peerState(true, 0L)).isEqualTo("reachable");
    assertThat(DefaultConsoleService.peerState(true, 3L)).isEqualTo("backlog");
    assertThat(DefaultConsoleService.peerState(false, 0L)).isEqualTo("down");
    assertThat(DefaultConsoleService.peerState(null, null)).isEqualTo("down");
    assertThat(DefaultConsoleService.peerState(true, null)).isEqualTo("unknown");
  }
}
