package org.careledger.domain.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * Who may read what on a channel, as its committed transactions say; the same answer on every
 * member that holds the same chain, since it reads nothing else (the caller supplies the time).
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>a record's provider is the author of its register transaction;
 *   <li>a grant counts only when its author is the provider of the record it names, and it names a
 *       request on the channel for that record by the grantee;
 *   <li>a revoke counts only when its author is the author of the grant it names;
 *   <li>a grant is in force while it is not revoked, not past its {@code expiresAt} (ms since the
 *       epoch, optional) and its record is not erased;
 *   <li>a break-glass access counts when its author names itself as the accessor, for an hour.
 * </ul>
 *
 * Transactions that break a rule stay on the chain (it is append-only) and are ignored here. Until
 * channel policies are checked in block validation (issue 5, item 2), this is where they are
 * enforced: the provider's node serves a document only under a grant in force on its own chain.
 */
public final class AccessLedger {

  /** A record as its register transaction describes it. */
  public record Registration(
      String recordId,
      InstitutionId provider,
      String contentHash,
      long size,
      String envelopeHash,
      String txId) {}

  /** Where an access request stands. */
  public enum Status {
    OPEN,
    GRANTED,
    DENIED
  }

  /** An access request and its decision so far. */
  public record RequestView(
      String requestId,
      String recordId,
      InstitutionId requester,
      String purpose,
      String txId,
      long time,
      Status status,
      String decisionTx) {}

  /** A grant as committed; {@code expiresAt} is 0 for none. */
  public record Grant(
      String txId,
      String requestId,
      String recordId,
      InstitutionId grantee,
      InstitutionId grantor,
      String envelopeHash,
      long expiresAt,
      boolean revoked) {

    public boolean inForce(long nowMillis) {
      return !revoked && (expiresAt == 0 || nowMillis < expiresAt);
    }
  }

  /**
   * Emergency access without a grant (break-glass), by its transaction: counts only when the
   * accessor named is the author, for a record on the channel; in force for {@link
   * #BREAK_GLASS_MILLIS} after the time its author gave it.
   */
  public record BreakGlass(
      String txId, String recordId, InstitutionId accessor, String reasonCode, long time) {

    public boolean inForce(long nowMillis) {
      return nowMillis >= time - CLOCK_SKEW_MILLIS && nowMillis < time + BREAK_GLASS_MILLIS;
    }
  }

  /** How long a break-glass access may be used to retrieve the record: one hour. */
  public static final long BREAK_GLASS_MILLIS = 60 * 60 * 1000L;

  /** How far ahead of the provider's clock a break-glass transaction's time may be. */
  public static final long CLOCK_SKEW_MILLIS = 5 * 60 * 1000L;

  private final Map<String, BreakGlass> breakGlass = new HashMap<>();
  private final Map<String, Registration> records = new HashMap<>();
  private final Map<String, RequestView> requests = new HashMap<>();
  private final Map<String, Grant> grants = new HashMap<>();
  private final Set<String> erased = new HashSet<>();

  private AccessLedger() {}

  /**
   * Reads the channel's register, request, grant, deny, revoke, erase and break-glass transactions,
   * in any order (others are skipped).
   */
  public static AccessLedger of(Collection<SignedTransaction> transactions) {
    AccessLedger ledger = new AccessLedger();
    Map<TransactionType, List<SignedTransaction>> byType = new HashMap<>();
    for (SignedTransaction tx : transactions) {
      byType.computeIfAbsent(tx.transaction().type(), t -> new ArrayList<>()).add(tx);
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.REGISTER, List.of())) {
      Transaction t = tx.transaction();
      String recordId = string(t, "recordId");
      ledger.records.putIfAbsent(
          recordId,
          new Registration(
              recordId,
              t.author(),
              string(t, "contentHash"),
              number(t, "size"),
              t.body().get("envelopeHash") instanceof String hash ? hash : null,
              tx.idHex()));
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.ERASE, List.of())) {
      Transaction t = tx.transaction();
      Registration record = ledger.records.get(string(t, "recordId"));
      if (record != null && record.provider().equals(t.author())) {
        ledger.erased.add(record.recordId());
      }
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.REQUEST, List.of())) {
      Transaction t = tx.transaction();
      String recordId = t.body().get("recordId") instanceof String s ? s : null;
      ledger.requests.putIfAbsent(
          string(t, "requestId"),
          new RequestView(
              string(t, "requestId"),
              recordId,
              t.author(),
              string(t, "purpose"),
              tx.idHex(),
              t.time(),
              Status.OPEN,
              null));
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.DENY, List.of())) {
      Transaction t = tx.transaction();
      RequestView request = ledger.requests.get(string(t, "requestId"));
      if (request != null && request.status() == Status.OPEN && ledger.decides(t, request)) {
        ledger.requests.put(request.requestId(), decided(request, Status.DENIED, tx.idHex()));
      }
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.BREAK_GLASS, List.of())) {
      Transaction t = tx.transaction();
      Registration record = ledger.records.get(string(t, "recordId"));
      if (record != null && string(t, "accessor").equals(t.author().value())) {
        ledger.breakGlass.put(
            tx.idHex(),
            new BreakGlass(
                tx.idHex(), record.recordId(), t.author(), string(t, "reasonCode"), t.time()));
      }
    }
    Set<String> revoked = new HashSet<>();
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.REVOKE, List.of())) {
      revoked.add(string(tx.transaction(), "grantTx") + "/" + tx.transaction().author().value());
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.GRANT, List.of())) {
      Transaction t = tx.transaction();
      RequestView request = ledger.requests.get(string(t, "requestId"));
      if (request == null
          || !ledger.decides(t, request)
          || !string(t, "recordId").equals(request.recordId())
          || !string(t, "grantee").equals(request.requester().value())) {
        continue;
      }
      InstitutionId grantee = request.requester();
      ledger.grants.put(
          tx.idHex(),
          new Grant(
              tx.idHex(),
              request.requestId(),
              request.recordId(),
              grantee,
              t.author(),
              string(t, "envelopeHash"),
              t.body().get("expiresAt") instanceof Long at ? at : 0L,
              revoked.contains(tx.idHex() + "/" + t.author().value())));
      ledger.requests.put(request.requestId(), decided(request, Status.GRANTED, tx.idHex()));
    }
    return ledger;
  }

  /** The record's registration, if one is committed. */
  public Optional<Registration> record(String recordId) {
    return Optional.ofNullable(records.get(recordId));
  }

  public boolean erased(String recordId) {
    return erased.contains(recordId);
  }

  public Optional<RequestView> request(String requestId) {
    return Optional.ofNullable(requests.get(requestId));
  }

  /** Every request, in no particular order. */
  public List<RequestView> requests() {
    return List.copyOf(requests.values());
  }

  /** A committed break-glass access (in force or not) by its transaction id. */
  public Optional<BreakGlass> breakGlass(String txId) {
    return Optional.ofNullable(breakGlass.get(txId));
  }

  /** Every break-glass access, in no particular order. */
  public List<BreakGlass> breakGlassEvents() {
    return List.copyOf(breakGlass.values());
  }

  /** A committed grant (in force or not) by its transaction id. */
  public Optional<Grant> grant(String grantTx) {
    return Optional.ofNullable(grants.get(grantTx));
  }

  /**
   * The grant under which {@code grantee} may read {@code recordId} at {@code nowMillis}: the one
   * in force that expires last (a grant without expiry first), if any.
   */
  public Optional<Grant> grantInForce(String recordId, InstitutionId grantee, long nowMillis) {
    if (erased.contains(recordId)) {
      return Optional.empty();
    }
    Grant best = null;
    for (Grant grant : grants.values()) {
      if (grant.recordId().equals(recordId)
          && grant.grantee().equals(grantee)
          && grant.inForce(nowMillis)
          && (best == null || lastsLonger(grant, best))) {
        best = grant;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean lastsLonger(Grant a, Grant b) {
    if (a.expiresAt() == 0 || b.expiresAt() == 0) {
      return a.expiresAt() == 0 && (b.expiresAt() != 0 || a.txId().compareTo(b.txId()) < 0);
    }
    return a.expiresAt() > b.expiresAt()
        || (a.expiresAt() == b.expiresAt() && a.txId().compareTo(b.txId()) < 0);
  }

  /** Whether {@code decision}'s author is the provider of the request's record. */
  private boolean decides(Transaction decision, RequestView request) {
    Registration record = request.recordId() == null ? null : records.get(request.recordId());
    return record != null && record.provider().equals(decision.author());
  }

  private static RequestView decided(RequestView request, Status status, String decisionTx) {
    return new RequestView(
        request.requestId(),
        request.recordId(),
        request.requester(),
        request.purpose(),
        request.txId(),
        request.time(),
        status,
        decisionTx);
  }

  private static String string(Transaction t, String field) {
    return String.valueOf(t.body().get(field));
  }

  private static long number(Transaction t, String field) {
    return t.body().get(field) instanceof Long value ? value : -1L;
  }
}
