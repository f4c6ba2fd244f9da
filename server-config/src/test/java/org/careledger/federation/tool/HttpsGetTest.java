package org.careledger.federation.tool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpsGetTest {

  /** It accepts any certificate, so it may only ever talk to this machine. */
  @Test
  void onlyLoopbackHostsAreAccepted() {
    assertThat(HttpsGet.isLoopback("127.0.0.1")).isTrue();
    assertThat(HttpsGet.isLoopback("127.1.2.3")).isTrue();
    assertThat(HttpsGet.isLoopback("localhost")).isTrue();
    assertThat(HttpsGet.isLoopback("[::1]")).isTrue();
    assertThat(HttpsGet.isLoopback("10.0.0.1")).isFalse();
    assertThat(HttpsGet.isLoopback("127.0.0.1.example.org")).isFalse();
    assertThat(HttpsGet.isLoopback("127.0.0.1a")).isFalse();
    assertThat(HttpsGet.isLoopback("hospital.example")).isFalse();
    assertThat(HttpsGet.isLoopback(null)).isFalse();
  }
}
