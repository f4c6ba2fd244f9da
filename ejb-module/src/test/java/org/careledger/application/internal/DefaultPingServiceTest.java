package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.careledger.application.federation.InboundFederationMessage;
import org.careledger.application.federation.Ping;
import org.careledger.application.federation.PingService.ReceivedPing;
import org.careledger.domain.identity.InstitutionId;
import org.junit.jupiter.api.Test;

/** The inbound side of pings: recorded when well formed, dropped (not retried) otherwise. */
class DefaultPingServiceTest {

  private final DefaultPingService service = new DefaultPingService();

  @Test
  void recordsAPingWithItsSenderNonceAndTimes() {
    Ping ping = Ping.of(new InstitutionId("clinic-b"), new byte[16], Instant.ofEpochMilli(1_000L));
    Instant received = Instant.ofEpochMilli(1_250L);

    service.receive(new InboundFederationMessage("clinic-b", ping.encode(), received));

    assertThat(service.received())
        .containsExactly(
            new ReceivedPing(
                "clinic-b", "clinic-b", ping.nonce(), Instant.ofEpochMilli(1_000L), received));
  }

  @Test
  void malformedAndUnknownMessagesAreDroppedWithoutAnException() {
    service.receive(
        new InboundFederationMessage(
            "clinic-b",
            "careledger-ping/1 clinic-b nothex 1".getBytes(StandardCharsets.US_ASCII),
            Instant.now()));
    service.receive(
        new InboundFederationMessage(
            "clinic-b", "{\"kind\":\"vote\"}".getBytes(StandardCharsets.UTF_8), Instant.now()));

    assertThat(service.received()).isEmpty();
  }

  @Test
  void keepsOnlyTheLatestPings() {
    for (int i = 0; i < DefaultPingService.KEEP + 5; i++) {
      byte[] nonce = new byte[16];
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >> 8);
      service.receive(
          new InboundFederationMessage(
              "aa",
              Ping.of(new InstitutionId("aa"), nonce, Instant.ofEpochMilli(i)).encode(),
              Instant.ofEpochMilli(i)));
    }

    assertThat(service.received()).hasSize(DefaultPingService.KEEP);
    assertThat(service.received().get(0).sentAt()).isEqualTo(Instant.ofEpochMilli(5));
  }
}
