package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.junit.jupiter.api.Test;

/**
 * The view of one record built from its own transactions ({@link SharingRefs#forRecord}, read
 * through the keys {@link SharingRefs#of} indexes) answers for that record exactly as the view of
 * the whole channel does, on chains mixing every sharing transaction, valid and not: amendments out
 * of line, grants of erased or unknown records, class requests, denials after grants, revocations
 * by others than the grantor, break-glass accesses for someone else.
 */
class SharingRefsTest {

  private static final List<String> RECORDS = List.of("lab-1", "lab-2", "lab-3", "lab-4", "nope");
  private static final int[] MEMBERS = {RecordChain.PROVIDER, RecordChain.USER, RecordChain.OTHER};

  @Test
  void eachKindOfTransactionIsIndexedUnderWhatItRefersTo() {
    RecordChain c = new RecordChain();
    SignedTransaction register = c.register("lab-1");
    SignedTransaction request = c.request(RecordChain.USER, "req-1", "lab-1");
    SignedTransaction grant = c.grant("req-1", "lab-1", RecordChain.USER, null, null);
    SignedTransaction revoke = c.revoke(grant);
    SignedTransaction erase = c.erase("lab-1");

    assertThat(SharingRefs.of(register)).containsExactly("record:lab-1");
    assertThat(SharingRefs.of(request)).containsExactlyInAnyOrder("request:req-1", "record:lab-1");
    assertThat(SharingRefs.of(grant))
        .containsExactlyInAnyOrder("record:lab-1", "request:req-1", "grant:" + grant.idHex());
    assertThat(SharingRefs.of(revoke)).containsExactly("grant:" + grant.idHex());
    assertThat(SharingRefs.of(erase)).containsExactly("record:lab-1");
    // A value too long for the key column (or one that looks hashed) is keyed by its hash.
    String longId = "x".repeat(200);
    assertThat(SharingRefs.record(longId))
        .startsWith("record:#")
        .hasSize(SharingRefs.MAX_KEY - 1)
        .isEqualTo(SharingRefs.record(longId))
        .isNotEqualTo(SharingRefs.record("x".repeat(201)));
    assertThat(SharingRefs.request("#abc")).startsWith("request:#").hasSize(SharingRefs.MAX_KEY);
  }

  @Test
  void aRecordsOwnViewAnswersAsTheWholeChannelsOnMixedChains() {
    for (long seed = 1; seed <= 60; seed++) {
      RecordChain c = new RecordChain();
      build(c, new Random(seed));
      AccessLedger whole = c.ledger();
      Map<String, List<SharingRefs.Located>> index = index(c.chain);
      for (String recordId : RECORDS) {
        AtomicInteger lookups = new AtomicInteger();
        List<SignedTransaction> own =
            SharingRefs.transactionsForRecord(
                recordId,
                keys -> {
                  lookups.incrementAndGet();
                  return lookup(index, keys);
                });
        assertThat(lookups.get())
            .as("seed %d: two index reads at most", seed)
            .isLessThanOrEqualTo(2);
        assertSameAnswers(seed, recordId, whole, AccessLedger.of(own), c);
      }
    }
  }

  @Test
  void theListingsViewAnswersAsTheWholeChannelsOnMixedChains() {
    int classGrantsCovering = 0;
    for (long seed = 1; seed <= 60; seed++) {
      RecordChain c = new RecordChain();
      build(c, new Random(seed));
      AccessLedger whole = c.ledger();
      Map<String, List<SharingRefs.Located>> index = index(c.chain);
      AtomicInteger lookups = new AtomicInteger();
      AccessLedger listings =
          AccessLedger.of(
              SharingRefs.forListings(
                  ofType(c.chain, TransactionType.REQUEST),
                  ofType(c.chain, TransactionType.BREAK_GLASS),
                  keys -> {
                    lookups.incrementAndGet();
                    return lookup(index, keys);
                  }));
      String at = "seed " + seed;
      assertThat(lookups.get()).as(at + ": three index reads at most").isLessThanOrEqualTo(3);
      assertThat(byId(listings.requests())).as(at).isEqualTo(byId(whole.requests()));
      assertThat(listings.requests()).as(at).hasSameSizeAs(whole.requests());
      for (AccessLedger.RequestView request : whole.requests()) {
        if (request.recordId() != null) {
          assertThat(listings.record(request.recordId()))
              .as(at + ", request " + request.requestId())
              .isEqualTo(whole.record(request.recordId()));
        }
        if (request.scope() == AccessLedger.Scope.CLASS
            && request.status() == AccessLedger.Status.GRANTED) {
          classGrantsCovering++;
        }
      }
      assertThat(new java.util.HashSet<>(listings.breakGlassEvents()))
          .as(at)
          .isEqualTo(new java.util.HashSet<>(whole.breakGlassEvents()));
      for (AccessLedger.BreakGlass event : whole.breakGlassEvents()) {
        assertThat(listings.record(event.recordId()))
            .as(at)
            .isEqualTo(whole.record(event.recordId()));
      }
    }
    // The chains must hold what makes the class case differ from a record's: granted class
    // requests, whose status depends on the records their grants name.
    assertThat(classGrantsCovering).isGreaterThan(5);
  }

  private static List<SignedTransaction> ofType(
      List<SignedTransaction> chain, TransactionType type) {
    return chain.stream().filter(tx -> tx.transaction().type() == type).toList();
  }

  private static Map<String, AccessLedger.RequestView> byId(List<AccessLedger.RequestView> views) {
    Map<String, AccessLedger.RequestView> byId = new HashMap<>();
    views.forEach(v -> byId.put(v.requestId(), v));
    return byId;
  }

  private static void assertSameAnswers(
      long seed, String recordId, AccessLedger whole, AccessLedger own, RecordChain c) {
    String at = "seed " + seed + ", record " + recordId;
    assertThat(own.record(recordId)).as(at).isEqualTo(whole.record(recordId));
    assertThat(own.versions(recordId)).as(at).isEqualTo(whole.versions(recordId));
    assertThat(own.erased(recordId)).as(at).isEqualTo(whole.erased(recordId));
    assertThat(own.grants(recordId)).as(at).isEqualTo(whole.grants(recordId));
    for (AccessLedger.Grant grant : whole.grants(recordId)) {
      assertThat(own.grant(grant.txId())).as(at).isEqualTo(whole.grant(grant.txId()));
      assertThat(own.envelopesOf(grant)).as(at).isEqualTo(whole.envelopesOf(grant));
      AccessLedger.RequestView request = whole.request(grant.requestId()).orElseThrow();
      if (request.scope() == AccessLedger.Scope.RECORD) {
        assertThat(own.request(grant.requestId())).as(at).isEqualTo(Optional.of(request));
      } else {
        // A class request's decision is its first grant of any record: here, of this record.
        assertThat(own.request(grant.requestId()))
            .as(at)
            .get()
            .usingRecursiveComparison()
            .ignoringFields("status", "decisionTx")
            .isEqualTo(request);
      }
    }
    for (AccessLedger.RequestView request : whole.requests()) {
      if (recordId.equals(request.recordId())) {
        assertThat(own.request(request.requestId()))
            .as(at + ", request " + request.requestId())
            .isEqualTo(whole.request(request.requestId()));
      }
    }
    for (int member : MEMBERS) {
      InstitutionId who = c.institution(member);
      for (long now : new long[] {RecordChain.TIME, RecordChain.TIME + 10_000}) {
        assertThat(own.grantInForce(recordId, who, now))
            .as(at)
            .isEqualTo(whole.grantInForce(recordId, who, now));
      }
    }
    assertThat(own.breakGlassEvents().stream().filter(e -> e.recordId().equals(recordId)).toList())
        .as(at)
        .isEqualTo(
            whole.breakGlassEvents().stream().filter(e -> e.recordId().equals(recordId)).toList());
  }

  /** A random chain of sharing transactions over a few records, members and requests. */
  private static void build(RecordChain c, Random random) {
    List<SignedTransaction> grants = new ArrayList<>();
    Map<String, Long> versions = new HashMap<>();
    int requests = 0;
    for (int step = 0; step < 60; step++) {
      String record = RECORDS.get(random.nextInt(RECORDS.size() - 1)); // "nope" never registered
      int member = MEMBERS[random.nextInt(MEMBERS.length)];
      switch (random.nextInt(10)) {
        case 0 -> {
          c.register(record);
          versions.putIfAbsent(record, 1L);
        }
        case 1 -> {
          long current = versions.getOrDefault(record, 1L);
          long previous = random.nextInt(4) == 0 ? current + 1 : current; // some out of line
          Map<String, String> envelopes = new LinkedHashMap<>();
          for (SignedTransaction grant : grants) {
            if (random.nextBoolean()) {
              envelopes.put(grant.idHex(), RecordChain.hash('f', step));
            }
          }
          c.add(
              c.amendTx(
                  random.nextInt(3) == 0 ? member : 0, record, previous, previous + 1, envelopes));
          if (previous == current) {
            versions.put(record, current + 1);
          }
        }
        case 2 -> c.erase(random.nextInt(5) == 0 ? "nope" : record);
        case 3, 4 ->
            c.request(member, "req-" + ++requests, random.nextInt(6) == 0 ? "nope" : record);
        case 5 -> c.add(c.classRequestTx(member, "req-" + ++requests));
        case 6, 7 -> {
          if (requests > 0) {
            String requestId = "req-" + (1 + random.nextInt(requests));
            Long version = random.nextBoolean() ? null : versions.getOrDefault(record, 1L);
            Long expires = random.nextBoolean() ? null : RecordChain.TIME + 5_000;
            grants.add(c.grant(requestId, record, member, version, expires));
          }
        }
        case 8 -> {
          if (requests > 0) {
            String requestId = "req-" + (1 + random.nextInt(requests));
            c.add(
                c.f.tx(
                    member,
                    TransactionType.DENY,
                    Bodies.of("requestId", requestId, "reasonCode", "not-involved-in-care")));
          }
        }
        default -> {
          if (!grants.isEmpty() && random.nextBoolean()) {
            SignedTransaction grant = grants.get(random.nextInt(grants.size()));
            c.add(c.f.tx(member, TransactionType.REVOKE, Bodies.of("grantTx", grant.idHex())));
          } else {
            c.add(
                c.f.tx(
                    member,
                    TransactionType.BREAK_GLASS,
                    Bodies.of(
                        "recordId",
                        record,
                        "accessor",
                        c.institution(random.nextBoolean() ? member : 0).value(),
                        "reasonCode",
                        "unconscious-patient")));
          }
        }
      }
    }
  }

  /** The index as the ledger store keeps it: each transaction under each of its keys. */
  private static Map<String, List<SharingRefs.Located>> index(List<SignedTransaction> chain) {
    Map<String, List<SharingRefs.Located>> index = new HashMap<>();
    for (int i = 0; i < chain.size(); i++) {
      SharingRefs.Located located = new SharingRefs.Located(i + 1, 0, chain.get(i));
      for (String key : SharingRefs.of(chain.get(i))) {
        index.computeIfAbsent(key, k -> new ArrayList<>()).add(located);
      }
    }
    return index;
  }

  private static List<SharingRefs.Located> lookup(
      Map<String, List<SharingRefs.Located>> index, Collection<String> keys) {
    Set<SharingRefs.Located> found = new LinkedHashSet<>();
    for (String key : keys) {
      found.addAll(index.getOrDefault(key, List.of()));
    }
    return found.stream()
        .sorted(java.util.Comparator.comparingLong(SharingRefs.Located::height))
        .toList();
  }
}
