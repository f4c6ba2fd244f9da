package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.sharing.RecordChain.OTHER;
import static org.careledger.domain.sharing.RecordChain.PROVIDER;
import static org.careledger.domain.sharing.RecordChain.TIME;
import static org.careledger.domain.sharing.RecordChain.USER;
import static org.careledger.domain.sharing.RecordChain.hash;

import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.Test;

/**
 * Versions as the chain says: amendments that count, the current version, grants carried over to
 * new versions (and which envelope serves which version), and what a provider plans before it
 * stores a new version.
 */
class AccessLedgerVersionsTest {

  private static final long NOW = TIME + 60_000L;
  private final RecordChain c = new RecordChain();

  @Test
  void anAmendmentByTheProviderMakesTheNextVersionCurrentAndKeepsTheOldOne() {
    SignedTransaction register = c.register("rec-1");
    SignedTransaction amend = c.amend("rec-1", 1, 2, Map.of());

    AccessLedger ledger = c.ledger();
    AccessLedger.Registration current = ledger.record("rec-1").orElseThrow();
    assertThat(current.version()).isEqualTo(2L);
    assertThat(current.contentHash()).isEqualTo(hash('c', 2));
    assertThat(current.size()).isEqualTo(1002L);
    assertThat(current.envelopeHash()).isEqualTo(hash('0', 2));
    assertThat(current.txId()).isEqualTo(amend.idHex());
    assertThat(current.provider()).isEqualTo(c.institution(PROVIDER));
    assertThat(ledger.versions("rec-1"))
        .extracting(AccessLedger.Registration::version, AccessLedger.Registration::txId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, register.idHex()),
            org.assertj.core.groups.Tuple.tuple(2L, amend.idHex()));
  }

  @Test
  void anAmendmentByAnotherMemberOrOutOfSequenceDoesNotCount() {
    c.register("rec-1");
    c.add(c.amendTx(USER, "rec-1", 1, 2, Map.of()));
    c.amend("rec-1", 1, 3, Map.of()); // skips 2
    c.amend("rec-1", 0, 2, Map.of()); // names a previous version that is not current
    c.amend("no-such-record", 1, 2, Map.of());

    AccessLedger ledger = c.ledger();
    assertThat(ledger.record("rec-1").orElseThrow().version()).isEqualTo(1L);
    assertThat(ledger.versions("rec-1")).hasSize(1);
    assertThat(ledger.record("no-such-record")).isEmpty();
  }

  @Test
  void amendmentsCountInVersionOrderAndTheFirstOfTwoForOneVersionWins() {
    c.register("rec-1");
    SignedTransaction third = c.add(c.amendTx(PROVIDER, "rec-1", 2, 3, Map.of()));
    SignedTransaction second = c.amend("rec-1", 1, 2, Map.of());
    c.amend("rec-1", 1, 2, Map.of()); // a second version 2: never commits on a validated chain

    AccessLedger ledger = c.ledger();
    assertThat(ledger.versions("rec-1"))
        .extracting(AccessLedger.Registration::txId)
        .containsExactly(c.chain.get(0).idHex(), second.idHex(), third.idHex());
  }

  @Test
  void aGrantCarriedOverByAnAmendmentReadsTheNewVersionWithTheAmendmentsEnvelope() {
    c.register("rec-1");
    SignedTransaction grant = c.shared("rec-1", "req-1", USER);
    c.amend("rec-1", 1, 2, Map.of(grant.idHex(), hash('f', 2)));

    AccessLedger ledger = c.ledger();
    AccessLedger.Grant inForce =
        ledger.grantInForce("rec-1", c.institution(USER), NOW).orElseThrow();
    assertThat(inForce.txId()).isEqualTo(grant.idHex());
    assertThat(inForce.version()).isEqualTo(1L);
    AccessLedger.Registration current = ledger.record("rec-1").orElseThrow();
    assertThat(AccessLedger.envelopeFor(inForce, current)).contains(hash('f', 2));
    assertThat(AccessLedger.envelopeFor(inForce, ledger.versions("rec-1").get(0)))
        .contains(hash('e', 1));
    assertThat(ledger.envelopesOf(inForce)).containsExactly(hash('e', 1), hash('f', 2));
  }

  @Test
  void aGrantTheAmendmentDidNotCarryOverGivesNoAccessToTheNewVersion() {
    c.register("rec-1");
    c.shared("rec-1", "req-1", USER);
    c.amend("rec-1", 1, 2, Map.of()); // only on a chain without block validation

    assertThat(c.ledger().grantInForce("rec-1", c.institution(USER), NOW)).isEmpty();
  }

  @Test
  void aGrantMadeAtTheCurrentVersionUsesItsOwnEnvelope() {
    c.register("rec-1");
    c.amend("rec-1", 1, 2, Map.of());
    c.request(USER, "req-1", "rec-1");
    SignedTransaction grant = c.grant("req-1", "rec-1", USER, 2L, null);

    AccessLedger ledger = c.ledger();
    AccessLedger.Grant inForce =
        ledger.grantInForce("rec-1", c.institution(USER), NOW).orElseThrow();
    assertThat(inForce.txId()).isEqualTo(grant.idHex());
    assertThat(AccessLedger.envelopeFor(inForce, ledger.record("rec-1").orElseThrow()))
        .contains(hash('e', 2));
    // A grant made at version 2 names no envelope for version 1.
    assertThat(AccessLedger.envelopeFor(inForce, ledger.versions("rec-1").get(0))).isEmpty();
  }

  @Test
  void anErasedRecordHasNoGrantInForceWhateverItsVersion() {
    c.register("rec-1");
    SignedTransaction grant = c.shared("rec-1", "req-1", USER);
    c.amend("rec-1", 1, 2, Map.of(grant.idHex(), hash('f', 2)));
    c.erase("rec-1");

    assertThat(c.ledger().erased("rec-1")).isTrue();
    assertThat(c.ledger().grantInForce("rec-1", c.institution(USER), NOW)).isEmpty();
  }

  // ---- the provider's plan

  @Test
  void aPlanFollowsTheCurrentVersionAndCarriesOverExactlyTheGrantsInForce() {
    c.register("rec-1");
    SignedTransaction open = c.shared("rec-1", "req-1", USER);
    c.request(OTHER, "req-2", "rec-1");
    c.grant("req-2", "rec-1", OTHER, null, NOW - 1); // expired
    c.request(OTHER, "req-3", "rec-1");
    SignedTransaction revoked = c.grant("req-3", "rec-1", OTHER, null, null);
    c.revoke(revoked);
    c.amend("rec-1", 1, 2, Map.of(open.idHex(), hash('f', 2)));

    AmendmentPlan plan =
        AmendmentPlan.of(c.ledger(), "ch-test", "rec-1", c.institution(PROVIDER), 2L, NOW);

    assertThat(plan.current().version()).isEqualTo(2L);
    assertThat(plan.version()).isEqualTo(3L);
    assertThat(plan.carried()).extracting(AccessLedger.Grant::txId).containsExactly(open.idHex());
    Map<String, Object> body =
        plan.body(
            hash('c', 3), 77L, "text/plain", hash('0', 3), Map.of(open.idHex(), hash('f', 3)));
    assertThat(body)
        .containsEntry("recordId", "rec-1")
        .containsEntry("version", 3L)
        .containsEntry("previousVersion", 2L)
        .containsEntry("grantEnvelopes", Map.of(open.idHex(), hash('f', 3)));
    assertThatThrownBy(() -> plan.body(hash('c', 3), 77L, "text/plain", hash('0', 3), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPlanRefusesAnotherInstitutionAnErasedRecordAStaleVersionAndAnUnknownRecord() {
    c.register("rec-1");
    c.register("rec-2");
    c.erase("rec-2");

    assertCode(
        () -> AmendmentPlan.of(c.ledger(), "ch", "rec-1", c.institution(USER), null, NOW),
        ErrorCode.NOT_RECORD_PROVIDER);
    assertCode(
        () -> AmendmentPlan.of(c.ledger(), "ch", "rec-2", c.institution(PROVIDER), null, NOW),
        ErrorCode.RECORD_ERASED);
    assertCode(
        () -> AmendmentPlan.of(c.ledger(), "ch", "rec-1", c.institution(PROVIDER), 2L, NOW),
        ErrorCode.RECORD_VERSION_CONFLICT);
    assertCode(
        () -> AmendmentPlan.of(c.ledger(), "ch", "rec-9", c.institution(PROVIDER), null, NOW),
        ErrorCode.TX_UNKNOWN);
    assertThat(
            AmendmentPlan.of(c.ledger(), "ch", "rec-1", c.institution(PROVIDER), 1L, NOW).version())
        .isEqualTo(2L);
  }

  static void assertCode(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
