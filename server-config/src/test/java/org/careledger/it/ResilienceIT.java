package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Faults under load on the four-institution federation, each followed by the load generator's
 * checks: every acknowledged transaction is in every honest member's chain, the honest chains are
 * identical, {@code verify} passes on every honest member, and no retrieval ever returned bytes
 * that differ from what was registered ({@code MixedLoad}'s checks (a)–(d), its exit code
 * asserted).
 *
 * <p>Each scenario is one run of the load generator ({@code benchmarks/target/benchmarks.jar}, as
 * an operator runs it: registers of small documents, requests, grants, retrievals at every node),
 * with the faults injected while it runs and marked in its report ({@code report.md}, {@code
 * throughput.png}, {@code latency.png} under {@code target/resilience/<scenario>/}); the load goes
 * on until the fault is over and recovered ({@code --until-file}). The scenarios:
 *
 * <ol>
 *   <li>kill -9 of pharmacy-c, restart; then kill -9 of insurer-d after pharmacy-c is back, and
 *       insurer-d restarts with its clock five minutes ahead (libfaketime, its shared state held by
 *       {@link SkewedClock}) and keeps that clock for the rest of the suite. While pharmacy-c is
 *       down the unanimity channel stalls rather than forks and resumes when it is back.
 *   <li>a bridge cut: the JMS bridges between hospital-a and clinic-b (both ways) stopped for 30 s,
 *       then started. (Cutting all three of a member's bridges under load is FederationIT's
 *       partition without load and the protocol suite's; restoring them under load took minutes.)
 *   <li>clinic-b's database unreachable for 30 s: clinic-b runs on PostgreSQL through a TCP proxy
 *       of this test, which resets every connection and refuses new ones, then listens again.
 *   <li>insurer-d Byzantine for 30 s (three steady periods in the long run): switched through its
 *       management model (the test-only system property {@code careledger.test.byzantine}, see
 *       {@code ByzantineMode}) to equivocate as proposer and double-vote, send copies of its
 *       messages claiming other authors and copies with broken signatures, and replay old messages;
 *       checked at the three honest members.
 * </ol>
 *
 * Short by default (the CI run); {@code -Dit.resilience.rate=8 -Dit.resilience.steady=120} (the
 * {@code resilience-long} profile) runs the same scenarios at a higher rate with minutes of steady
 * load around each fault. The federation is {@link SharedFederation#RESILIENCE}, this suite's own
 * (ports +3000..+3300); it stops it at its end. It runs beside {@link FederationIT} and {@link
 * JmsConsensusProtocolIT}: the failsafe execution it-federation runs its suites in two lanes at
 * once, this one with {@link ClusterFailoverIT} under the lock {@value
 * SharedFederation#SECOND_LANE} (server-config/pom.xml).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SharedFederation.SECOND_LANE)
class ResilienceIT {

  private static final double RATE =
      Double.parseDouble(System.getProperty("it.resilience.rate", "3"));

  /** Seconds of steady load before each fault and after its recovery. */
  private static final int STEADY = Integer.getInteger("it.resilience.steady", 10);

  private static final Path REPORTS =
      Path.of(System.getProperty("it.resilience.reports", "target/resilience"));
  private static final Path BENCHMARKS_JAR =
      Path.of(
          System.getProperty("careledger.benchmarks.jar", "../benchmarks/target/benchmarks.jar"));

  private static final int HOSPITAL_A = 0;
  private static final int CLINIC_B = 1;
  private static final int PHARMACY_C = 2;
  private static final int INSURER_D = 3;
  private static final String LOAD_USER = "load";
  private static final String LOAD_PASSWORD = ManagementCli.randomPassword();
  private static final String BYZANTINE_PROPERTY = "careledger.test.byzantine";

  private static LocalFederation fed;
  private static TcpProxy database;

  /** insurer-d's clock, five minutes ahead from the first scenario to the end of the suite. */
  private static SkewedClock insurerClock;

  @BeforeAll
  static void up() throws Exception {
    fed = SharedFederation.RESILIENCE.get();
    database = SharedFederation.RESILIENCE.database();
    for (int node = 0; node < LocalFederation.MEMBERS.size(); node++) {
      fed.addUser(
          node,
          LOAD_USER,
          "admin,clinician",
          null,
          LOAD_PASSWORD,
          Map.of("CARELEDGER_BCRYPT_COST", "4"));
    }
  }

  @Test
  @Order(100)
  void downLeavesNoProcess() throws Exception {
    List<Long> pids = fed.pids();

    LocalFederation.Run down = fed.federationSh("down");

    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(pids).hasSize(LocalFederation.MEMBERS.size()).doesNotContainNull();
    for (Long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }
    assertThat(fed.processesNaming()).isEmpty();
    assertThat(fed.federationSh("status").exitCode()).isEqualTo(3);
  }

  /** The last suite on the shared federation stops it (again, should its last test have failed). */
  @AfterAll
  static void down() throws Exception {
    try {
      SharedFederation.RESILIENCE.close();
    } finally {
      if (insurerClock != null) {
        insurerClock.close();
      }
    }
  }

  @Test
  @Order(1)
  void twoNodesKilledOneAfterTheOtherAndOneBackWithItsClockFiveMinutesAhead() throws Exception {
    insurerClock = SkewedClock.start(SkewedClock.library(), "+5m");
    try (LoadRun load = LoadRun.start("1-kill-kill-clock", List.of())) {
      load.steady();

      load.fault("kill -9 pharmacy-c");
      fed.kill(PHARMACY_C);
      // The unanimity channel (hospital-a, clinic-b, pharmacy-c) stalls rather than forks.
      long trioHeight = fed.channel(HOSPITAL_A, "care-trio").path("height").asLong();
      HttpResponse<String> trio =
          fed.submitAsync(HOSPITAL_A, "care-trio", "stalled-" + System.nanoTime(), 5)
              .get(90, TimeUnit.SECONDS);
      assertThat(trio.statusCode()).as(trio.body()).isEqualTo(504);
      assertThat(trio.body()).contains("CL-1534");
      String stalled = trio.body().replaceAll("(?s).*transaction ([0-9a-f]{64}).*", "$1");
      assertThat(fed.channel(CLINIC_B, "care-trio").path("height").asLong()).isEqualTo(trioHeight);
      load.sleep(STEADY);

      // Store and forward: a ping to the dead node waits in hospital-a's outbound queue.
      HttpResponse<String> ping = fed.post(HOSPITAL_A, "/federation/ping/pharmacy-c");
      assertThat(ping.statusCode()).as(ping.body()).isEqualTo(202);
      String nonce = Http.json(ping).path("nonce").asText();

      load.fault("restart pharmacy-c");
      LocalFederation.Run back = fed.federationSh("up");
      assertThat(back.exitCode()).as(back.output()).isZero();
      load.fault("pharmacy-c ready (" + back.seconds() + " s)");
      awaitPing(PHARMACY_C, nonce);
      awaitCommitted("care-trio", List.of(HOSPITAL_A, CLINIC_B, PHARMACY_C), stalled);
      load.sleep(STEADY);

      load.fault("kill -9 insurer-d");
      fed.kill(INSURER_D);
      load.sleep(STEADY);

      load.fault("restart insurer-d, clock 5 min ahead");
      Instant restarted = Instant.now();
      // The whole process's clock, wall and monotonic alike, five minutes ahead: with the
      // monotonic clock left alone, the JVM's timed waits (absolute deadlines on the faked wall
      // clock) return at once and its threads spin.
      LocalFederation.Run skewed = fed.upNode(INSURER_D, insurerClock.environment());
      assertThat(skewed.exitCode()).as(skewed.output()).isZero();
      load.fault("insurer-d ready (" + skewed.seconds() + " s)");
      // The skew is real: by insurer-d's own clock it started five minutes after it did.
      Instant startedAt =
          Instant.parse(Http.json(fed.get(INSURER_D, "/console/node")).path("startedAt").asText());
      assertThat(startedAt)
          .isAfter(restarted.plus(Duration.ofMinutes(4)))
          .isBefore(Instant.now().plus(Duration.ofMinutes(6)));
      load.sleep(2 * STEADY);

      load.finishAndCheck();
    }
  }

  @Test
  @Order(2)
  void aMemberCutOffByItsBridgesUnderLoad() throws Exception {
    try (LoadRun load = LoadRun.start("2-bridge-cut", List.of())) {
      load.steady();
      load.fault("bridges hospital-a <-> clinic-b stopped");
      fed.setBridges(HOSPITAL_A, List.of(CLINIC_B), "stop");
      load.sleep(30);
      load.fault("bridges hospital-a <-> clinic-b started");
      fed.setBridges(HOSPITAL_A, List.of(CLINIC_B), "start");
      load.sleep(2 * STEADY);
      load.finishAndCheck();
    }
  }

  @Test
  @Order(3)
  void aMembersDatabaseUnreachableForThirtySeconds() throws Exception {
    try (LoadRun load = LoadRun.start("3-database-outage", List.of())) {
      load.steady();
      load.fault("clinic-b's database unreachable");
      long before = database.accepted();
      long cutAt = System.currentTimeMillis();
      database.cut();
      load.sleep(30);
      database.restore();
      long restoredAt = System.currentTimeMillis();
      load.fault("clinic-b's database reachable again");
      load.sleep(2 * STEADY);
      load.finishAndCheck();
      assertThat(database.accepted())
          .as("clinic-b opened new database connections after the outage")
          .isGreaterThan(before);
      // While its database was away clinic-b refused with the coded 503, never a bare 500.
      List<com.fasterxml.jackson.databind.JsonNode> atClinic =
          load.ops().stream().filter(op -> op.path("node").asText().equals("clinic-b")).toList();
      assertThat(atClinic).as("operations at clinic-b").isNotEmpty();
      assertThat(atClinic)
          .as("clinic-b's answers with HTTP 500")
          .noneMatch(op -> op.path("status").asInt() == 500);
      assertThat(atClinic)
          .as("clinic-b's 503 CL-1008 answers while its database was away")
          .anyMatch(
              op ->
                  op.path("status").asInt() == 503
                      && op.path("code").asText().equals("CL-1008")
                      && op.path("end").asLong() >= cutAt
                      && op.path("start").asLong() <= restoredAt);
    }
  }

  @Test
  @Order(4)
  void aByzantineMemberThatEquivocatesForgesAndReplaysChangesNothingForTheHonestOnes()
      throws Exception {
    String property = "/system-property=" + BYZANTINE_PROPERTY;
    List<String> honest = LocalFederation.MEMBERS.subList(0, 3);
    try (LoadRun load = LoadRun.start("4-byzantine", honest)) {
      load.steady();
      load.fault("insurer-d Byzantine: equivocates, forges, replays");
      fed.cliScript(
          INSURER_D,
          "if (outcome == success) of " + property + ":read-resource",
          property + ":remove",
          "end-if",
          property + ":add(value=\"equivocate,forge,replay\")");
      load.sleep(Math.max(30, 3 * STEADY));
      fed.cliScript(INSURER_D, property + ":remove");
      load.fault("insurer-d honest again");
      load.sleep(2 * STEADY);
      load.finishAndCheck();
    }
    // The honest members' equivocation watches: insurer-d's conflicting votes are evidence against
    // it, and its forged copies (other members named as authors, signed with its own key) are
    // evidence against nobody: no honest member is ever accused.
    long againstInsurer = 0;
    for (int node = 0; node < 3; node++) {
      var channel = Http.json(fed.get(node, "/channels/care-bft"));
      var counts = channel.path("equivocations");
      for (String member : honest) {
        assertThat(counts.path(member).asLong())
            .as(member + " accused at " + LocalFederation.MEMBERS.get(node) + ": " + counts)
            .isZero();
      }
      againstInsurer += counts.path("insurer-d").asLong();
    }
    System.out.println(
        "[ResilienceIT] equivocations by insurer-d seen at the honest members: " + againstInsurer);
    // The switch did take effect on insurer-d (and on no other member).
    for (int node = 0; node < LocalFederation.MEMBERS.size(); node++) {
      Path log =
          SharedFederation.RESILIENCE
              .home()
              .resolve(LocalFederation.MEMBERS.get(node))
              .resolve("server/log/server.log");
      assertThat(Files.readString(log).contains("BYZANTINE TEST MODE"))
          .as(log.toString())
          .isEqualTo(node == INSURER_D);
    }
  }

  // ------------------------------------------------------------------------------------------

  /** Waits until the ping {@code nonce} from hospital-a has arrived at {@code node}. */
  private static void awaitPing(int node, String nonce) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      HttpResponse<String> pings = fed.get(node, "/federation/pings");
      if (pings.statusCode() == 200) {
        for (var received : Http.json(pings)) {
          if (received.path("nonce").asText().equals(nonce)) {
            assertThat(received.path("from").asText()).isEqualTo("hospital-a");
            return;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the ping " + nonce + " did not arrive: " + pings.body());
      }
      Thread.sleep(500);
    }
  }

  /** Waits until {@code txId} is committed at each of {@code nodes} (its proof is served). */
  private static void awaitCommitted(String channel, List<Integer> nodes, String txId)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    for (int node : nodes) {
      while (fed.get(node, "/channels/" + channel + "/transactions/" + txId + "/proof").statusCode()
          != 200) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              txId + " not committed on " + channel + " at " + LocalFederation.MEMBERS.get(node));
        }
        Thread.sleep(1000);
      }
    }
  }

  /**
   * One run of the load generator in its own JVM, as an operator runs it, with the faults this test
   * injects appended to its faults file; the load goes on until {@link #finishAndCheck}.
   */
  private static final class LoadRun implements AutoCloseable {
    private final String name;
    private final Path dir;
    private final Path faults;
    private final Path until;
    private final Path output;
    private final Process process;

    private LoadRun(String name, Path dir, Process process) {
      this.name = name;
      this.dir = dir;
      this.faults = dir.resolve("faults.txt");
      this.until = dir.resolve("until");
      this.output = dir.resolve("load.log");
      this.process = process;
    }

    static LoadRun start(String name, List<String> honest) throws IOException {
      Path dir = REPORTS.resolve(name).toAbsolutePath();
      if (Files.exists(dir)) {
        try (var files = Files.walk(dir)) {
          for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(dir);
      assertThat(BENCHMARKS_JAR).as("the load generator's jar (build benchmarks first)").exists();
      List<String> nodes = new ArrayList<>();
      for (int node = 0; node < LocalFederation.MEMBERS.size(); node++) {
        nodes.add(
            "https://127.0.0.1:"
                + (8443 + SharedFederation.RESILIENCE.baseOffset() + 100 * node)
                + "/careledger/api/v1");
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Xmx256m",
                  "-cp",
                  BENCHMARKS_JAR.toAbsolutePath().toString(),
                  "org.careledger.benchmarks.MixedLoad",
                  "--nodes",
                  String.join(",", nodes),
                  "--rate",
                  String.valueOf(RATE),
                  "--warmup",
                  "5",
                  "--duration",
                  "1",
                  "--until-file",
                  dir.resolve("until").toString(),
                  "--faults",
                  dir.resolve("faults.txt").toString(),
                  "--out",
                  dir.resolve("run").toString(),
                  "--user",
                  LOAD_USER,
                  "--password-env",
                  "LOAD_PASSWORD",
                  "--patients",
                  "10",
                  "--proofs",
                  "20"));
      if (!honest.isEmpty()) {
        command.addAll(List.of("--nodes-honest", String.join(",", honest)));
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("LOAD_PASSWORD", LOAD_PASSWORD);
      builder.redirectErrorStream(true);
      builder.redirectOutput(dir.resolve("load.log").toFile());
      Files.writeString(dir.resolve("faults.txt"), "# " + name + ": faults injected\n");
      LoadRun run = new LoadRun(name, dir, builder.start());
      System.out.println("[ResilienceIT] " + name + ": load generator PID " + run.process.pid());
      return run;
    }

    /** Steady load before the fault: the generator's set-up and warm-up, then STEADY seconds. */
    void steady() throws Exception {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!Files.readString(output).contains("op/s,")) {
        assertThat(process.isAlive()).as(Files.readString(output)).isTrue();
        assertThat(System.nanoTime()).as("load generator started").isLessThan(deadline);
        Thread.sleep(200);
      }
      sleep(5 + STEADY);
    }

    void sleep(int seconds) throws InterruptedException {
      assertThat(process.isAlive()).as("load generator still running").isTrue();
      Thread.sleep(seconds * 1000L);
    }

    void fault(String label) throws IOException {
      String line = System.currentTimeMillis() + " " + label + "\n";
      Files.writeString(faults, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      System.out.println("[ResilienceIT] " + name + ": " + label);
    }

    /** The operations the generator recorded ({@code ops.jsonl}: lines of type "op"). */
    List<com.fasterxml.jackson.databind.JsonNode> ops() throws IOException {
      List<com.fasterxml.jackson.databind.JsonNode> ops = new java.util.ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("run").resolve("ops.jsonl"))) {
        com.fasterxml.jackson.databind.JsonNode node = Http.JSON.readTree(line);
        if (node.path("type").asText().equals("op")) {
          ops.add(node);
        }
      }
      return ops;
    }

    /** Stops the load, waits for the generator's checks, and asserts that every one passed. */
    void finishAndCheck() throws Exception {
      Files.writeString(until, "done\n");
      boolean ended = process.waitFor(15, TimeUnit.MINUTES);
      String log = Files.readString(output);
      System.out.println(
          "[ResilienceIT] " + name + ": load generator output (tail):\n" + tail(log));
      assertThat(ended).as("load generator finished").isTrue();
      assertThat(log).contains("PASS (a)").contains("PASS (b)").contains("PASS (c)");
      assertThat(log).contains("PASS (d)").doesNotContain("FAIL");
      assertThat(process.exitValue()).as(tail(log)).isZero();
      Path report = dir.resolve("run").resolve("report.md");
      assertThat(report).exists();
      assertThat(dir.resolve("run").resolve("throughput.png")).exists();
      assertThat(dir.resolve("run").resolve("latency.png")).exists();
      System.out.println("[ResilienceIT] " + name + ": report " + report);
    }

    private static String tail(String text) {
      String[] lines = text.split("\n");
      return String.join(
          "\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    @Override
    public void close() throws IOException {
      if (process.isAlive()) {
        Files.writeString(until, "done\n");
        process.destroy();
      }
    }
  }
}
