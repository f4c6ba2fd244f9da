package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's start command, node.sh, as an operator uses it: up, restart with the same identity,
 * down leaving nothing running, and clear refusals for bad configuration. Every server it starts
 * binds to 127.0.0.1 and is stopped here by its PID, even when a test fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeLifecycleIT {

  private static final Path NODE_SH = Path.of(System.getProperty("careledger.node.sh"));
  private static final Path NODES = Path.of(System.getProperty("it.nodes"));
  private static final Path HOME = NODES.resolve("lifecycle");

  /** The node homes this test creates below {@link #NODES}. */
  private static final List<String> OUR_HOMES =
      List.of("lifecycle", "port-clash", "no-database", "bad-id");

  private static final int OFFSET = 200;
  private static final String NODE_URL =
      "https://127.0.0.1:" + (8443 + OFFSET) + "/careledger/api/v1/node";

  private static String firstFingerprint;
  private static X509Certificate firstTlsCertificate;

  record Run(int exitCode, String output) {}

  @Test
  @Order(1)
  void upStartsANodeThatServesItsOwnTlsCertificate() throws Exception {
    Run up = nodeSh(HOME, Map.of(), "up");

    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).contains(NODE_URL).contains("is ready");
    HttpResponse<String> response = Http.get(NODE_URL);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode node = Http.json(response);
    assertThat(node.path("institutionId").asText()).isEqualTo("lifecycle-test");
    firstFingerprint = node.path("signingFingerprint").asText();
    assertThat(firstFingerprint).matches("[0-9a-f]{64}");
    assertThat(up.output()).contains(firstFingerprint);

    X509Certificate served =
        (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    firstTlsCertificate = served;
    assertThat(served.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(served.getSubjectX500Principal().getName())
        .contains("CN=lifecycle-test")
        .contains("OU=tls");

    assertThat(HOME.resolve("identity/node.p12")).exists();
    assertThat(Files.getPosixFilePermissions(HOME))
        .containsExactlyInAnyOrder(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.readString(HOME.resolve("node.properties")))
        .doesNotContain(Files.readString(HOME.resolve("credentials/master.secret")));
  }

  @Test
  @Order(2)
  void statusSaysRunningAndReady() throws Exception {
    Run status = nodeSh(HOME, Map.of(), "status");

    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).contains("running: PID").contains("\"careledger-node\"");
  }

  @Test
  @Order(3)
  void restartKeepsTheSameIdentity() throws Exception {
    long pidBefore = pid();
    assertThat(nodeSh(HOME, Map.of(), "down").exitCode()).isZero();
    assertThat(ProcessHandle.of(pidBefore)).isEmpty();

    Run up = nodeSh(HOME, Map.of(), "up");

    assertThat(up.exitCode()).as(up.output()).isZero();
    JsonNode node = Http.json(Http.get(NODE_URL));
    assertThat(node.path("signingFingerprint").asText()).isEqualTo(firstFingerprint);
    JsonNode starts = Http.json(Http.get(NODE_URL + "/starts"));
    assertThat(starts.size()).isGreaterThanOrEqualTo(2);
    for (JsonNode start : starts) {
      assertThat(start.path("signingFingerprint").asText()).isEqualTo(firstFingerprint);
    }
  }

  @Test
  @Order(4)
  void downLeavesNoProcessOfOursRunning() throws Exception {
    long pid = pid();

    Run down = nodeSh(HOME, Map.of(), "down");

    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(processesNaming(HOME)).isEmpty();
    assertThat(HOME.resolve("node.pid")).doesNotExist();
    assertThat(nodeSh(HOME, Map.of(), "status").exitCode()).isEqualTo(3);
  }

  @Test
  @Order(5)
  void corruptKeystoreIsRefusedWithItsCodeAndNotReplaced() throws Exception {
    Path keystore = HOME.resolve("identity/node.p12");
    byte[] garbage = "this is not a keystore".getBytes(StandardCharsets.UTF_8);
    Files.write(keystore, garbage);

    Run up = nodeSh(HOME, Map.of(), "up");

    assertThat(up.exitCode()).isNotZero();
    assertThat(up.output()).contains("CL-1001").contains(keystore.toString());
    assertThat(Files.readAllBytes(keystore)).isEqualTo(garbage);
    assertThat(processesNaming(HOME)).isEmpty();
  }

  @Test
  @Order(6)
  void movingTheBrokenKeystoreAwayMakesTheNodeGenerateANewIdentity() throws Exception {
    Path keystore = HOME.resolve("identity/node.p12");
    Files.move(keystore, HOME.resolve("identity/node.p12.broken"));

    Run up = nodeSh(HOME, Map.of(), "up");

    assertThat(up.exitCode()).as(up.output()).isZero();
    HttpResponse<String> response = Http.get(NODE_URL);
    String fingerprint = Http.json(response).path("signingFingerprint").asText();
    assertThat(fingerprint).matches("[0-9a-f]{64}").isNotEqualTo(firstFingerprint);
    X509Certificate served =
        (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    assertThat(served).isNotEqualTo(firstTlsCertificate);
    assertThat(served.getSubjectX500Principal().getName()).contains("CN=lifecycle-test");
    assertThat(nodeSh(HOME, Map.of(), "down").exitCode()).isZero();
    assertThat(processesNaming(HOME)).isEmpty();
  }

  @Test
  @Order(7)
  void portInUseIsReportedWithTheFixBeforeAnythingIsWritten() throws Exception {
    Path home = NODES.resolve("port-clash");
    try (ServerSocket taken = new ServerSocket(8443 + 300, 1, InetAddress.getLoopbackAddress())) {
      Run up = nodeSh(home, Map.of("CARELEDGER_PORT_OFFSET", "300"), "up");

      assertThat(up.exitCode()).isNotZero();
      assertThat(up.output()).contains("port 8743").contains("CARELEDGER_PORT_OFFSET");
    }
    assertThat(home).doesNotExist();
  }

  @Test
  @Order(8)
  void unreachableDatabaseIsReportedWithTheFix() throws Exception {
    Path home = NODES.resolve("no-database");
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    Run up =
        nodeSh(
            home,
            Map.of(
                "CARELEDGER_PORT_OFFSET", "300",
                "CARELEDGER_DB", "postgresql",
                "CARELEDGER_DB_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/careledger"),
            "up");

    assertThat(up.exitCode()).isNotZero();
    assertThat(up.output()).contains("cannot be reached").contains("CARELEDGER_DB_URL");
    assertThat(home).doesNotExist();
  }

  @Test
  @Order(9)
  void invalidInstitutionIdIsRefused() throws Exception {
    Run up = nodeSh(NODES.resolve("bad-id"), Map.of("CARELEDGER_INSTITUTION", "St Mary's"), "up");

    assertThat(up.exitCode()).isNotZero();
    assertThat(up.output()).contains("not valid").contains("CARELEDGER_INSTITUTION");
  }

  /**
   * Starts from empty node homes: {@code mvn verify} without {@code clean} keeps target/, and a
   * home left by an earlier (failed) run would carry its identity and start log into this one.
   */
  @BeforeAll
  static void startFromEmptyHomes() throws Exception {
    for (String home : OUR_HOMES) {
      Path dir = NODES.resolve(home);
      for (ProcessHandle process : processesNaming(dir)) {
        process.destroyForcibly();
        process.onExit().get(60, TimeUnit.SECONDS);
      }
      if (Files.exists(dir)) {
        try (var paths = Files.walk(dir)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @AfterAll
  static void stopEverythingWeStarted() throws Exception {
    nodeSh(HOME, Map.of(), "down");
    // Only the homes of this test: the Arquillian servers of the same run live below NODES too.
    for (String home : OUR_HOMES) {
      for (ProcessHandle process : processesNaming(NODES.resolve(home))) {
        process.destroyForcibly();
      }
    }
  }

  private static long pid() throws IOException {
    return Long.parseLong(Files.readString(HOME.resolve("node.pid")).trim());
  }

  /** Java processes whose command line names a directory below {@code dir}. */
  private static List<ProcessHandle> processesNaming(Path dir) {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.filter(p -> p.info().commandLine().orElse("").contains(dir.toString() + "/"))
          .filter(p -> p.info().command().orElse("").endsWith("java"))
          .forEach(found::add);
    }
    return found;
  }

  private static Run nodeSh(Path home, Map<String, String> env, String command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", NODE_SH.toString(), command);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("CARELEDGER_"));
    environment.put("CARELEDGER_HOME", home.toString());
    environment.put("CARELEDGER_INSTITUTION", "lifecycle-test");
    environment.put("CARELEDGER_PORT_OFFSET", String.valueOf(OFFSET));
    environment.putAll(new HashMap<>(env));
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(6, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("node.sh " + command + " did not finish:\n" + output);
    }
    return new Run(process.exitValue(), output);
  }
}
