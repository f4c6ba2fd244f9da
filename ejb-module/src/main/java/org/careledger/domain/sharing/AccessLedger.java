package org.careledger.domain.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
 *   <li>an amendment counts only when its author is the record's provider and it names the current
 *       version as {@code previousVersion} and the next one as {@code version}; amendments are
 *       taken in version order (where two claim the same version, which block validation never lets
 *       commit, the first given wins), and the record is described by its latest version;
 *   <li>a grant is for the record, all its versions: its own {@code envelopeHash} wraps the data
 *       key of the version it names ({@code version}, 1 where it names none), and each later
 *       amendment carries the grantee's envelope for its new version in {@code grantEnvelopes}
 *       under the grant's transaction id;
 *   <li>a request names one record ({@code scope} {@code record}, or no scope, as requests made
 *       before classes existed) or a patient's records of a class ({@code scope} {@code class}: the
 *       channel's pseudonym of the patient, a LOINC document class and the provider institution
 *       asked; never the patient's id);
 *   <li>a grant counts only when its author is the provider of the record it names, it names a
 *       request on the channel by the grantee, and that request covers the record: for a record
 *       request, the record it names; for a class request, a record registered by the provider the
 *       request names (the grant's author) whose registration names the request's pseudonym and
 *       document class. A class request is answered by one grant per record (each with its own
 *       envelope, see {@link #grants(String)}); records registered after the grant are not covered
 *       by it unless the provider grants them too, so every grant stays tied to one record and one
 *       envelope on the chain;
 *   <li>one grant per request and record: where the chain holds more than one grant that would
 *       count for the same request and record, the first in the order given (chain order, as {@code
 *       RecordRules#CHAIN_TYPES} are read) counts and the others are ignored, so a record request
 *       still has exactly one grant and a class request one per record;
 *   <li>a revoke counts only when its author is the author of the grant it names;
 *   <li>a grant is in force while it is not revoked, not past its {@code expiresAt} (ms since the
 *       epoch, optional), its record is not erased, and the chain names an envelope of the
 *       grantee's for the record's current version;
 *   <li>a break-glass access counts when its author names itself as the accessor, for an hour.
 * </ul>
 *
 * Transactions that break a rule stay on the chain (it is append-only) and are ignored here. Until
 * channel policies are checked in block validation (issue 5, item 2), this is where they are
 * enforced: the provider's node serves a document only under a grant in force on its own chain.
 */
public final class AccessLedger {

  /**
   * A record as one of its versions describes it: the register transaction for version 1, an amend
   * transaction for each later one. {@link #record} gives the current (latest) version; {@code
   * txId} is the transaction of that version, {@code envelopeHash} the provider's own key envelope
   * for the version's data key, and {@code grantEnvelopes} (empty for version 1) the envelopes the
   * amendment wrapped for the grants in force, by grant transaction id.
   */
  public record Registration(
      String recordId,
      InstitutionId provider,
      String contentHash,
      long size,
      String envelopeHash,
      String txId,
      long version,
      String mediaType,
      Map<String, String> grantEnvelopes,
      String patient,
      String documentClass) {

    public Registration {
      grantEnvelopes = Map.copyOf(grantEnvelopes);
    }
  }

  /** Where an access request stands. */
  public enum Status {
    OPEN,
    GRANTED,
    DENIED
  }

  /** What a request asks for: one record, or a patient's records of a document class. */
  public enum Scope {
    RECORD,
    CLASS
  }

  /**
   * An access request and its decision so far. For a {@link Scope#RECORD} request {@code recordId}
   * names the record and {@code patient}, {@code documentClass} are null; for a {@link Scope#CLASS}
   * request {@code recordId} is null, {@code patient} is the channel's pseudonym of the patient and
   * {@code documentClass} the LOINC class. {@code provider} is the institution the request names
   * (null where an old record request names none: its record's provider decides). {@code
   * decisionTx} is the deny, or the first grant (a class request may have several: {@link
   * #grantsFor(String)}).
   */
  public record RequestView(
      String requestId,
      String recordId,
      InstitutionId requester,
      String purpose,
      String txId,
      long time,
      Status status,
      String decisionTx,
      Scope scope,
      String patient,
      String documentClass,
      InstitutionId provider) {}

  /**
   * A grant as committed; {@code expiresAt} is 0 for none. {@code envelopeHash} is the grantee's
   * envelope for the data key of {@code version}, the record's version when the grant was made;
   * later versions' envelopes are in the amendments (see {@link #envelopeFor}).
   */
  public record Grant(
      String txId,
      String requestId,
      String recordId,
      InstitutionId grantee,
      InstitutionId grantor,
      String envelopeHash,
      long expiresAt,
      boolean revoked,
      long version) {

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
  private final Map<String, List<Registration>> records = new HashMap<>();
  private final Map<String, RequestView> requests = new HashMap<>();
  private final Map<String, Grant> grants = new HashMap<>();
  private final Set<String> erased = new HashSet<>();

  private AccessLedger() {}

  /**
   * Reads the channel's register, amend, request, grant, deny, revoke, erase and break-glass
   * transactions (others are skipped), in any order but for amendments claiming the same version
   * (chain order: the first counts).
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
      ledger.records.computeIfAbsent(
          recordId,
          id ->
              new ArrayList<>(
                  List.of(
                      new Registration(
                          id,
                          t.author(),
                          string(t, "contentHash"),
                          number(t, "size"),
                          t.body().get("envelopeHash") instanceof String hash ? hash : null,
                          tx.idHex(),
                          1L,
                          string(t, "mediaType"),
                          Map.of(),
                          text(t, "patient"),
                          text(t, "documentClass")))));
    }
    List<SignedTransaction> amendments =
        new ArrayList<>(byType.getOrDefault(TransactionType.AMEND, List.of()));
    amendments.sort(Comparator.comparingLong(tx -> number(tx.transaction(), "version")));
    for (SignedTransaction tx : amendments) {
      Transaction t = tx.transaction();
      List<Registration> versions = ledger.records.get(string(t, "recordId"));
      Registration current = versions == null ? null : versions.get(versions.size() - 1);
      if (current == null
          || !current.provider().equals(t.author())
          || number(t, "previousVersion") != current.version()
          || number(t, "version") != current.version() + 1) {
        continue;
      }
      versions.add(
          new Registration(
              current.recordId(),
              current.provider(),
              string(t, "contentHash"),
              number(t, "size"),
              t.body().get("envelopeHash") instanceof String hash ? hash : null,
              tx.idHex(),
              current.version() + 1,
              string(t, "mediaType"),
              grantEnvelopes(t.body().get("grantEnvelopes")),
              current.patient(),
              current.documentClass()));
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.ERASE, List.of())) {
      Transaction t = tx.transaction();
      Registration record = ledger.current(string(t, "recordId"));
      if (record != null && record.provider().equals(t.author())) {
        ledger.erased.add(record.recordId());
      }
    }
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.REQUEST, List.of())) {
      Transaction t = tx.transaction();
      boolean classScope = "class".equals(t.body().get("scope"));
      String provider = text(t, "provider");
      ledger.requests.putIfAbsent(
          string(t, "requestId"),
          new RequestView(
              string(t, "requestId"),
              classScope ? null : text(t, "recordId"),
              t.author(),
              string(t, "purpose"),
              tx.idHex(),
              t.time(),
              Status.OPEN,
              null,
              classScope ? Scope.CLASS : Scope.RECORD,
              classScope ? text(t, "patient") : null,
              classScope ? text(t, "documentClass") : null,
              institution(provider)));
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
      Registration record = ledger.current(string(t, "recordId"));
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
    Set<String> answered = new HashSet<>();
    for (SignedTransaction tx : byType.getOrDefault(TransactionType.GRANT, List.of())) {
      Transaction t = tx.transaction();
      RequestView request = ledger.requests.get(string(t, "requestId"));
      String recordId = string(t, "recordId");
      if (request == null
          || !ledger.decides(t, request)
          || !ledger.covers(request, recordId)
          || !string(t, "grantee").equals(request.requester().value())
          || !answered.add(request.requestId() + "/" + recordId)) {
        continue;
      }
      InstitutionId grantee = request.requester();
      ledger.grants.put(
          tx.idHex(),
          new Grant(
              tx.idHex(),
              request.requestId(),
              recordId,
              grantee,
              t.author(),
              string(t, "envelopeHash"),
              t.body().get("expiresAt") instanceof Long at ? at : 0L,
              revoked.contains(tx.idHex() + "/" + t.author().value()),
              versionOf(t)));
      if (request.status() != Status.GRANTED) {
        ledger.requests.put(request.requestId(), decided(request, Status.GRANTED, tx.idHex()));
      }
    }
    return ledger;
  }

  /** The record's current (latest) version, if it is registered. */
  public Optional<Registration> record(String recordId) {
    return Optional.ofNullable(current(recordId));
  }

  /** Every version of the record that counts, oldest (the registration) first. */
  public List<Registration> versions(String recordId) {
    return List.copyOf(records.getOrDefault(recordId, List.of()));
  }

  /**
   * Every grant for the record that counts (in force or not, revoked or not), in no particular
   * order.
   */
  public List<Grant> grants(String recordId) {
    return grants.values().stream().filter(g -> g.recordId().equals(recordId)).toList();
  }

  /**
   * The hash of {@code grant}'s grantee's key envelope for {@code version} of its record: the
   * grant's own for the version it was made at, the amendment's for a later one; empty where the
   * chain names none (an amendment that did not carry the grant over, or a version before it).
   */
  public static Optional<String> envelopeFor(Grant grant, Registration version) {
    if (!grant.recordId().equals(version.recordId())) {
      return Optional.empty();
    }
    if (grant.version() == version.version()) {
      return Optional.ofNullable(grant.envelopeHash());
    }
    return Optional.ofNullable(version.grantEnvelopes().get(grant.txId()));
  }

  /**
   * Every envelope hash the chain names for the grant (its own first, then the amendments'), over
   * all versions of its record: what a revoke destroys at the provider.
   */
  public List<String> envelopesOf(Grant grant) {
    List<String> hashes = new ArrayList<>();
    hashes.add(grant.envelopeHash());
    for (Registration version : versions(grant.recordId())) {
      envelopeFor(grant, version).filter(h -> !hashes.contains(h)).ifPresent(hashes::add);
    }
    return hashes;
  }

  private Registration current(String recordId) {
    List<Registration> versions = records.get(recordId);
    return versions == null ? null : versions.get(versions.size() - 1);
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
   * The grant under which {@code grantee} may read the current version of {@code recordId} at
   * {@code nowMillis}: of those in force with an envelope for that version on the chain, the one
   * that expires last (a grant without expiry first), if any.
   */
  public Optional<Grant> grantInForce(String recordId, InstitutionId grantee, long nowMillis) {
    Registration current = current(recordId);
    if (current == null || erased.contains(recordId)) {
      return Optional.empty();
    }
    Grant best = null;
    for (Grant grant : grants.values()) {
      if (grant.recordId().equals(recordId)
          && grant.grantee().equals(grantee)
          && grant.inForce(nowMillis)
          && envelopeFor(grant, current).isPresent()
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

  /**
   * Every grant that counts under the request (in force or not), in no particular order: at most
   * one for a record request, one per record for a class request.
   */
  public List<Grant> grantsFor(String requestId) {
    return grants.values().stream().filter(g -> g.requestId().equals(requestId)).toList();
  }

  /**
   * The records a class request covers as the chain stands: registered by the provider it names,
   * with its pseudonym and document class, not erased; in no particular order. Empty for a record
   * request.
   */
  public List<Registration> recordsCoveredBy(RequestView request) {
    if (request.scope() != Scope.CLASS) {
      return List.of();
    }
    List<Registration> covered = new ArrayList<>();
    for (String recordId : records.keySet()) {
      if (!erased.contains(recordId) && covers(request, recordId)) {
        covered.add(current(recordId));
      }
    }
    return covered;
  }

  /**
   * Whether {@code decision}'s author decides on the request: for a record request the provider of
   * its record; for a class request the provider it names.
   */
  private boolean decides(Transaction decision, RequestView request) {
    if (request.scope() == Scope.CLASS) {
      return request.provider() != null && request.provider().equals(decision.author());
    }
    Registration record = request.recordId() == null ? null : current(request.recordId());
    return record != null && record.provider().equals(decision.author());
  }

  /**
   * Whether the request covers {@code recordId}: the record it names, or for a class request a
   * record on the chain registered by the provider the request names, about its patient (pseudonym)
   * and of its document class.
   */
  private boolean covers(RequestView request, String recordId) {
    if (request.scope() != Scope.CLASS) {
      return recordId.equals(request.recordId());
    }
    Registration record = current(recordId);
    return record != null
        && record.provider().equals(request.provider())
        && request.patient() != null
        && request.patient().equals(record.patient())
        && request.documentClass() != null
        && request.documentClass().equals(record.documentClass());
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
        decisionTx,
        request.scope(),
        request.patient(),
        request.documentClass(),
        request.provider());
  }

  private static String string(Transaction t, String field) {
    return String.valueOf(t.body().get(field));
  }

  /** An institution id as a transaction names it; null where it is absent or not of the form. */
  private static InstitutionId institution(String value) {
    try {
      return value == null ? null : new InstitutionId(value);
    } catch (org.careledger.domain.CareLedgerException e) {
      return null; // a malformed name names nobody: the request is decided by no one
    }
  }

  private static String text(Transaction t, String field) {
    return t.body().get(field) instanceof String value ? value : null;
  }

  private static long number(Transaction t, String field) {
    return t.body().get(field) instanceof Long value ? value : -1L;
  }

  /** The version whose data key a grant's own envelope wraps: 1 where the grant names none. */
  static long versionOf(Transaction grant) {
    return grant.body().get("version") instanceof Long version ? version : 1L;
  }

  /** An amendment's grant envelopes, grant transaction id to envelope hash; strings only. */
  private static Map<String, String> grantEnvelopes(Object value) {
    Map<String, String> envelopes = new HashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (grant, hash) -> {
            if (grant instanceof String g && hash instanceof String h) {
              envelopes.put(g, h);
            }
          });
    }
    return envelopes;
  }
}
