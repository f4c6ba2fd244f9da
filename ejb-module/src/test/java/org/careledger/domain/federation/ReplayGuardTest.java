package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.federation.FederationEnvelopeTest.id;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

  private static final InstitutionId A = new InstitutionId("hospital-a");
  private static final InstitutionId B = new InstitutionId("clinic-b");
  private static final long T = 1_800_000_000_000L;
  private static final long MINUTE = 60_000L;

  private final ReplayGuard guard = new ReplayGuard();

  @Test
  void admitsOutOfOrderButOnlyOncePerSenderAndId() {
    guard.admit(A, id(2), T + 2_000, T);
    guard.admit(A, id(1), T - 2_000, T); // older, but arrives later: fine
    guard.admit(B, id(1), T, T); // same id, other sender: another message

    assertRejected(
        () -> guard.admit(A, id(1), T - 2_000, T + 10), ErrorCode.FEDERATION_ENVELOPE_DUPLICATE);
    assertRejected(
        () -> guard.admit(A, id(2), T + 2_000, T + 10), ErrorCode.FEDERATION_ENVELOPE_DUPLICATE);
    assertThat(guard.size()).isEqualTo(3);
  }

  @Test
  void rejectsEnvelopesOutsideTheWindowButToleratesFiveMinutesOfSkew() {
    guard.admit(A, id(1), T + 5 * MINUTE, T);
    guard.admit(A, id(2), T - 5 * MINUTE, T);

    assertRejected(
        () -> guard.admit(A, id(3), T + 11 * MINUTE, T),
        ErrorCode.FEDERATION_ENVELOPE_FROM_THE_FUTURE);
    assertRejected(
        () -> guard.admit(A, id(4), T - 11 * MINUTE, T), ErrorCode.FEDERATION_ENVELOPE_EXPIRED);
  }

  @Test
  void forgetsIdsOnlyOnceTheirEnvelopesCanNoLongerBeAdmitted() {
    guard.admit(A, id(1), T, T);
    guard.admit(A, id(2), T + 20 * MINUTE, T + 20 * MINUTE); // evicts id 1

    assertThat(guard.size()).isEqualTo(1);
    // The replay of id 1 is now refused as expired instead of admitted again.
    assertRejected(
        () -> guard.admit(A, id(1), T, T + 20 * MINUTE), ErrorCode.FEDERATION_ENVELOPE_EXPIRED);
    // Nor does a clock stepping back revive it.
    assertRejected(
        () -> guard.admit(A, id(1), T, T + MINUTE), ErrorCode.FEDERATION_ENVELOPE_EXPIRED);
  }

  @Test
  void whenFullRefusesNewIdsRatherThanForgettingLiveOnes() {
    ReplayGuard small = new ReplayGuard(Duration.ofMinutes(5), Duration.ofMinutes(5), 2);
    small.admit(A, id(1), T, T);
    small.admit(A, id(2), T, T);

    assertRejected(() -> small.admit(A, id(3), T, T), ErrorCode.FEDERATION_REPLAY_GUARD_FULL);
    assertRejected(() -> small.admit(A, id(1), T, T), ErrorCode.FEDERATION_ENVELOPE_DUPLICATE);
    small.admit(A, id(3), T + 6 * MINUTE, T + 6 * MINUTE); // the first two have expired
    assertThat(small.size()).isEqualTo(1);
  }

  @Test
  void windowsBelowFiveMinutesAreRefused() {
    assertThatThrownBy(() -> new ReplayGuard(Duration.ofMinutes(4), Duration.ofMinutes(5), 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parallelConsumersAdmitEachEnvelopeExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  int admitted = 0;
                  for (int i = 0; i < 5_000; i++) {
                    try {
                      guard.admit(A, id(i), T + (i % 1000), T);
                      admitted++;
                    } catch (CareLedgerException e) {
                      assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENVELOPE_DUPLICATE);
                    }
                  }
                  return admitted;
                }));
      }
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(5_000);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertRejected(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
