package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.junit.jupiter.api.Test;

/**
 * The policy in block validation: grants judged from the committed chain and from what comes before
 * them in the same block; a grant that names no request or record is refused too.
 */
class PolicyValidatorTest {

  private static final String PATIENT = "cd".repeat(32);
  private final LedgerFixture f =
      new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
  private final Block genesis = f.genesis();

  private final Map<String, PolicyValidator.RecordFacts> records = new HashMap<>();
  private final Map<String, PolicyValidator.RequestFacts> requests = new HashMap<>();
  private final Map<String, String> consents = new HashMap<>();
  private final PolicyValidator validator =
      new PolicyValidator(
          SharingPolicyTest.example(),
          new PolicyValidator.ChainFacts() {
            @Override
            public Optional<PolicyValidator.RecordFacts> record(String recordId) {
              return Optional.ofNullable(records.get(recordId));
            }

            @Override
            public Optional<PolicyValidator.RequestFacts> request(String requestId) {
              return Optional.ofNullable(requests.get(requestId));
            }

            @Override
            public Optional<String> consent(String patient, String grantee) {
              return Optional.ofNullable(consents.get(patient + "/" + grantee));
            }
          });

  private SignedTransaction grant(String requestId, String recordId, String grantee) {
    return f.tx(
        0,
        TransactionType.GRANT,
        body(
            "requestId",
            requestId,
            "recordId",
            recordId,
            "grantee",
            grantee,
            "envelopeHash",
            "ee".repeat(32)));
  }

  private SignedTransaction request(int author, String requestId, String recordId, String purpose) {
    return f.tx(
        author,
        TransactionType.REQUEST,
        body("requestId", requestId, "scope", "record", "recordId", recordId, "purpose", purpose));
  }

  private SignedTransaction consent(String grantee, String decision) {
    return f.tx(
        0,
        TransactionType.CONSENT,
        body("patient", PATIENT, "scope", grantee, "decision", decision));
  }

  private static Map<String, Object> body(Object... pairs) {
    return Bodies.of(pairs);
  }

  private void validate(SignedTransaction... txs) {
    ProposedBlock block =
        new ProposedBlock(
            Block.header(
                LedgerFixture.CHANNEL,
                genesis.header(),
                List.of(txs),
                1L,
                f.members.get(0).institution()),
            List.of(txs));
    validator.validate(genesis.header(), block);
  }

  private static void assertViolation(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.errorCode())
                    .isEqualTo(ErrorCode.POLICY_VIOLATION));
  }

  @Test
  void aGrantTheRulesAllowPassesAndOneTheyDoNotIsRefused() {
    records.put("rx-1", new PolicyValidator.RecordFacts("57833-6", PATIENT));
    records.put("lab-1", new PolicyValidator.RecordFacts("11502-2", PATIENT));
    requests.put("q1", new PolicyValidator.RequestFacts("pharmacy-c", "rx-1", "TREAT"));
    requests.put("q2", new PolicyValidator.RequestFacts("pharmacy-c", "lab-1", "TREAT"));

    assertThatCode(() -> validate(grant("q1", "rx-1", "pharmacy-c"))).doesNotThrowAnyException();
    assertViolation(() -> validate(grant("q2", "lab-1", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("q2", "lab-1", "pharmacy-c")));
    // One bad grant makes the whole block unacceptable.
    assertViolation(
        () -> validate(grant("q1", "rx-1", "pharmacy-c"), grant("q2", "lab-1", "pharmacy-c")));
  }

  @Test
  void consentOnTheChainOrEarlierInTheBlockCountsAndItsWithdrawalToo() {
    records.put("lab-1", new PolicyValidator.RecordFacts("11502-2", PATIENT));
    requests.put("q3", new PolicyValidator.RequestFacts("insurer-d", "lab-1", "HPAYMT"));

    assertViolation(() -> validate(grant("q3", "lab-1", "insurer-d")));
    assertThatCode(
            () -> validate(consent("insurer-d", "permit"), grant("q3", "lab-1", "insurer-d")))
        .doesNotThrowAnyException();
    consents.put(PATIENT + "/insurer-d", "permit");
    assertThatCode(() -> validator.admit(grant("q3", "lab-1", "insurer-d")))
        .doesNotThrowAnyException();
    assertViolation(
        () -> validate(consent("insurer-d", "withdraw"), grant("q3", "lab-1", "insurer-d")));
  }

  @Test
  void aRequestAndARegistrationEarlierInTheBlockAreSeen() {
    Map<String, Object> registration =
        body(
            "recordId",
            "rx-2",
            "version",
            1L,
            "contentHash",
            "ab".repeat(32),
            "size",
            10L,
            "mediaType",
            "application/pdf",
            "documentClass",
            "57833-6",
            "patient",
            PATIENT);
    assertThatCode(
            () ->
                validate(
                    f.tx(0, TransactionType.REGISTER, registration),
                    request(2, "q4", "rx-2", "TREAT"),
                    grant("q4", "rx-2", "pharmacy-c")))
        .doesNotThrowAnyException();
  }

  @Test
  void aGrantNamingNoRequestNoRecordOrAnotherRequesterIsRefused() {
    records.put("rx-1", new PolicyValidator.RecordFacts("57833-6", PATIENT));
    requests.put("q1", new PolicyValidator.RequestFacts("pharmacy-c", "rx-1", "TREAT"));

    assertViolation(() -> validator.admit(grant("nope", "rx-1", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("q1", "rx-9", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("q1", "rx-1", "clinic-b")));
  }

  private static PolicyValidator.RequestFacts classRequest(
      String requester, String documentClass, String purpose) {
    return new PolicyValidator.RequestFacts(
        requester, null, purpose, true, PATIENT, documentClass, "hospital-a");
  }

  @Test
  void grantsUnderAClassRequestAreJudgedByThePolicyExactlyAsRecordGrants() {
    records.put("rx-1", new PolicyValidator.RecordFacts("57833-6", PATIENT, "hospital-a"));
    records.put("rx-2", new PolicyValidator.RecordFacts("57833-6", PATIENT, "hospital-a"));
    records.put("lab-1", new PolicyValidator.RecordFacts("11502-2", PATIENT, "hospital-a"));
    requests.put("c-rx", classRequest("pharmacy-c", "57833-6", "TREAT"));
    requests.put("c-rx-pay", classRequest("pharmacy-c", "57833-6", "HPAYMT"));
    requests.put("c-lab", classRequest("pharmacy-c", "11502-2", "TREAT"));
    requests.put("c-lab-ins", classRequest("insurer-d", "11502-2", "HPAYMT"));

    // Several grants, one per record, under one class request.
    assertThatCode(
            () ->
                validate(grant("c-rx", "rx-1", "pharmacy-c"), grant("c-rx", "rx-2", "pharmacy-c")))
        .doesNotThrowAnyException();
    // The class the pharmacy may not receive, or a purpose it may not use: refused.
    assertViolation(() -> validator.admit(grant("c-lab", "lab-1", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("c-rx-pay", "rx-1", "pharmacy-c")));
    // Consent required for the insurer: refused without, allowed with.
    assertViolation(() -> validator.admit(grant("c-lab-ins", "lab-1", "insurer-d")));
    consents.put(PATIENT + "/insurer-d", "permit");
    assertThatCode(() -> validator.admit(grant("c-lab-ins", "lab-1", "insurer-d")))
        .doesNotThrowAnyException();
  }

  @Test
  void aClassGrantForARecordOfAnotherPatientClassOrProviderOrToAnotherGranteeIsRefused() {
    records.put("rx-1", new PolicyValidator.RecordFacts("57833-6", PATIENT, "hospital-a"));
    records.put("rx-x", new PolicyValidator.RecordFacts("57833-6", "77".repeat(32), "hospital-a"));
    records.put("dis-1", new PolicyValidator.RecordFacts("18842-5", PATIENT, "hospital-a"));
    records.put("rx-c", new PolicyValidator.RecordFacts("57833-6", PATIENT, "clinic-b"));
    requests.put("c-rx", classRequest("pharmacy-c", "57833-6", "TREAT"));
    requests.put("c-any", classRequest("clinic-b", "57833-6", "TREAT"));

    assertThatCode(() -> validator.admit(grant("c-rx", "rx-1", "pharmacy-c")))
        .doesNotThrowAnyException();
    assertViolation(() -> validator.admit(grant("c-rx", "rx-x", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("c-rx", "dis-1", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("c-rx", "rx-c", "pharmacy-c")));
    assertViolation(() -> validator.admit(grant("c-rx", "rx-1", "clinic-b")));
    // clinic-b has no role rules (any class, any purpose), so only the request's terms refuse
    // these: another class, another patient, another provider's record, another author.
    assertThatCode(() -> validator.admit(grant("c-any", "rx-1", "clinic-b")))
        .doesNotThrowAnyException();
    assertViolation(() -> validator.admit(grant("c-any", "dis-1", "clinic-b")));
    assertViolation(() -> validator.admit(grant("c-any", "rx-x", "clinic-b")));
    assertViolation(() -> validator.admit(grant("c-any", "rx-c", "clinic-b")));
    assertViolation(
        () ->
            validator.admit(
                f.tx(
                    1,
                    TransactionType.GRANT,
                    body(
                        "requestId",
                        "c-any",
                        "recordId",
                        "rx-1",
                        "grantee",
                        "clinic-b",
                        "envelopeHash",
                        "ee".repeat(32)))));
  }

  @Test
  void aClassRequestAndARegistrationEarlierInTheBlockAreSeen() {
    Map<String, Object> registration =
        body(
            "recordId",
            "rx-3",
            "version",
            1L,
            "contentHash",
            "ab".repeat(32),
            "size",
            10L,
            "mediaType",
            "application/pdf",
            "documentClass",
            "57833-6",
            "patient",
            PATIENT);
    SignedTransaction request =
        f.tx(
            2,
            TransactionType.REQUEST,
            body(
                "requestId",
                "c5",
                "scope",
                "class",
                "patient",
                PATIENT,
                "documentClass",
                "57833-6",
                "provider",
                "hospital-a",
                "purpose",
                "TREAT"));
    assertThatCode(
            () ->
                validate(
                    f.tx(0, TransactionType.REGISTER, registration),
                    request,
                    grant("c5", "rx-3", "pharmacy-c")))
        .doesNotThrowAnyException();
    // The same class request asking for prescriptions cannot be answered with a lab report.
    Map<String, Object> lab = new java.util.LinkedHashMap<>(registration);
    lab.put("recordId", "lab-3");
    lab.put("documentClass", "11502-2");
    assertViolation(
        () ->
            validate(
                f.tx(0, TransactionType.REGISTER, lab),
                request,
                grant("c5", "lab-3", "pharmacy-c")));
  }
}
