package org.careledger.domain.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * What a sharing transaction refers to, so that the view of one record ({@link AccessLedger}) can
 * be built from that record's transactions instead of the whole channel's.
 *
 * <p>Every committed transaction of {@link RecordRules#CHAIN_TYPES} is indexed (by the ledger
 * store, in the same database transaction as its block) under the keys {@link #of} gives it:
 *
 * <ul>
 *   <li>register, amend, erase, break-glass: {@code record:<recordId>};
 *   <li>request: {@code request:<requestId>}, and {@code record:<recordId>} for a record's request;
 *   <li>deny: {@code request:<requestId>};
 *   <li>grant: {@code record:<recordId>}, {@code request:<requestId>} and {@code grant:<its own
 *       id>};
 *   <li>revoke: {@code grant:<grantTx>}.
 * </ul>
 *
 * <p>{@link #forRecord} reads a record's transactions in two steps: those under its {@code record:}
 * key, then those under the {@code request:} and {@code grant:} keys of the grants and requests
 * found (the requests the grants answer, the denials of those requests, the revocations of those
 * grants). {@link AccessLedger#of} over that set answers for the record exactly as over the whole
 * channel: its versions, erasure, break-glass accesses and grants (with their requests, revocations
 * and expiry) depend on no other transaction. {@code SharingRefsTest} checks that on chains of
 * every kind of transaction. One answer about a request differs: a class request (which covers
 * every record of a patient and class) counts as granted, with its first grant as the decision, by
 * the grants of this record alone; what decides on a class request reads the whole channel. What it
 * does not answer: the channel's other records and requests. The listings of requests and
 * break-glass accesses read those by type and the transactions of the records they name ({@link
 * #forListings}).
 *
 * <p>Why: the view was built from every sharing transaction of the channel for each request, grant,
 * amendment and retrieval, and again by every member validating a block with a grant or amendment:
 * with ~70,000 registrations on a channel a grant took over 45 s and timed out (2026-12-07).
 *
 * <p>Values are read as {@link AccessLedger} reads them ({@code String.valueOf} of the body's
 * field). A value longer than {@value #MAX_VALUE} characters, or starting with {@code #} (a raw
 * transaction may carry one; the services make none), is keyed by its SHA-256 instead ({@code
 * record:#<hex>}), the same way on writing and reading.
 */
public final class SharingRefs {

  /** Longest value kept as it is in a key; the key column holds a prefix and this. */
  public static final int MAX_VALUE = 64;

  /** Longest key: the longest prefix ({@code request:}), and a value or {@code #} and its hash. */
  public static final int MAX_KEY = "request:".length() + 1 + 64;

  /** A transaction read back with its place on the chain. */
  public record Located(long height, int index, SignedTransaction tx) {}

  /** Reads the committed transactions indexed under any of the keys, each once, in chain order. */
  @FunctionalInterface
  public interface Lookup {
    List<Located> referring(Collection<String> keys);
  }

  private SharingRefs() {}

  public static String record(String recordId) {
    return key("record:", recordId);
  }

  public static String request(String requestId) {
    return key("request:", requestId);
  }

  public static String grant(String grantTx) {
    return key("grant:", grantTx);
  }

  /** The keys {@code tx} is indexed under; none for a type the view does not read. */
  public static Set<String> of(SignedTransaction tx) {
    Transaction t = tx.transaction();
    Map<String, Object> body = t.body();
    Set<String> keys = new LinkedHashSet<>();
    switch (t.type()) {
      case REGISTER, AMEND, ERASE, BREAK_GLASS -> add(keys, "record:", body.get("recordId"));
      case REQUEST -> {
        add(keys, "request:", body.get("requestId"));
        if (!"class".equals(body.get("scope"))) {
          add(keys, "record:", body.get("recordId"));
        }
      }
      case DENY -> add(keys, "request:", body.get("requestId"));
      case GRANT -> {
        add(keys, "record:", body.get("recordId"));
        add(keys, "request:", body.get("requestId"));
        keys.add(grant(tx.idHex()));
      }
      case REVOKE -> add(keys, "grant:", body.get("grantTx"));
      default -> {}
    }
    return keys;
  }

  /**
   * The transactions the view of {@code recordId} depends on, in chain order (see the class
   * comment).
   */
  public static List<Located> forRecord(String recordId, Lookup lookup) {
    Map<String, Located> found = new LinkedHashMap<>();
    closeOverRecords(List.of(record(recordId)), Set.of(), found, lookup);
    return chainOrder(found);
  }

  /**
   * Adds to {@code found} the transactions under {@code recordKeys}, then those under the {@code
   * request:} and {@code grant:} keys of the grants and requests among them (the requests the
   * grants answer, the denials of those requests, the revocations of those grants), leaving out
   * keys in {@code read} (read already): two index reads at most.
   */
  private static void closeOverRecords(
      Collection<String> recordKeys, Set<String> read, Map<String, Located> found, Lookup lookup) {
    Set<String> next = new LinkedHashSet<>();
    for (Located located : lookup.referring(recordKeys)) {
      found.putIfAbsent(located.tx().idHex(), located);
      Transaction t = located.tx().transaction();
      if (t.type() == TransactionType.GRANT) {
        add(next, "request:", t.body().get("requestId"));
        next.add(grant(located.tx().idHex()));
      } else if (t.type() == TransactionType.REQUEST) {
        add(next, "request:", t.body().get("requestId"));
      }
    }
    next.removeAll(read);
    if (!next.isEmpty()) {
      for (Located located : lookup.referring(next)) {
        found.putIfAbsent(located.tx().idHex(), located);
      }
    }
  }

  private static List<Located> chainOrder(Map<String, Located> found) {
    List<Located> ordered = new ArrayList<>(found.values());
    ordered.sort(Comparator.comparingLong(Located::height).thenComparingInt(Located::index));
    return ordered;
  }

  /**
   * The transactions the listings of requests and break-glass accesses depend on ({@link
   * AccessLedger#requests}, {@link AccessLedger#breakGlassEvents}, and {@link AccessLedger#record}
   * of the records they name), given all of the channel's request and break-glass transactions in
   * chain order ({@code requests}, {@code breakGlass}; read by type, not through this index). To
   * them it adds, in three index reads: the transactions under the {@code request:} keys of the
   * class requests (their grants and denials), then the transactions of every record a record
   * request, a class request's grant or a break-glass access names, as {@link #forRecord} reads
   * them. {@link AccessLedger#of} over the result answers those listings exactly as over the whole
   * channel ({@code SharingRefsTest}): a request's status depends on its record's registration and
   * amendments (who decides, what a class request covers), its grants and denials; nothing else.
   * Returned with each type's transactions in chain order, which is all {@link AccessLedger#of}
   * reads of the order.
   */
  public static List<SignedTransaction> forListings(
      List<SignedTransaction> requests, List<SignedTransaction> breakGlass, Lookup lookup) {
    Set<String> recordKeys = new LinkedHashSet<>();
    Set<String> classKeys = new LinkedHashSet<>();
    for (SignedTransaction tx : requests) {
      Map<String, Object> body = tx.transaction().body();
      if ("class".equals(body.get("scope"))) {
        add(classKeys, "request:", body.get("requestId"));
      } else {
        add(recordKeys, "record:", body.get("recordId"));
      }
    }
    for (SignedTransaction tx : breakGlass) {
      add(recordKeys, "record:", tx.transaction().body().get("recordId"));
    }
    Map<String, Located> found = new LinkedHashMap<>();
    if (!classKeys.isEmpty()) {
      for (Located located : lookup.referring(classKeys)) {
        found.put(located.tx().idHex(), located);
        if (located.tx().transaction().type() == TransactionType.GRANT) {
          add(recordKeys, "record:", located.tx().transaction().body().get("recordId"));
        }
      }
    }
    if (!recordKeys.isEmpty()) {
      closeOverRecords(recordKeys, classKeys, found, lookup);
    }
    List<Located> ordered = chainOrder(found);
    Map<String, SignedTransaction> all = new LinkedHashMap<>();
    for (SignedTransaction tx : requests) {
      all.putIfAbsent(tx.idHex(), tx);
    }
    for (SignedTransaction tx : breakGlass) {
      all.putIfAbsent(tx.idHex(), tx);
    }
    for (Located located : ordered) {
      all.putIfAbsent(located.tx().idHex(), located.tx());
    }
    return List.copyOf(all.values());
  }

  /** {@link #forRecord}'s transactions alone. */
  public static List<SignedTransaction> transactionsForRecord(String recordId, Lookup lookup) {
    return forRecord(recordId, lookup).stream().map(Located::tx).toList();
  }

  /**
   * The key of a body's field as {@link AccessLedger} reads it ({@code String.valueOf}: an absent
   * field is "null" there too), so that the index never leaves out what the view would count.
   */
  private static void add(Set<String> keys, String prefix, Object value) {
    keys.add(key(prefix, String.valueOf(value)));
  }

  private static String key(String prefix, String value) {
    if (value.length() <= MAX_VALUE && value.indexOf('#') != 0) {
      return prefix + value;
    }
    try {
      return prefix
          + "#"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
