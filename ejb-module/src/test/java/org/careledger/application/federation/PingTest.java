package org.careledger.application.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.junit.jupiter.api.Test;

class PingTest {

  private static final byte[] NONCE =
      new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  @Test
  void roundTripsThroughItsWireForm() {
    Ping ping =
        Ping.of(new InstitutionId("hospital-a"), NONCE, Instant.ofEpochMilli(1_700_000_000_123L));

    byte[] wire = ping.encode();

    assertThat(new String(wire, StandardCharsets.US_ASCII))
        .isEqualTo("careledger-ping/1 hospital-a 0102030405060708090a0b0c0d0e0f10 1700000000123");
    assertThat(Ping.isPing(wire)).isTrue();
    assertThat(Ping.decode(wire)).isEqualTo(ping);
  }

  @Test
  void anythingButTheExactFormIsMalformed() {
    for (String bad :
        new String[] {
          "careledger-ping/1 hospital-a 0102 1700000000123",
          "careledger-ping/1 Hospital-A 0102030405060708090a0b0c0d0e0f10 1",
          "careledger-ping/1 hospital-a 0102030405060708090a0b0c0d0e0f10 1 extra",
          "careledger-ping/1 -a 0102030405060708090a0b0c0d0e0f10 1",
          "careledger-ping/2 hospital-a 0102030405060708090a0b0c0d0e0f10 1",
        }) {
      assertThatThrownBy(() -> Ping.decode(bad.getBytes(StandardCharsets.US_ASCII)))
          .as(bad)
          .isInstanceOfSatisfying(
              CareLedgerException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_MESSAGE_MALFORMED));
    }
    assertThatThrownBy(() -> Ping.decode(new byte[300])).isInstanceOf(CareLedgerException.class);
  }

  @Test
  void otherPayloadsAreNotPings() {
    assertThat(Ping.isPing("{\"type\":\"vote\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(Ping.isPing(new byte[0])).isFalse();
  }
}
