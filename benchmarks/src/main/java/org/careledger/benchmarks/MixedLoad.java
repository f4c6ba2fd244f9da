package org.careledger.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.careledger.benchmarks.mixed.ChainChecks;
import org.careledger.benchmarks.mixed.Fault;
import org.careledger.benchmarks.mixed.LoadOptions;
import org.careledger.benchmarks.mixed.OpKind;
import org.careledger.benchmarks.mixed.OpRecord;
import org.careledger.benchmarks.mixed.OpsLog;
import org.careledger.benchmarks.mixed.RunReport;
import org.careledger.benchmarks.mixed.SharingRules;
import org.careledger.benchmarks.mixed.Workload;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * A load generator that drives a running federation with a mixed workload — registers of small
 * documents, requests, grants, retrievals — at a chosen rate for a chosen time, records every
 * operation and what the system acknowledged, checks the chains afterwards, and writes a report
 * (Markdown and PNG charts of throughput and latency over time, faults marked).
 *
 * <p>Set-up, on the local federation ({@code server-config/federation.sh up}): the same user, with
 * the roles {@code admin} (blocks, verify) and {@code clinician} (register, request, grant,
 * retrieve), on every node; a cheap bcrypt cost, as every request signs in with HTTP Basic:
 *
 * <pre>
 * export LOAD_PASSWORD=…
 * for m in hospital-a clinic-b pharmacy-c insurer-d; do
 *   CARELEDGER_HOME=~/.careledger/federation-local-demo/$m CARELEDGER_BCRYPT_COST=4 \
 *     CARELEDGER_USER_PASSWORD=$LOAD_PASSWORD server-config/node.sh user add load admin,clinician
 * done
 * </pre>
 *
 * A run, then the report alone again from the run's directory (regenerated from its {@code
 * ops.jsonl}, e.g. with another faults file):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.careledger.benchmarks.MixedLoad \
 *     [--nodes https://127.0.0.1:9443/careledger/api/v1,…] [--channel care-bft] \
 *     [--rate 10] [--duration 60] [--warmup 10] [--mix register=40,request=20,grant=20,retrieve=20] \
 *     [--size 2048] [--user load] [--password-env LOAD_PASSWORD] [--out target/mixed-load-&lt;time&gt;] \
 *     [--faults FILE] [--nodes-honest hospital-a,clinic-b,pharmacy-c] [--max-in-flight 64] \
 *     [--settle-ms 500] [--patients 50] [--policy FILE|none] [--proofs 20|all] [--skip-checks] \
 *     [--until-file FILE]
 * java -cp benchmarks/target/benchmarks.jar org.careledger.benchmarks.MixedLoad --report DIR [--faults FILE]
 * </pre>
 *
 * <ul>
 *   <li><b>Open loop.</b> Operations are scheduled evenly at {@code --rate} per second whether or
 *       not earlier ones finished; at most {@code --max-in-flight} run at once, and one that cannot
 *       start within 1 s of its time is dropped by the generator (never sent; counted apart). The
 *       kind of each is drawn from {@code --mix}; {@link Workload} says what it does (a register
 *       where a drawn kind's prerequisites are missing). The first {@code --warmup} seconds are not
 *       counted.
 *   <li><b>Operations.</b> register: a document of {@code --size} random bytes (its SHA-256 kept)
 *       at a random node, record id {@code ml-<run>-<n>}, a synthetic patient id; request: another
 *       node asks for it; grant: its provider grants an open request; retrieve: a grantee reads it,
 *       and the bytes must hash to the registered document's SHA-256 (else a <i>corrupt
 *       retrieval</i>, the worst failure). The channel's sharing policy decides which node may ask
 *       for which document class ({@code care-bft}'s is built in; {@code --policy FILE} for another
 *       in the descriptor's {@code consentPolicy} form, {@code none} for none); where a rule needs
 *       the patient's consent, the run records it first for each of its patients (set-up, not
 *       counted).
 *   <li><b>Until.</b> With {@code --until-file FILE} the schedule goes on past {@code --duration},
 *       at the same rate, until FILE exists: whoever injects faults (the resilience suite) creates
 *       it once its faults are over and recovered, so the whole of each is under load.
 *   <li><b>Recorded.</b> Every operation is a line of {@code ops.jsonl} in {@code --out} (streamed,
 *       so memory stays bounded): scheduled, start and end (epoch ms), kind, node, HTTP status,
 *       error code, transaction id, acknowledged.
 *   <li><b>Checks</b> (a line {@code PASS}/{@code FAIL} each; exit code 1 if any fails), against
 *       the nodes of {@code --nodes-honest} (default all): (a) every acknowledged transaction is
 *       committed at every honest node (their blocks of the run read, 60 s for stragglers, the
 *       proof bundles of {@code --proofs} sampled transactions fetched); (b) the honest chains are
 *       identical (block hashes at sampled heights and at the run's heights); (c) {@code POST
 *       verify} is ok at every honest node; (d) no corrupt retrieval. See {@link ChainChecks}.
 *   <li><b>Report</b> ({@link RunReport}): {@code report.md}, {@code throughput.png}, {@code
 *       latency.png} in the run's directory. Faults: whoever injects them appends lines {@code
 *       <epoch-ms> <label>} to the {@code --faults} file; it is read only at the end of the run
 *       (copied into {@code ops.jsonl}) or by {@code --report}.
 * </ul>
 *
 * Exit codes: 0 every check passed (or a report was written), 1 a check failed, 2 wrong use or the
 * nodes not ready. The nodes' TLS certificates are self-issued, so this tool trusts any server
 * certificate and checks no host name; it sends load only to nodes on this machine (loopback
 * addresses), and refuses any other.
 */
public final class MixedLoad {

  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration RETRIEVE_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(30);
  private static final long STRAGGLER_MILLIS = 60_000;

  private final LoadOptions options;
  private final HttpClient http;
  private final String auth;
  private final List<String> nodes;
  private final List<String> names = new ArrayList<>();
  private final long baseMillis = System.currentTimeMillis();
  private final long baseNanos = System.nanoTime();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong corrupt = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final java.util.function.BooleanSupplier extend;
  private OpsLog log;
  private Workload workload;

  private MixedLoad(LoadOptions options, String auth, java.util.function.BooleanSupplier extend)
      throws Exception {
    this.options = options;
    this.extend = extend;
    this.auth = auth;
    this.nodes = options.nodes();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(TrustAnyServer.context())
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System::getenv));
  }

  /** A run or a report; the exit code. {@code env} gives the password's variable. */
  static int run(String[] args, java.util.function.UnaryOperator<String> env) throws Exception {
    return run(args, env, () -> false);
  }

  /**
   * A run or a report, for a caller that injects faults while the load runs (the resilience suite):
   * the schedule goes on past {@code --duration}, at the same rate, for as long as {@code extend}
   * answers true (asked once per scheduled operation), so a fault and its recovery are always under
   * load whatever they take; the measured window and the report follow what ran.
   *
   * @return the exit code: 0 every check passed, 1 a check failed, 2 wrong use or nodes not ready
   */
  public static int run(
      String[] args,
      java.util.function.UnaryOperator<String> env,
      java.util.function.BooleanSupplier extend)
      throws Exception {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: MixedLoad [--nodes URL,…] [--channel C] [--rate OPS] [--duration S] [--warmup S]"
              + " [--mix register=40,request=20,grant=20,retrieve=20] [--size BYTES] [--user U]"
              + " [--password-env VAR] [--out DIR] [--faults FILE] [--nodes-honest NAME|URL,…]"
              + " [--max-in-flight N] [--settle-ms MS] [--patients N] [--policy FILE|none]"
              + " [--proofs N|all] [--skip-checks] [--until-file FILE]"
              + "  |  MixedLoad --report DIR [--faults FILE]");
      return 2;
    }
    System.setProperty("java.awt.headless", "true");
    if (options.reportOnly()) {
      List<Fault> faults = options.faults() == null ? null : Fault.read(options.faults());
      List<RunReport.Check> checks = RunReport.write(options.report(), faults);
      checks.forEach(MixedLoad::print);
      System.out.println("report: " + options.report().resolve(RunReport.REPORT));
      return 0;
    }
    String password = env.apply(options.passwordEnv());
    if (password == null) {
      System.err.println("set the password in the environment variable " + options.passwordEnv());
      return 2;
    }
    for (String node : options.nodes()) {
      String host = URI.create(node).getHost();
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          System.err.println(
              node + " is not on this machine (" + address + "): this tool loads loopback only");
          return 2;
        }
      }
    }
    // The nodes' certificates name their institution, not 127.0.0.1.
    System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((options.user() + ":" + password).getBytes(StandardCharsets.UTF_8));
    java.util.function.BooleanSupplier until =
        options.untilFile() == null
            ? extend
            : () -> extend.getAsBoolean() || !Files.exists(options.untilFile());
    return new MixedLoad(options, auth, until).run();
  }

  private int run() throws Exception {
    String channel = options.channel();
    for (int i = 0; i < nodes.size(); i++) {
      names.add(institution(i));
    }
    int[] honest = honestIndexes();
    if (honest == null) {
      return 2;
    }
    long[] startHeights = new long[nodes.size()];
    Set<Integer> checked = new HashSet<>();
    for (int i : honest) {
      checked.add(i);
    }
    for (int i = 0; i < nodes.size(); i++) {
      try {
        startHeights[i] = new HttpLedger().height(i);
      } catch (IOException e) {
        System.err.println(
            names.get(i)
                + ": channel "
                + channel
                + " not readable ("
                + e.getMessage()
                + "): is the node up, the user "
                + options.user()
                + " added with roles admin,clinician?");
        if (checked.contains(i)) {
          return 2; // an honest node must be there: the checks start from its height
        }
      }
    }
    SharingRules rules;
    String policy;
    if ("none".equals(options.policy())) {
      rules = SharingRules.none();
      policy = "none (every grant allowed, purpose TREAT)";
    } else if (options.policy() != null) {
      rules = SharingRules.parse(Files.readString(Path.of(options.policy())));
      policy = options.policy();
    } else if (channel.equals("care-bft")) {
      rules = SharingRules.parse(SharingRules.CARE_BFT_POLICY);
      policy =
          "care-bft's (built in): pharmacy-c 57833-6 TREAT, insurer-d 11502-2 HPAYMT with consent";
    } else {
      rules = SharingRules.none();
      policy = "none (every grant allowed, purpose TREAT)";
    }

    Path out = options.out();
    Files.createDirectories(out);
    Path opsFile = out.resolve(OpsLog.FILE);
    if (Files.exists(opsFile)) {
      System.err.println(opsFile + " exists: give another --out");
      return 2;
    }
    String runId =
        Long.toString(
            36L * 36 * 36 * 36 * 36
                + ThreadLocalRandom.current().nextLong(35L * 36 * 36 * 36 * 36 * 36),
            36);
    workload =
        new Workload(
            names,
            rules,
            runId,
            options.patients(),
            options.settleMillis(),
            10_000,
            new SplittableRandom());
    log = OpsLog.append(opsFile);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    log.flush();
                  } catch (RuntimeException closed) {
                    // already closed at the normal end
                  }
                }));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            options.maxInFlight(),
            task -> {
              Thread thread = new Thread(task, "mixed-load");
              thread.setDaemon(true);
              return thread;
            });
    Semaphore slots = new Semaphore(options.maxInFlight());
    System.out.printf(
        Locale.ROOT,
        "run %s on %s: %s; %s op/s, %d s warm-up + %d s, mix %s, %d-byte documents → %s%n",
        runId,
        channel,
        String.join(", ", names),
        rate(),
        options.warmupSeconds(),
        options.durationSeconds(),
        options.mix(),
        options.size(),
        out);

    setUpConsents(rules, pool, slots);

    long t0Nanos = System.nanoTime();
    long t0 = millisAt(t0Nanos);
    long warmupNanos = options.warmupSeconds() * 1_000_000_000L;
    Map<String, Object> runLine = new LinkedHashMap<>();
    runLine.put("type", "run");
    runLine.put("runId", runId);
    runLine.put("start", t0);
    runLine.put("measuredFrom", t0 + options.warmupSeconds() * 1000L);
    runLine.put("measuredTo", t0 + (options.warmupSeconds() + options.durationSeconds()) * 1000L);
    runLine.put("channel", channel);
    runLine.put("nodes", nodes);
    runLine.put("nodeNames", names);
    List<String> honestNames = new ArrayList<>();
    for (int i : honest) {
      honestNames.add(names.get(i));
    }
    runLine.put("honest", honestNames);
    runLine.put("rate", rate());
    runLine.put("duration", (long) options.durationSeconds());
    runLine.put("warmup", (long) options.warmupSeconds());
    runLine.put("mix", options.mix().toString());
    runLine.put("size", (long) options.size());
    runLine.put("maxInFlight", (long) options.maxInFlight());
    runLine.put("settleMillis", options.settleMillis());
    runLine.put("patients", (long) options.patients());
    runLine.put("policy", policy);
    Map<String, Object> heights = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      heights.put(names.get(i), startHeights[i]);
    }
    runLine.put("startHeights", heights);
    runLine.put(
        "generator",
        String.format(
            Locale.ROOT,
            "MixedLoad, Java %s, %d cores, load average %.2f at the start",
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    log.write(runLine);

    SplittableRandom draws = new SplittableRandom();
    long total =
        (long) Math.floor(options.rate() * (options.warmupSeconds() + options.durationSeconds()));
    long nextProgress = t0Nanos + 10_000_000_000L;
    long scheduledOps = 0;
    for (long i = 0; i < total || extend.getAsBoolean(); i++) {
      scheduledOps = i + 1;
      long offset = (long) (i * 1e9 / options.rate());
      long due = t0Nanos + offset;
      for (long wait; (wait = due - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(wait);
      }
      long scheduled = t0 + offset / 1_000_000;
      String phase = offset < warmupNanos ? OpRecord.WARMUP : OpRecord.MEASURED;
      OpKind drawn = options.mix().pick(draws.nextDouble());
      long slotWait = due + 1_000_000_000L - System.nanoTime();
      if (!slots.tryAcquire(Math.max(0, slotWait), TimeUnit.NANOSECONDS)) {
        long now = now();
        dropped.incrementAndGet();
        log.write(
            new OpRecord(
                drawn, phase, scheduled, now, now, null, 0, null, null, false, true, false, null,
                null));
      } else {
        inFlight.incrementAndGet();
        pool.execute(
            () -> {
              try {
                perform(drawn, scheduled, phase);
              } catch (RuntimeException e) {
                System.err.println("operation failed in the generator: " + e);
              } finally {
                inFlight.decrementAndGet();
                slots.release();
              }
            });
      }
      if (System.nanoTime() >= nextProgress) {
        progress((System.nanoTime() - t0Nanos) / 1_000_000_000L);
        nextProgress += 10_000_000_000L;
      }
    }
    long measuredTo = t0 + (long) Math.ceil(scheduledOps * 1000.0 / options.rate());
    System.out.println("schedule done; waiting for " + inFlight.get() + " operations in flight");
    pool.shutdown();
    if (!pool.awaitTermination(15, TimeUnit.MINUTES)) {
      System.err.println("operations still in flight after 15 minutes: not waited for");
    }
    progress((System.nanoTime() - t0Nanos) / 1_000_000_000L);

    if (options.faults() != null) {
      if (Files.exists(options.faults())) {
        for (Fault fault : Fault.read(options.faults())) {
          log.write(Map.of("type", "fault", "at", fault.at(), "label", fault.label()));
        }
      } else {
        System.err.println("no faults file " + options.faults() + ": nothing marked");
      }
    }
    log.flush();

    boolean allPass = true;
    if (options.skipChecks()) {
      System.out.println("checks skipped (--skip-checks)");
    } else {
      for (RunReport.Check check : checks(opsFile, honest, startHeights)) {
        log.write(
            Map.of(
                "type",
                "check",
                "name",
                check.name(),
                "pass",
                check.pass(),
                "detail",
                check.detail()));
        log.flush();
        print(check);
        allPass &= check.pass();
      }
    }
    log.write(
        Map.of(
            "type",
            "end",
            "at",
            now(),
            "measuredTo",
            Math.max(measuredTo, t0 + warmupNanos / 1_000_000),
            "loadAverage",
            String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())));
    log.close();
    RunReport.write(out, null);
    System.out.println("report: " + out.resolve(RunReport.REPORT));
    return allPass ? 0 : 1;
  }

  private List<RunReport.Check> checks(Path opsFile, int[] honest, long[] startHeights)
      throws IOException {
    Set<String> txIds = new HashSet<>();
    long[] retrievals = new long[2]; // acknowledged, corrupt
    OpsLog.read(
        opsFile,
        line -> {
          if (!"op".equals(line.get("type"))) {
            return;
          }
          OpRecord op = OpRecord.fromMap(line);
          if (op.acknowledged() && op.txId() != null) {
            txIds.add(op.txId());
          }
          if (op.acknowledged() && op.kind() == OpKind.RETRIEVE) {
            retrievals[0]++;
            if (op.corrupt()) {
              retrievals[1]++;
            }
          }
        });
    System.out.println(
        "checking " + txIds.size() + " acknowledged transactions at " + honest.length + " nodes");
    ChainChecks checks =
        new ChainChecks(
            new HttpLedger(),
            names,
            honest,
            startHeights,
            STRAGGLER_MILLIS,
            this::now,
            millis -> LockSupport.parkNanos(millis * 1_000_000L));
    List<RunReport.Check> results = new ArrayList<>();
    results.add(checks.committed(txIds, options.proofs(), new SplittableRandom()));
    results.add(checks.identical());
    results.add(checks.verified());
    results.add(ChainChecks.noCorruptRetrieval(retrievals[1], retrievals[0]));
    return results;
  }

  private static void print(RunReport.Check check) {
    System.out.println((check.pass() ? "PASS " : "FAIL ") + check.name() + ": " + check.detail());
  }

  private void progress(long seconds) {
    int[] pools = workload.poolSizes();
    System.out.printf(
        Locale.ROOT,
        "t=%ds acknowledged %d, failed %d, dropped %d, corrupt %d, in flight %d;"
            + " records to ask for %d, open requests %d, grants %d%n",
        seconds,
        acknowledged.get(),
        failed.get(),
        dropped.get(),
        corrupt.get(),
        inFlight.get(),
        pools[0],
        pools[1],
        pools[2]);
    log.flush();
  }

  /** Where the channel's rules need a patient's consent, it is recorded for every patient first. */
  private void setUpConsents(SharingRules rules, ExecutorService pool, Semaphore slots)
      throws InterruptedException {
    List<int[]> consents = new ArrayList<>();
    for (int grantee = 0; grantee < names.size(); grantee++) {
      if (rules.needsConsent(names.get(grantee))) {
        for (int patient = 0; patient < workload.patients(); patient++) {
          consents.add(new int[] {patient, grantee});
        }
      }
    }
    if (consents.isEmpty()) {
      return;
    }
    System.out.println("set-up: recording " + consents.size() + " patients' consents");
    int parallel = Math.min(8, options.maxInFlight());
    Semaphore setupSlots = new Semaphore(parallel);
    for (int[] consent : consents) {
      setupSlots.acquire();
      slots.acquire();
      pool.execute(
          () -> {
            try {
              consent(consent[0], consent[1]);
            } finally {
              slots.release();
              setupSlots.release();
            }
          });
    }
    setupSlots.acquire(parallel);
    setupSlots.release(parallel);
  }

  private void consent(int patient, int grantee) {
    // Recorded by another institution than the grantee (the one the patient told).
    int node = (grantee + 1 + patient % (nodes.size() - 1)) % nodes.size();
    String body = "{\"grantee\":\"" + names.get(grantee) + "\",\"decision\":\"permit\"}";
    HttpRequest request =
        json(nodes.get(node) + "/channels/" + options.channel() + "/consents", body)
            .header("CareLedger-Patient-Id", workload.patientId(patient))
            .build();
    long start = now();
    Answer answer = send(request);
    long end = now();
    boolean ack = answer.ok();
    if (ack) {
      workload.consented(patient, grantee);
    } else {
      System.err.println(
          "consent of patient " + patient + " for " + names.get(grantee) + ": " + answer.failure());
    }
    log.write(
        new OpRecord(
            OpKind.CONSENT,
            OpRecord.SETUP,
            start,
            start,
            end,
            names.get(node),
            answer.status(),
            ack ? null : answer.failure(),
            ack ? field(answer.body(), "txId") : null,
            ack,
            false,
            false,
            null,
            null));
  }

  private void perform(OpKind drawn, long scheduled, String phase) {
    Workload.Plan plan = workload.next(drawn, now());
    OpRecord op;
    if (plan instanceof Workload.Register register) {
      op = register(register, scheduled, phase);
    } else if (plan instanceof Workload.Request request) {
      op = request(request, scheduled, phase);
    } else if (plan instanceof Workload.Grant grant) {
      op = grant(grant, scheduled, phase);
    } else {
      op = retrieve((Workload.Retrieve) plan, scheduled, phase);
    }
    (op.acknowledged() ? acknowledged : failed).incrementAndGet();
    if (op.corrupt() && corrupt.incrementAndGet() <= 10) {
      System.err.println("CORRUPT retrieval of " + op.recordId() + " at " + op.node());
    }
    log.write(op);
  }

  private OpRecord register(Workload.Register plan, long scheduled, String phase) {
    byte[] document = new byte[options.size()];
    ThreadLocalRandom.current().nextBytes(document);
    String sha256 = sha256(document);
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    nodes.get(plan.node())
                        + "/channels/"
                        + options.channel()
                        + "/records?recordId="
                        + plan.recordId()
                        + "&documentClass="
                        + plan.documentClass()))
            .timeout(CALL_TIMEOUT)
            .header("Authorization", auth)
            .header("Content-Type", "application/octet-stream")
            .header("CareLedger-Patient-Id", workload.patientId(plan.patient()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(document))
            .build();
    long start = now();
    Answer answer = send(request);
    long end = now();
    if (answer.ok()) {
      workload.registered(plan, sha256, end);
    }
    return record(
            OpKind.REGISTER, phase, scheduled, start, end, plan.node(), answer, plan.recordId())
        .withInstead(plan.instead());
  }

  private OpRecord request(Workload.Request plan, long scheduled, String phase) {
    String body =
        "{\"recordId\":\"" + plan.doc().recordId() + "\",\"purpose\":\"" + plan.purpose() + "\"}";
    HttpRequest request =
        json(nodes.get(plan.node()) + "/channels/" + options.channel() + "/requests", body).build();
    long start = now();
    Answer answer = send(request);
    long end = now();
    workload.requested(
        plan,
        outcome(answer, "CL-1172"),
        answer.ok() ? field(answer.body(), "requestId") : null,
        end);
    return record(
            OpKind.REQUEST,
            phase,
            scheduled,
            start,
            end,
            plan.node(),
            answer,
            plan.doc().recordId())
        .op();
  }

  private OpRecord grant(Workload.Grant plan, long scheduled, String phase) {
    HttpRequest request =
        json(
                nodes.get(plan.node())
                    + "/channels/"
                    + options.channel()
                    + "/requests/"
                    + URLEncoder.encode(plan.requestId(), StandardCharsets.UTF_8)
                    + "/grant",
                "{}")
            .build();
    long start = now();
    Answer answer = send(request);
    long end = now();
    workload.granted(plan, outcome(answer, "CL-1711"), end);
    return record(
            OpKind.GRANT, phase, scheduled, start, end, plan.node(), answer, plan.doc().recordId())
        .op();
  }

  private OpRecord retrieve(Workload.Retrieve plan, long scheduled, String phase) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    nodes.get(plan.node())
                        + "/channels/"
                        + options.channel()
                        + "/records/"
                        + plan.doc().recordId()
                        + "/content"))
            .timeout(RETRIEVE_TIMEOUT)
            .header("Authorization", auth)
            .GET()
            .build();
    long start = now();
    int status = 0;
    String code = null;
    String txId = null;
    boolean ack = false;
    boolean corrupted = false;
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      try (InputStream in = response.body()) {
        if (status / 100 == 2) {
          MessageDigest sha = sha256();
          byte[] buffer = new byte[1 << 16];
          for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
          }
          ack = true;
          txId = response.headers().firstValue("CareLedger-Access-Tx").orElse(null);
          corrupted = !HexFormat.of().formatHex(sha.digest()).equals(plan.doc().sha256());
        } else {
          code = errorCode(new String(in.readAllBytes(), StandardCharsets.UTF_8), status);
        }
      }
    } catch (IOException e) {
      code = "IO:" + e.getClass().getSimpleName();
      ack = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = "IO:Interrupted";
    }
    long end = now();
    return new OpRecord(
        OpKind.RETRIEVE,
        phase,
        scheduled,
        start,
        end,
        names.get(plan.node()),
        status,
        code,
        txId,
        ack,
        false,
        corrupted,
        plan.doc().recordId(),
        null);
  }

  private static Workload.Outcome outcome(Answer answer, String notYet) {
    if (answer.ok()) {
      return Workload.Outcome.ACK;
    }
    return notYet.equals(answer.code()) ? Workload.Outcome.NOT_YET : Workload.Outcome.FAILED;
  }

  /** An operation's record being built; {@link #withInstead} or {@link #op} finishes it. */
  private record Pending(OpRecord op) {
    OpRecord withInstead(OpKind instead) {
      return new OpRecord(
          op.kind(),
          op.phase(),
          op.scheduled(),
          op.start(),
          op.end(),
          op.node(),
          op.status(),
          op.code(),
          op.txId(),
          op.acknowledged(),
          false,
          false,
          op.recordId(),
          instead);
    }
  }

  private Pending record(
      OpKind kind,
      String phase,
      long scheduled,
      long start,
      long end,
      int node,
      Answer answer,
      String recordId) {
    boolean ack = answer.ok();
    return new Pending(
        new OpRecord(
            kind,
            phase,
            scheduled,
            start,
            end,
            names.get(node),
            answer.status(),
            ack ? null : answer.failure(),
            ack ? field(answer.body(), "txId") : null,
            ack,
            false,
            false,
            recordId,
            null));
  }

  private HttpRequest.Builder json(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(CALL_TIMEOUT)
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** An answer: status (0: none), body, and the error code of a refusal. */
  private record Answer(int status, String body, String code) {
    boolean ok() {
      return status / 100 == 2;
    }

    String failure() {
      return code;
    }
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      return new Answer(
          status, response.body(), status / 100 == 2 ? null : errorCode(response.body(), status));
    } catch (IOException e) {
      return new Answer(0, "", "IO:" + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, "", "IO:Interrupted");
    }
  }

  /** The {@code code} of a problem JSON, or {@code HTTP <status>} where there is none. */
  static String errorCode(String body, int status) {
    String code = field(body, "code");
    return code != null ? code : "HTTP " + status;
  }

  /** A top-level string member of a JSON object, or null. */
  static String field(String body, String name) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      if (CanonicalJson.parse(body.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> map
          && map.get(name) instanceof String value) {
        return value;
      }
      return null;
    } catch (RuntimeException notOurJson) {
      // e.g. a number with a fraction, which the ledger's parser does not take: look for it
      Matcher m =
          (name.equals("code") ? CODE : Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\""))
              .matcher(body);
      return m.find() ? m.group(1) : null;
    }
  }

  /** The institution a node names itself ({@code GET /node}, public), or {@code node<i>}. */
  private String institution(int index) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(nodes.get(index) + "/node"))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    Answer answer = send(request);
    String name = answer.ok() ? field(answer.body(), "institutionId") : null;
    if (name == null) {
      System.err.println(
          nodes.get(index) + ": no institution id (" + answer.failure() + "); called node" + index);
      return "node" + index;
    }
    return name;
  }

  private int[] honestIndexes() {
    if (options.honest() == null) {
      int[] all = new int[nodes.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] honest = new int[options.honest().size()];
    for (int k = 0; k < honest.length; k++) {
      String given = options.honest().get(k);
      int index = nodes.indexOf(given);
      if (index < 0) {
        index = names.indexOf(given);
      }
      if (index < 0) {
        System.err.println("--nodes-honest: " + given + " is none of the nodes " + names);
        return null;
      }
      honest[k] = index;
    }
    return honest;
  }

  private String rate() {
    double rate = options.rate();
    return rate == Math.rint(rate)
        ? Long.toString((long) rate)
        : String.format(Locale.ROOT, "%s", rate);
  }

  private long now() {
    return millisAt(System.nanoTime());
  }

  private long millisAt(long nanos) {
    return baseMillis + (nanos - baseNanos) / 1_000_000L;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The checks' view of the nodes, over HTTP. */
  private final class HttpLedger implements ChainChecks.Ledger {

    private String channelUrl(int node) {
      return nodes.get(node) + "/channels/" + options.channel();
    }

    private Map<?, ?> getJson(String url) throws IOException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(CALL_TIMEOUT)
              .header("Authorization", auth)
              .GET()
              .build();
      Answer answer = send(request);
      if (!answer.ok()) {
        throw new IOException("GET " + url + ": " + answer.failure());
      }
      if (!(CanonicalJson.parse(answer.body().getBytes(StandardCharsets.UTF_8))
          instanceof Map<?, ?> map)) {
        throw new IOException("GET " + url + ": not a JSON object");
      }
      return map;
    }

    @Override
    public long height(int node) throws IOException {
      if (!(getJson(channelUrl(node)).get("height") instanceof Long height)) {
        throw new IOException(names.get(node) + ": no height");
      }
      return height;
    }

    @Override
    public ChainChecks.Block block(int node, long height) throws IOException {
      Map<?, ?> block = getJson(channelUrl(node) + "/blocks/" + height);
      List<String> txIds = new ArrayList<>();
      if (block.get("txIds") instanceof List<?> ids) {
        ids.forEach(id -> txIds.add(String.valueOf(id)));
      }
      return new ChainChecks.Block(String.valueOf(block.get("hash")), txIds);
    }

    @Override
    public int proof(int node, String txId, Long head) throws IOException {
      String url =
          channelUrl(node)
              + "/transactions/"
              + URLEncoder.encode(txId, StandardCharsets.UTF_8)
              + "/proof"
              + (head == null ? "" : "?head=" + head);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(CALL_TIMEOUT)
              .header("Authorization", auth)
              .GET()
              .build();
      try {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }

    @Override
    public String verify(int node) throws IOException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(channelUrl(node) + "/verify"))
              .timeout(VERIFY_TIMEOUT)
              .header("Authorization", auth)
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      Answer answer = send(request);
      if (!answer.ok()) {
        return "POST verify: " + answer.failure();
      }
      Object result = CanonicalJson.parse(answer.body().getBytes(StandardCharsets.UTF_8));
      if (result instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("ok"))) {
        return null;
      }
      return answer.body();
    }
  }
}
