package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.junit.jupiter.api.Test;

/** Who may read what, as the chain says: each rule, and transactions that break one. */
class AccessLedgerTest {

  private static final int PROVIDER = 0;
  private static final int USER = 1;
  private static final int OTHER = 2;
  private static final long NOW = 1_800_000_000_000L;

  private final LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c");
  private final List<SignedTransaction> chain = new ArrayList<>();

  private SignedTransaction add(int author, TransactionType type, Map<String, Object> body) {
    SignedTransaction tx = f.tx(author, type, body);
    chain.add(tx);
    return tx;
  }

  private void register(String recordId) {
    chain.add(f.register(PROVIDER, recordId));
  }

  private void request(int author, String requestId, String recordId) {
    add(
        author,
        TransactionType.REQUEST,
        body("requestId", requestId, "scope", "record", "recordId", recordId, "purpose", "TREAT"));
  }

  private SignedTransaction grant(int author, String requestId, String recordId, int grantee) {
    return grant(author, requestId, recordId, grantee, null);
  }

  private SignedTransaction grant(
      int author, String requestId, String recordId, int grantee, Long expiresAt) {
    Map<String, Object> body =
        body(
            "requestId",
            requestId,
            "recordId",
            recordId,
            "grantee",
            f.members.get(grantee).institution().value(),
            "envelopeHash",
            "ee".repeat(32));
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt);
    }
    return add(author, TransactionType.GRANT, body);
  }

  private static Map<String, Object> body(Object... pairs) {
    return Bodies.of(pairs);
  }

  private InstitutionId institution(int member) {
    return f.members.get(member).institution();
  }

  private AccessLedger ledger() {
    return AccessLedger.of(chain);
  }

  @Test
  void aGrantByTheProviderOnTheUsersRequestIsInForce() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    SignedTransaction grant = grant(PROVIDER, "req-1", "rec-1", USER);

    AccessLedger ledger = ledger();
    assertThat(ledger.grantInForce("rec-1", institution(USER), NOW))
        .get()
        .satisfies(
            g -> {
              assertThat(g.txId()).isEqualTo(grant.idHex());
              assertThat(g.grantor()).isEqualTo(institution(PROVIDER));
              assertThat(g.envelopeHash()).isEqualTo("ee".repeat(32));
            });
    assertThat(ledger.request("req-1").orElseThrow().status())
        .isEqualTo(AccessLedger.Status.GRANTED);
    assertThat(ledger.grantInForce("rec-1", institution(OTHER), NOW)).isEmpty();
  }

  @Test
  void noRequestOrNoDecisionMeansNoAccess() {
    register("rec-1");
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isEmpty();
    request(USER, "req-1", "rec-1");
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isEmpty();
    assertThat(ledger().request("req-1").orElseThrow().status())
        .isEqualTo(AccessLedger.Status.OPEN);
  }

  @Test
  void aGrantByAnyoneButTheProviderDoesNotCount() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    grant(OTHER, "req-1", "rec-1", USER);
    grant(USER, "req-1", "rec-1", USER);

    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isEmpty();
    assertThat(ledger().request("req-1").orElseThrow().status())
        .isEqualTo(AccessLedger.Status.OPEN);
  }

  @Test
  void aGrantToSomeoneOtherThanTheRequesterOrForAnotherRecordDoesNotCount() {
    register("rec-1");
    register("rec-2");
    request(USER, "req-1", "rec-1");
    grant(PROVIDER, "req-1", "rec-1", OTHER);
    grant(PROVIDER, "req-1", "rec-2", USER);

    AccessLedger ledger = ledger();
    assertThat(ledger.grantInForce("rec-1", institution(OTHER), NOW)).isEmpty();
    assertThat(ledger.grantInForce("rec-2", institution(USER), NOW)).isEmpty();
    assertThat(ledger.grantInForce("rec-1", institution(USER), NOW)).isEmpty();
  }

  @Test
  void aRevokeByTheGrantorEndsTheGrantAndOneByAnyoneElseDoesNot() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    SignedTransaction grant = grant(PROVIDER, "req-1", "rec-1", USER);
    add(OTHER, TransactionType.REVOKE, body("grantTx", grant.idHex()));
    add(USER, TransactionType.REVOKE, body("grantTx", grant.idHex()));
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isPresent();

    add(PROVIDER, TransactionType.REVOKE, body("grantTx", grant.idHex()));
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isEmpty();
    assertThat(ledger().grant(grant.idHex()).orElseThrow().revoked()).isTrue();
  }

  @Test
  void transactionOrderDoesNotChangeTheAnswer() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    SignedTransaction grant = grant(PROVIDER, "req-1", "rec-1", USER);
    add(PROVIDER, TransactionType.REVOKE, body("grantTx", grant.idHex()));
    List<SignedTransaction> reversed = new ArrayList<>(chain);
    java.util.Collections.reverse(reversed);

    assertThat(AccessLedger.of(reversed).grantInForce("rec-1", institution(USER), NOW)).isEmpty();
    assertThat(AccessLedger.of(reversed).request("req-1").orElseThrow().status())
        .isEqualTo(AccessLedger.Status.GRANTED);
  }

  @Test
  void anExpiredGrantIsNotInForce() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    grant(PROVIDER, "req-1", "rec-1", USER, NOW + 1000);

    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW + 999)).isPresent();
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW + 1000)).isEmpty();
  }

  @Test
  void theGrantThatLastsLongestIsChosen() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    request(USER, "req-2", "rec-1");
    grant(PROVIDER, "req-1", "rec-1", USER, NOW + 1000);
    SignedTransaction open = grant(PROVIDER, "req-2", "rec-1", USER);

    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW).orElseThrow().txId())
        .isEqualTo(open.idHex());
  }

  @Test
  void erasureByTheProviderEndsEveryGrant() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    grant(PROVIDER, "req-1", "rec-1", USER);
    add(
        OTHER,
        TransactionType.ERASE,
        body("recordId", "rec-1", "contentHash", "ab".repeat(32), "reasonCode", "forged"));
    assertThat(ledger().erased("rec-1")).isFalse();
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isPresent();

    add(
        PROVIDER,
        TransactionType.ERASE,
        body("recordId", "rec-1", "contentHash", "ab".repeat(32), "reasonCode", "patient-request"));
    assertThat(ledger().erased("rec-1")).isTrue();
    assertThat(ledger().grantInForce("rec-1", institution(USER), NOW)).isEmpty();
  }

  @Test
  void aDenialByTheProviderClosesTheRequestAndOneByAnyoneElseDoesNot() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    add(OTHER, TransactionType.DENY, body("requestId", "req-1"));
    assertThat(ledger().request("req-1").orElseThrow().status())
        .isEqualTo(AccessLedger.Status.OPEN);

    SignedTransaction deny = add(PROVIDER, TransactionType.DENY, body("requestId", "req-1"));
    assertThat(ledger().request("req-1").orElseThrow())
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(AccessLedger.Status.DENIED);
              assertThat(r.decisionTx()).isEqualTo(deny.idHex());
            });
  }

  @Test
  void theFirstRegistrationOfARecordIdNamesItsProvider() {
    register("rec-1");
    chain.add(f.register(OTHER, "rec-1"));
    assertThat(ledger().record("rec-1").orElseThrow().provider()).isEqualTo(institution(PROVIDER));
  }

  @Test
  void aBreakGlassCountsOnlyForItsAuthorOnAKnownRecordAndForAnHour() {
    register("rec-1");
    SignedTransaction own =
        add(
            USER,
            TransactionType.BREAK_GLASS,
            body("recordId", "rec-1", "accessor", "clinic-b", "reasonCode", "unconscious-patient"));
    SignedTransaction forSomeoneElse =
        add(
            USER,
            TransactionType.BREAK_GLASS,
            body("recordId", "rec-1", "accessor", "pharmacy-c", "reasonCode", "unconscious"));
    SignedTransaction unknownRecord =
        add(
            USER,
            TransactionType.BREAK_GLASS,
            body("recordId", "rec-9", "accessor", "clinic-b", "reasonCode", "unconscious"));

    AccessLedger ledger = ledger();
    AccessLedger.BreakGlass event = ledger.breakGlass(own.idHex()).orElseThrow();
    assertThat(event.accessor()).isEqualTo(institution(USER));
    assertThat(event.reasonCode()).isEqualTo("unconscious-patient");
    long at = own.transaction().time();
    assertThat(event.inForce(at)).isTrue();
    assertThat(event.inForce(at + AccessLedger.BREAK_GLASS_MILLIS - 1)).isTrue();
    assertThat(event.inForce(at + AccessLedger.BREAK_GLASS_MILLIS)).isFalse();
    assertThat(event.inForce(at - AccessLedger.CLOCK_SKEW_MILLIS - 1)).isFalse();
    assertThat(ledger.breakGlass(forSomeoneElse.idHex())).isEmpty();
    assertThat(ledger.breakGlass(unknownRecord.idHex())).isEmpty();
    // A break-glass is no grant.
    assertThat(ledger.grantInForce("rec-1", institution(USER), at)).isEmpty();
  }

  // --- Requests for a patient's records of a class ------------------------------------------

  private static final String PATIENT = "cd".repeat(32); // LedgerFixture.register's pseudonym
  private static final String OTHER_PATIENT = "77".repeat(32);
  private static final String LAB = "11502-2"; // LedgerFixture.register's class
  private static final String DISCHARGE = "18842-5";

  private void register(int author, String recordId, String patient, String documentClass) {
    add(
        author,
        TransactionType.REGISTER,
        body(
            "recordId",
            recordId,
            "version",
            1L,
            "contentHash",
            "ab".repeat(32),
            "size",
            10L,
            "mediaType",
            "application/pdf",
            "documentClass",
            documentClass,
            "patient",
            patient,
            "envelopeHash",
            "0e".repeat(32)));
  }

  private void classRequest(int author, String requestId, int provider, String documentClass) {
    add(
        author,
        TransactionType.REQUEST,
        body(
            "requestId",
            requestId,
            "scope",
            "class",
            "patient",
            PATIENT,
            "documentClass",
            documentClass,
            "provider",
            institution(provider).value(),
            "purpose",
            "TREAT"));
  }

  @Test
  void grantsByTheProviderAskedCountForEachRecordOfThePatientAndClass() {
    register(PROVIDER, "lab-1", PATIENT, LAB);
    register(PROVIDER, "lab-2", PATIENT, LAB);
    register(PROVIDER, "dis-1", PATIENT, DISCHARGE);
    classRequest(USER, "creq-1", PROVIDER, LAB);
    SignedTransaction first = grant(PROVIDER, "creq-1", "lab-1", USER);
    SignedTransaction second = grant(PROVIDER, "creq-1", "lab-2", USER);

    AccessLedger ledger = ledger();
    assertThat(ledger.grantInForce("lab-1", institution(USER), NOW).orElseThrow().txId())
        .isEqualTo(first.idHex());
    assertThat(ledger.grantInForce("lab-2", institution(USER), NOW).orElseThrow().txId())
        .isEqualTo(second.idHex());
    assertThat(ledger.grantInForce("dis-1", institution(USER), NOW)).isEmpty();
    assertThat(ledger.grantsFor("creq-1"))
        .extracting(AccessLedger.Grant::recordId)
        .containsExactlyInAnyOrder("lab-1", "lab-2");
    AccessLedger.RequestView request = ledger.request("creq-1").orElseThrow();
    assertThat(request.scope()).isEqualTo(AccessLedger.Scope.CLASS);
    assertThat(request.recordId()).isNull();
    assertThat(request.documentClass()).isEqualTo(LAB);
    assertThat(request.patient()).isEqualTo(PATIENT);
    assertThat(request.provider()).isEqualTo(institution(PROVIDER));
    assertThat(request.status()).isEqualTo(AccessLedger.Status.GRANTED);
    assertThat(request.decisionTx()).isEqualTo(first.idHex());
    // Each grant ends on its own: revoking one leaves the other.
    add(PROVIDER, TransactionType.REVOKE, body("grantTx", first.idHex()));
    assertThat(ledger().grantInForce("lab-1", institution(USER), NOW)).isEmpty();
    assertThat(ledger().grantInForce("lab-2", institution(USER), NOW)).isPresent();
  }

  @Test
  void aClassGrantForARecordOfAnotherPatientClassOrProviderDoesNotCount() {
    register(PROVIDER, "lab-1", PATIENT, LAB);
    register(PROVIDER, "lab-x", OTHER_PATIENT, LAB); // another patient
    register(PROVIDER, "dis-1", PATIENT, DISCHARGE); // another class
    register(OTHER, "lab-c", PATIENT, LAB); // another provider's record of that patient and class
    classRequest(USER, "creq-1", PROVIDER, LAB);
    grant(PROVIDER, "creq-1", "lab-x", USER);
    grant(PROVIDER, "creq-1", "dis-1", USER);
    grant(OTHER, "creq-1", "lab-c", USER); // by its own provider, but not the provider asked
    grant(PROVIDER, "creq-1", "lab-c", USER); // by the provider asked, but not its record
    grant(PROVIDER, "creq-1", "lab-1", OTHER); // to someone other than the requester
    grant(OTHER, "creq-1", "lab-1", USER); // by someone other than the provider

    AccessLedger ledger = ledger();
    for (String recordId : List.of("lab-1", "lab-x", "dis-1", "lab-c")) {
      assertThat(ledger.grantInForce(recordId, institution(USER), NOW)).as(recordId).isEmpty();
      assertThat(ledger.grantInForce(recordId, institution(OTHER), NOW)).as(recordId).isEmpty();
    }
    assertThat(ledger.grantsFor("creq-1")).isEmpty();
    assertThat(ledger.request("creq-1").orElseThrow().status()).isEqualTo(AccessLedger.Status.OPEN);
  }

  @Test
  void aRequestStillAllowsOneGrantPerRecordAndAClassRequestCoversOnlyItsRecords() {
    register("rec-1");
    request(USER, "req-1", "rec-1");
    SignedTransaction first = grant(PROVIDER, "req-1", "rec-1", USER);
    grant(PROVIDER, "req-1", "rec-1", USER, NOW + 1000);
    register(PROVIDER, "lab-1", PATIENT, LAB);
    register(PROVIDER, "lab-2", PATIENT, LAB);
    register(PROVIDER, "lab-3", PATIENT, LAB);
    add(
        PROVIDER,
        TransactionType.ERASE,
        body("recordId", "lab-3", "contentHash", "ab".repeat(32), "reasonCode", "patient-request"));
    classRequest(USER, "creq-1", PROVIDER, LAB);
    SignedTransaction lab1 = grant(PROVIDER, "creq-1", "lab-1", USER);
    grant(PROVIDER, "creq-1", "lab-1", USER, NOW + 1000);

    AccessLedger ledger = ledger();
    assertThat(ledger.grantsFor("req-1"))
        .extracting(AccessLedger.Grant::txId)
        .containsExactly(first.idHex());
    assertThat(ledger.grantsFor("creq-1"))
        .extracting(AccessLedger.Grant::txId)
        .containsExactly(lab1.idHex());
    // What a grant of the class request would cover now: the provider's unerased lab reports of
    // the patient (rec-1 is the fixture's lab report of the same patient, by the same provider).
    assertThat(ledger.recordsCoveredBy(ledger.request("creq-1").orElseThrow()))
        .extracting(AccessLedger.Registration::recordId)
        .containsExactlyInAnyOrder("rec-1", "lab-1", "lab-2");
    assertThat(ledger.recordsCoveredBy(ledger.request("req-1").orElseThrow())).isEmpty();
  }

  @Test
  void aClassRequestIsDeniedOnceByTheProviderAskedAndByNobodyElse() {
    classRequest(USER, "creq-1", PROVIDER, LAB);
    add(OTHER, TransactionType.DENY, body("requestId", "creq-1", "reasonCode", "x"));
    assertThat(ledger().request("creq-1").orElseThrow().status())
        .isEqualTo(AccessLedger.Status.OPEN);
    SignedTransaction deny =
        add(PROVIDER, TransactionType.DENY, body("requestId", "creq-1", "reasonCode", "x"));
    assertThat(ledger().request("creq-1").orElseThrow().decisionTx()).isEqualTo(deny.idHex());
  }

  @Test
  void aClassRequestNamingAMalformedProviderIsDecidedByNobody() {
    register(PROVIDER, "lab-1", PATIENT, LAB);
    add(
        USER,
        TransactionType.REQUEST,
        body(
            "requestId",
            "creq-1",
            "scope",
            "class",
            "patient",
            PATIENT,
            "documentClass",
            LAB,
            "provider",
            "Not An Institution",
            "purpose",
            "TREAT"));
    grant(PROVIDER, "creq-1", "lab-1", USER);
    assertThat(ledger().grantInForce("lab-1", institution(USER), NOW)).isEmpty();
  }
}
