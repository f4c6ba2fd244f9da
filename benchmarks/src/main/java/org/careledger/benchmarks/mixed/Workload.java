package org.careledger.benchmarks.mixed;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The state of a mixed-load run, and what to do next: which record to register where, which node
 * asks for which record, which open request its provider grants, which grantee retrieves what. No
 * I/O: the driver asks {@link #next}, performs the plan over HTTP, and reports the outcome back.
 *
 * <ul>
 *   <li><b>register</b> at a random node (the provider), a record id unique per run ({@code
 *       ml-<run>-<n>}), one of {@code patients} synthetic patients ({@code n % patients}), a
 *       document class drawn from those the channel's rules name;
 *   <li><b>request</b> by another node, for a record registered earlier (acknowledged at least
 *       {@code settleMillis} ago) that this node has not asked for yet and may be granted under the
 *       channel's rules (class, and the patient's consent where a rule needs it);
 *   <li><b>grant</b> at the provider, for an open request acknowledged at least {@code
 *       settleMillis} ago;
 *   <li><b>retrieve</b> at a grantee, of a record granted to it at least {@code settleMillis} ago
 *       (a granted record can be retrieved again).
 * </ul>
 *
 * An operation whose prerequisites are not there yet is replaced by a register ({@link
 * Register#instead}). A request or grant refused because the node's chain does not hold its
 * prerequisite yet ({@link Outcome#NOT_YET}) is put back to be tried again later; any other failure
 * drops it. Each pool holds at most {@code maxPool} entries (a full pool replaces a random entry),
 * so memory stays bounded however long the run.
 *
 * <p>Thread-safe: every method is synchronized (the plans are cheap; the HTTP calls are not made
 * here).
 */
public final class Workload {

  /** A registered, acknowledged document. */
  public record Doc(
      String recordId, int provider, String documentClass, int patient, String sha256) {}

  /** What the driver performs. {@link #node} is the index of the node it is sent to. */
  public sealed interface Plan permits Register, Request, Grant, Retrieve {
    int node();

    OpKind kind();
  }

  /** Register at {@code node}; {@code instead} names the kind it replaces, or null. */
  public record Register(
      int node, String recordId, String documentClass, int patient, OpKind instead)
      implements Plan {
    @Override
    public OpKind kind() {
      return OpKind.REGISTER;
    }
  }

  /** {@code node} (the requester) asks for {@code doc}, for {@code purpose}. */
  public record Request(int node, Doc doc, String purpose, Pending pending) implements Plan {
    @Override
    public OpKind kind() {
      return OpKind.REQUEST;
    }
  }

  /** The provider ({@code node}) grants {@code requestId} of {@code requester} for {@code doc}. */
  public record Grant(int node, String requestId, Doc doc, int requester) implements Plan {
    @Override
    public OpKind kind() {
      return OpKind.GRANT;
    }
  }

  /** The grantee ({@code node}) retrieves {@code doc}. */
  public record Retrieve(int node, Doc doc) implements Plan {
    @Override
    public OpKind kind() {
      return OpKind.RETRIEVE;
    }
  }

  /** How a request or grant ended. */
  public enum Outcome {
    /** Acknowledged (2xx). */
    ACK,
    /** Refused because the node's chain does not hold the prerequisite yet: try again later. */
    NOT_YET,
    /** Anything else: not tried again. */
    FAILED
  }

  /** A registered record some nodes may still ask for. */
  public static final class Pending {
    private final Doc doc;
    private long readyAt;
    private long askedMask;
    private boolean inPool;

    Pending(Doc doc, long readyAt) {
      this.doc = doc;
      this.readyAt = readyAt;
    }
  }

  private record Open(String requestId, Doc doc, int requester, long readyAt) {}

  private record Granted(Doc doc, int grantee, long readyAt) {}

  private final List<String> institutions;
  private final SharingRules rules;
  private final String runId;
  private final int patients;
  private final long settleMillis;
  private final int maxPool;
  private final RandomGenerator random;
  private final Set<Long> consents = new HashSet<>();
  private final List<Pending> records = new ArrayList<>();
  private final List<Open> open = new ArrayList<>();
  private final List<Granted> granted = new ArrayList<>();
  private long registered;

  public Workload(
      List<String> institutions,
      SharingRules rules,
      String runId,
      int patients,
      long settleMillis,
      int maxPool,
      RandomGenerator random) {
    if (institutions.size() < 2 || institutions.size() > 63) {
      throw new IllegalArgumentException("the mixed load needs 2 to 63 nodes");
    }
    this.institutions = List.copyOf(institutions);
    this.rules = rules;
    this.runId = runId;
    this.patients = patients;
    this.settleMillis = settleMillis;
    this.maxPool = maxPool;
    this.random = random;
  }

  /** The synthetic patient id of patient {@code index} of this run (a test identifier). */
  public String patientId(int index) {
    return "urn:oid:1.2.3|ml" + runId + "-" + index;
  }

  public int patients() {
    return patients;
  }

  /** The patient has consented to grants to {@code institution} (recorded on the chain). */
  public synchronized void consented(int patient, int institution) {
    consents.add(((long) patient << 8) | institution);
  }

  /** The next operation, for a drawn {@code wanted} kind (a register where that cannot be done). */
  public synchronized Plan next(OpKind wanted, long now) {
    Plan plan =
        switch (wanted) {
          case REQUEST -> nextRequest(now);
          case GRANT -> nextGrant(now);
          case RETRIEVE -> nextRetrieve(now);
          case REGISTER -> null;
          case CONSENT -> throw new IllegalArgumentException("consent is not drawn");
        };
    return plan != null ? plan : register(wanted == OpKind.REGISTER ? null : wanted);
  }

  private Register register(OpKind instead) {
    long n = registered++;
    List<String> classes = rules.documentClasses();
    return new Register(
        random.nextInt(institutions.size()),
        "ml-" + runId + "-" + n,
        classes.get(random.nextInt(classes.size())),
        (int) (n % patients),
        instead);
  }

  private Request nextRequest(long now) {
    int size = records.size();
    if (size == 0) {
      return null;
    }
    int start = random.nextInt(size);
    for (int k = 0; k < size; k++) {
      Pending pending = records.get((start + k) % size);
      if (pending.readyAt > now) {
        continue;
      }
      List<Integer> candidates = candidates(pending);
      if (candidates.isEmpty()) {
        continue;
      }
      int requester = candidates.get(random.nextInt(candidates.size()));
      pending.askedMask |= 1L << requester;
      if (candidates.size() == 1) {
        remove(records, pending);
      }
      Doc doc = pending.doc;
      return new Request(
          requester, doc, rules.purpose(institutions.get(requester), doc.documentClass()), pending);
    }
    return null;
  }

  private Grant nextGrant(long now) {
    int index = readyIndex(open, o -> o.readyAt() <= now);
    if (index < 0) {
      return null;
    }
    Open o = removeAt(open, index);
    return new Grant(o.doc().provider(), o.requestId(), o.doc(), o.requester());
  }

  private Retrieve nextRetrieve(long now) {
    int index = readyIndex(granted, g -> g.readyAt() <= now);
    if (index < 0) {
      return null;
    }
    Granted g = granted.get(index);
    return new Retrieve(g.grantee(), g.doc());
  }

  /** A register was acknowledged: the record may now be asked for. */
  public synchronized void registered(Register plan, String sha256, long now) {
    Doc doc = new Doc(plan.recordId(), plan.node(), plan.documentClass(), plan.patient(), sha256);
    Pending pending = new Pending(doc, now + settleMillis);
    if (!candidates(pending).isEmpty()) {
      add(records, pending);
    }
  }

  /** How a request ended; {@code requestId} is the acknowledged request's id. */
  public synchronized void requested(Request plan, Outcome outcome, String requestId, long now) {
    switch (outcome) {
      case ACK -> add(open, new Open(requestId, plan.doc(), plan.node(), now + settleMillis));
      case NOT_YET -> {
        Pending pending = plan.pending();
        pending.askedMask &= ~(1L << plan.node());
        pending.readyAt = now + settleMillis;
        if (!pending.inPool) {
          add(records, pending);
        }
      }
      case FAILED -> {}
    }
  }

  /** How a grant ended. */
  public synchronized void granted(Grant plan, Outcome outcome, long now) {
    switch (outcome) {
      case ACK -> add(granted, new Granted(plan.doc(), plan.requester(), now + settleMillis));
      case NOT_YET ->
          add(open, new Open(plan.requestId(), plan.doc(), plan.requester(), now + settleMillis));
      case FAILED -> {}
    }
  }

  /** Records some node may still ask for, open requests, granted (record, grantee) pairs. */
  public synchronized int[] poolSizes() {
    return new int[] {records.size(), open.size(), granted.size()};
  }

  private List<Integer> candidates(Pending pending) {
    List<Integer> candidates = new ArrayList<>(institutions.size());
    Doc doc = pending.doc;
    for (int i = 0; i < institutions.size(); i++) {
      if (i == doc.provider() || (pending.askedMask & (1L << i)) != 0) {
        continue;
      }
      String institution = institutions.get(i);
      if (!rules.allows(institution, doc.documentClass())) {
        continue;
      }
      if (rules.needsConsent(institution, doc.documentClass())
          && !consents.contains(((long) doc.patient() << 8) | i)) {
        continue;
      }
      candidates.add(i);
    }
    return candidates;
  }

  private <T> int readyIndex(List<T> pool, java.util.function.Predicate<T> ready) {
    int size = pool.size();
    if (size == 0) {
      return -1;
    }
    int start = random.nextInt(size);
    for (int k = 0; k < size; k++) {
      int index = (start + k) % size;
      if (ready.test(pool.get(index))) {
        return index;
      }
    }
    return -1;
  }

  private void add(List<Pending> pool, Pending pending) {
    pending.inPool = true;
    if (pool.size() >= maxPool) {
      int victim = random.nextInt(pool.size());
      pool.get(victim).inPool = false;
      pool.set(victim, pending);
    } else {
      pool.add(pending);
    }
  }

  private <T> void add(List<T> pool, T item) {
    if (pool.size() >= maxPool) {
      pool.set(random.nextInt(pool.size()), item);
    } else {
      pool.add(item);
    }
  }

  private void remove(List<Pending> pool, Pending pending) {
    int index = pool.indexOf(pending);
    if (index >= 0) {
      removeAt(pool, index);
    }
    pending.inPool = false;
  }

  /** Swap-remove: order does not matter, picks are random. */
  private static <T> T removeAt(List<T> pool, int index) {
    T item = pool.get(index);
    T last = pool.remove(pool.size() - 1);
    if (index < pool.size()) {
      pool.set(index, last);
    }
    return item;
  }
}
