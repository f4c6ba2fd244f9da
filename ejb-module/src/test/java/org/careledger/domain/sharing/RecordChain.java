package org.careledger.domain.sharing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * A channel's sharing transactions for the tests of record versions, appended in chain order: the
 * members are hospital-a (the provider, 0), clinic-b (1) and pharmacy-c (2). Every transaction
 * carries the fixture's time ({@link #TIME} plus the blocks committed).
 */
final class RecordChain {

  static final int PROVIDER = 0;
  static final int USER = 1;
  static final int OTHER = 2;

  /** The time of the fixture's transactions, plus one ms per block it has committed. */
  static final long TIME = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  final LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c");
  final List<SignedTransaction> chain = new ArrayList<>();

  InstitutionId institution(int member) {
    return f.members.get(member).institution();
  }

  SignedTransaction add(SignedTransaction tx) {
    chain.add(tx);
    return tx;
  }

  SignedTransaction register(String recordId) {
    return add(f.register(PROVIDER, recordId));
  }

  SignedTransaction request(int author, String requestId, String recordId) {
    return add(
        f.tx(
            author,
            TransactionType.REQUEST,
            Bodies.of(
                "requestId",
                requestId,
                "scope",
                "record",
                "recordId",
                recordId,
                "purpose",
                "TREAT")));
  }

  /**
   * A class request by {@code author} to the provider for the fixture's patient ("cd…") and lab
   * reports (11502-2), the class and patient of every record {@link #register} makes; not added.
   */
  SignedTransaction classRequestTx(int author, String requestId) {
    return f.tx(
        author,
        TransactionType.REQUEST,
        Bodies.of(
            "requestId",
            requestId,
            "scope",
            "class",
            "patient",
            "cd".repeat(32),
            "documentClass",
            "11502-2",
            "provider",
            institution(PROVIDER).value(),
            "purpose",
            "TREAT"));
  }

  /** A grant by the provider to {@code grantee}, of version {@code version} (none named: null). */
  SignedTransaction grant(
      String requestId, String recordId, int grantee, Long version, Long expiresAt) {
    return add(grantTx(requestId, recordId, grantee, version, expiresAt));
  }

  SignedTransaction grantTx(
      String requestId, String recordId, int grantee, Long version, Long expiresAt) {
    Map<String, Object> body =
        Bodies.of(
            "requestId",
            requestId,
            "recordId",
            recordId,
            "grantee",
            institution(grantee).value(),
            "envelopeHash",
            hash('e', version == null ? 1 : version));
    if (version != null) {
      body.put("version", version);
    }
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt);
    }
    return f.tx(PROVIDER, TransactionType.GRANT, body);
  }

  /** Request by the user and grant by the provider, without version (as before amendments). */
  SignedTransaction shared(String recordId, String requestId, int grantee) {
    request(grantee, requestId, recordId);
    return grant(requestId, recordId, grantee, null, null);
  }

  SignedTransaction revoke(SignedTransaction grant) {
    return add(f.tx(PROVIDER, TransactionType.REVOKE, Bodies.of("grantTx", grant.idHex())));
  }

  SignedTransaction erase(String recordId) {
    return add(
        f.tx(
            PROVIDER,
            TransactionType.ERASE,
            Bodies.of(
                "recordId",
                recordId,
                "contentHash",
                "ab".repeat(32),
                "reasonCode",
                "patient-request")));
  }

  /** An amendment by {@code author} from {@code previous} to {@code version}. */
  SignedTransaction amendTx(
      int author,
      String recordId,
      long previous,
      long version,
      Map<String, String> grantEnvelopes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", recordId);
    body.put("version", version);
    body.put("previousVersion", previous);
    body.put("contentHash", hash('c', version));
    body.put("size", 1000L + version);
    body.put("mediaType", "application/pdf");
    body.put("envelopeHash", hash('0', version));
    body.put("grantEnvelopes", new LinkedHashMap<String, Object>(grantEnvelopes));
    return f.tx(author, TransactionType.AMEND, body);
  }

  SignedTransaction amend(
      String recordId, long previous, long version, Map<String, String> grantEnvelopes) {
    return add(amendTx(PROVIDER, recordId, previous, version, grantEnvelopes));
  }

  /** 64 hex digits: {@code c} repeated, then the number, so each (kind, version) is distinct. */
  static String hash(char c, long n) {
    String suffix = Long.toHexString(n);
    return String.valueOf(c).repeat(64 - suffix.length()) + suffix;
  }

  AccessLedger ledger() {
    return AccessLedger.of(chain);
  }
}
