package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.domain.ledger.LedgerFixture.T0;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators are told 30 days ahead which member certificates expire, and which have. */
class CertificateExpiryTest {

  @Test
  void onlyCertificatesExpiringWithinThirtyDaysOrExpiredAreReported() {
    // Certificates are valid 825 days from issue.
    LedgerFixture.Identity fresh = LedgerFixture.identity("hospital-a", T0);
    LedgerFixture.Identity soon =
        LedgerFixture.identity("clinic-b", T0.minus(Duration.ofDays(825 - 12)));
    LedgerFixture.Identity gone =
        LedgerFixture.identity("insurer-d", T0.minus(Duration.ofDays(830)));
    Membership care = new Membership(List.of(fresh.member(), soon.member(), gone.member()));

    List<String> warnings = CertificateExpiry.warnings(Map.of("care-bft", care), T0.toEpochMilli());

    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .contains("care-bft", "clinic-b", soon.member().signingFingerprint().hex(), "in 12 days");
    assertThat(warnings.get(1)).contains("insurer-d", "expired at", "signs nothing");
    assertThat(
            CertificateExpiry.warnings(
                Map.of("care-bft", new Membership(List.of(fresh.member()))), T0.toEpochMilli()))
        .isEmpty();
  }
}
