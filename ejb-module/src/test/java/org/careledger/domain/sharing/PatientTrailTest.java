package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.junit.jupiter.api.Test;

/**
 * A patient's trail: their records by any provider, every event about those records (including
 * revokes and denials that name only their grant or request), their consents, and nothing of
 * another patient's.
 */
class PatientTrailTest {

  private static final String ME = "aa".repeat(32);
  private static final String SOMEONE_ELSE = "bb".repeat(32);
  private static final int HOSPITAL = 0;
  private static final int CLINIC = 1;
  private static final int PHARMACY = 2;

  private final LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c");
  private final List<PatientTrail.Committed> chain = new ArrayList<>();

  private SignedTransaction add(int author, TransactionType type, Object... pairs) {
    SignedTransaction tx = f.tx(author, type, Bodies.of(pairs));
    chain.add(new PatientTrail.Committed(tx, chain.size() + 1L, 1_000L * chain.size()));
    return tx;
  }

  private void register(int provider, String recordId, String patient) {
    add(
        provider,
        TransactionType.REGISTER,
        "recordId",
        recordId,
        "version",
        1L,
        "contentHash",
        "ab".repeat(32),
        "size",
        99L,
        "mediaType",
        "application/pdf",
        "documentClass",
        "18842-5",
        "patient",
        patient);
  }

  private void request(int author, String requestId, String recordId, String purpose) {
    add(
        author,
        TransactionType.REQUEST,
        "requestId",
        requestId,
        "scope",
        "record",
        "recordId",
        recordId,
        "purpose",
        purpose);
  }

  private SignedTransaction grant(int author, String requestId, String recordId, int grantee) {
    return add(
        author,
        TransactionType.GRANT,
        "requestId",
        requestId,
        "recordId",
        recordId,
        "grantee",
        f.members.get(grantee).institution().value(),
        "envelopeHash",
        "ee".repeat(32));
  }

  @Test
  void listsThePatientsRecordsOfEveryProviderAndNoOneElses() {
    register(HOSPITAL, "mine-1", ME);
    register(CLINIC, "theirs-1", SOMEONE_ELSE);
    register(CLINIC, "mine-2", ME);
    add(
        HOSPITAL,
        TransactionType.ERASE,
        "recordId",
        "mine-1",
        "contentHash",
        "ab".repeat(32),
        "reasonCode",
        "patient-request");

    PatientTrail trail = PatientTrail.of(ME, chain);

    assertThat(trail.records())
        .extracting(
            PatientTrail.Record::recordId,
            PatientTrail.Record::provider,
            PatientTrail.Record::erased)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mine-1", "hospital-a", true),
            org.assertj.core.groups.Tuple.tuple("mine-2", "clinic-b", false));
  }

  @Test
  void tracesEveryEventAboutTheRecordsIncludingRevokesAndDenialsThatNameNoRecord() {
    register(HOSPITAL, "mine-1", ME);
    register(HOSPITAL, "theirs-1", SOMEONE_ELSE);
    request(CLINIC, "req-1", "mine-1", "TREAT");
    request(CLINIC, "req-x", "theirs-1", "TREAT");
    SignedTransaction grant = grant(HOSPITAL, "req-1", "mine-1", CLINIC);
    grant(HOSPITAL, "req-x", "theirs-1", CLINIC);
    add(
        CLINIC,
        TransactionType.ACCESS_LOGGED,
        "recordId",
        "mine-1",
        "version",
        1L,
        "accessor",
        "clinic-b",
        "basis",
        "grant",
        "grantTx",
        grant.idHex());
    add(
        CLINIC,
        TransactionType.ACCESS_LOGGED,
        "recordId",
        "theirs-1",
        "version",
        1L,
        "accessor",
        "clinic-b",
        "basis",
        "grant",
        "grantTx",
        "00".repeat(32));
    add(HOSPITAL, TransactionType.REVOKE, "grantTx", grant.idHex());
    request(PHARMACY, "req-2", "mine-1", "TREAT");
    add(HOSPITAL, TransactionType.DENY, "requestId", "req-2", "reasonCode", "not-involved");
    add(
        PHARMACY,
        TransactionType.ACCESS_REFUSED,
        "recordId",
        "mine-1",
        "accessor",
        "pharmacy-c",
        "reasonCode",
        "no-grant");
    add(
        PHARMACY,
        TransactionType.BREAK_GLASS,
        "recordId",
        "mine-1",
        "accessor",
        "pharmacy-c",
        "reasonCode",
        "unconscious-patient");

    List<PatientTrail.Event> events = PatientTrail.of(ME, chain).events();

    assertThat(events)
        .extracting(e -> e.type().wireName())
        .containsExactly(
            "register",
            "request",
            "grant",
            "access-logged",
            "revoke",
            "request",
            "deny",
            "access-refused",
            "break-glass");
    assertThat(events).allSatisfy(e -> assertThat(e.recordId()).isEqualTo("mine-1"));
    PatientTrail.Event revoke = events.get(4);
    assertThat(revoke.institution()).isEqualTo("hospital-a");
    PatientTrail.Event deny = events.get(6);
    assertThat(deny.purpose()).as("a denial shows the purpose that was asked").isEqualTo("TREAT");
    assertThat(events.get(2).subject()).isEqualTo("clinic-b");
    assertThat(events.get(3).subject()).isEqualTo("clinic-b");
    assertThat(events)
        .filteredOn(PatientTrail.Event::flagged)
        .extracting(PatientTrail.Event::subject, PatientTrail.Event::reasonCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("pharmacy-c", "unconscious-patient"));
    assertThat(events.get(3).height()).isLessThan(events.get(4).height());
  }

  @Test
  void anAmendmentOfTheirRecordIsInTheTrailAndOneOfAnotherPatientsIsNot() {
    register(HOSPITAL, "mine-1", ME);
    register(HOSPITAL, "theirs-1", SOMEONE_ELSE);
    for (String recordId : new String[] {"mine-1", "theirs-1"}) {
      add(
          HOSPITAL,
          TransactionType.AMEND,
          "recordId",
          recordId,
          "version",
          2L,
          "previousVersion",
          1L,
          "contentHash",
          "cd".repeat(32),
          "size",
          100L,
          "mediaType",
          "application/pdf",
          "envelopeHash",
          "ee".repeat(32),
          "grantEnvelopes",
          new java.util.LinkedHashMap<String, Object>());
    }

    assertThat(PatientTrail.of(ME, chain).events())
        .extracting(e -> e.type().wireName() + " " + e.recordId())
        .containsExactly("register mine-1", "amend mine-1");
  }

  @Test
  void includesThePatientsConsentsButNotAnotherPatients() {
    add(
        HOSPITAL,
        TransactionType.CONSENT,
        "patient",
        ME,
        "scope",
        "pharmacy-c",
        "decision",
        "permit",
        "via",
        "patient");
    add(
        HOSPITAL,
        TransactionType.CONSENT,
        "patient",
        SOMEONE_ELSE,
        "scope",
        "pharmacy-c",
        "decision",
        "permit",
        "via",
        "staff");

    List<PatientTrail.Event> events = PatientTrail.of(ME, chain).events();

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(TransactionType.CONSENT);
              assertThat(e.subject()).isEqualTo("pharmacy-c");
              assertThat(e.decision()).isEqualTo("permit");
              assertThat(e.recordId()).isNull();
            });
  }

  @Test
  void aRecordRegisteredAgainUnderTheSameIdDoesNotChangeItsOwner() {
    register(HOSPITAL, "rec-1", SOMEONE_ELSE);
    register(CLINIC, "rec-1", ME);

    assertThat(PatientTrail.of(ME, chain).records())
        .as("only the first registration of an id counts (AccessLedger's rule too)")
        .isEmpty();
  }

  private void classRequest(int author, String requestId, String patient, String provider) {
    add(
        author,
        TransactionType.REQUEST,
        "requestId",
        requestId,
        "scope",
        "class",
        "patient",
        patient,
        "documentClass",
        "18842-5",
        "provider",
        provider,
        "purpose",
        "TREAT");
  }

  @Test
  void aRequestForThePatientsRecordsOfAClassIsInTheTrailWithItsGrantsAndDenial() {
    register(HOSPITAL, "mine-1", ME);
    register(HOSPITAL, "mine-2", ME);
    register(HOSPITAL, "theirs-1", SOMEONE_ELSE);
    classRequest(CLINIC, "creq-1", ME, "hospital-a");
    grant(HOSPITAL, "creq-1", "mine-1", CLINIC);
    grant(HOSPITAL, "creq-1", "mine-2", CLINIC);
    classRequest(CLINIC, "creq-2", SOMEONE_ELSE, "hospital-a");
    grant(HOSPITAL, "creq-2", "theirs-1", CLINIC);
    classRequest(PHARMACY, "creq-3", ME, "hospital-a");
    add(HOSPITAL, TransactionType.DENY, "requestId", "creq-3", "reasonCode", "not-in-care");
    add(HOSPITAL, TransactionType.DENY, "requestId", "creq-2", "reasonCode", "not-in-care");

    List<PatientTrail.Event> events = PatientTrail.of(ME, chain).events();

    assertThat(events)
        .extracting(e -> e.type().wireName() + " " + e.recordId() + " " + e.documentClass())
        .containsExactly(
            "register mine-1 null",
            "register mine-2 null",
            "request null 18842-5",
            "grant mine-1 null",
            "grant mine-2 null",
            "request null 18842-5",
            "deny null 18842-5");
    PatientTrail.Event request = events.get(2);
    assertThat(request.institution()).isEqualTo("clinic-b");
    assertThat(request.subject()).as("the provider asked").isEqualTo("hospital-a");
    assertThat(request.purpose()).isEqualTo("TREAT");
    assertThat(events.get(3).purpose()).as("a grant shows the purpose asked").isEqualTo("TREAT");
    assertThat(events.get(6).institution()).isEqualTo("hospital-a");
    assertThat(events.get(6).purpose()).isEqualTo("TREAT");
    // The other patient's trail has their class request and grant, and none of mine.
    assertThat(PatientTrail.of(SOMEONE_ELSE, chain).events())
        .extracting(e -> e.type().wireName() + " " + e.recordId())
        .containsExactly("register theirs-1", "request null", "grant theirs-1", "deny null");
  }

  @Test
  void aResearchExportAndAResearchConsentAreInTheTrailOfThePatientsTheyName() {
    register(HOSPITAL, "lab-1", ME);
    add(
        HOSPITAL,
        TransactionType.CONSENT,
        "patient",
        ME,
        "scope",
        ResearchConsent.SCOPE,
        "decision",
        "permit",
        "via",
        "staff");
    SignedTransaction mine =
        add(
            HOSPITAL,
            TransactionType.RESEARCH_EXPORT,
            "exportId",
            "e-1",
            "documentClass",
            "2339-0",
            "k",
            5L,
            "patients",
            List.of(SOMEONE_ELSE, ME),
            "records",
            2L,
            "datasetHash",
            "cd".repeat(32));
    SignedTransaction notMine =
        add(
            HOSPITAL,
            TransactionType.RESEARCH_EXPORT,
            "exportId",
            "e-2",
            "documentClass",
            "2339-0",
            "k",
            5L,
            "patients",
            List.of(SOMEONE_ELSE),
            "records",
            1L,
            "datasetHash",
            "ef".repeat(32));

    List<PatientTrail.Event> events = PatientTrail.of(ME, chain).events();

    assertThat(events)
        .extracting(PatientTrail.Event::type)
        .containsExactly(
            TransactionType.REGISTER, TransactionType.CONSENT, TransactionType.RESEARCH_EXPORT);
    PatientTrail.Event consent = events.get(1);
    assertThat(consent.purpose()).isEqualTo("HRESCH");
    PatientTrail.Event export = events.get(2);
    assertThat(export.txId()).isEqualTo(mine.idHex()).isNotEqualTo(notMine.idHex());
    assertThat(export.institution()).isEqualTo("hospital-a");
    assertThat(export.documentClass()).isEqualTo("2339-0");
    assertThat(export.purpose()).isEqualTo("HRESCH");
    assertThat(export.recordId()).isNull();
    assertThat(PatientTrail.of(SOMEONE_ELSE, chain).events())
        .extracting(PatientTrail.Event::txId)
        .contains(mine.idHex(), notMine.idHex());
  }
}
