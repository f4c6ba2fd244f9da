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
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The README's start command, node.sh, as an operator uses it: up, restart with the same identity,
 * down leaving nothing running, and clear refusals for bad configuration. Every server it starts
 * binds to 127.0.0.1 and is stopped here by its PID, even when a test fails. It runs beside the
 * Arquillian suites of the same failsafe execution (it-h2, server-config/pom.xml), on ports of its
 * own (offsets 200 and 300; the Arquillian node's is 100).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("it-h2-node-lifecycle") // its tests one after the other, in order, in one thread
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

    // With its TLS configured, the node serves nothing in plain HTTP: the port is closed.
    assertPlainHttpClosed();
    // HTTPS was configured before the first boot and the keystore loaded at run time: the server
    // was not reloaded, and deployed the EAR once.
    String log = Files.readString(HOME.resolve("server/log/server.log"));
    assertThat(log.split("WFLYSRV0010: Deployed \"careledger.ear\"", -1))
        .as("deployments of the EAR in the first start's log")
        .hasSize(2);

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
    assertPlainHttpClosed();
    JsonNode starts = Http.json(Http.get(NODE_URL + "/starts"));
    assertThat(starts.size()).isGreaterThanOrEqualTo(2);
    for (JsonNode start : starts) {
      assertThat(start.path("signingFingerprint").asText()).isEqualTo(firstFingerprint);
    }
  }

  @Test
  @Order(7)
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
  @Order(8)
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
  @Order(9)
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
  @Order(10)
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
  @Order(11)
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
  @Order(12)
  void invalidInstitutionIdIsRefused() throws Exception {
    Run up = nodeSh(NODES.resolve("bad-id"), Map.of("CARELEDGER_INSTITUTION", "St Mary's"), "up");

    assertThat(up.exitCode()).isNotZero();
    assertThat(up.output()).contains("not valid").contains("CARELEDGER_INSTITUTION");
  }

  @Test
  @Order(4)
  void userAddKeepsOnlyABcryptHashAndSignsThePersonInWithTheirRolesAndPatient() throws Exception {
    String password = ManagementCli.randomPassword();
    Map<String, String> env = Map.of("CARELEDGER_USER_PASSWORD", password);

    Run added = nodeSh(HOME, env, "user", "add", "it-nurse", "clinician,auditor");
    Run patient = nodeSh(HOME, env, "user", "add", "it-patient", "patient", "urn:oid:1.2.3|77");

    assertThat(added.exitCode()).as(added.output()).isZero();
    assertThat(patient.exitCode()).as(patient.output()).isZero();
    assertThat(added.output()).doesNotContain(password);
    try (Stream<Path> files = Files.walk(HOME.resolve("users"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String identity = Files.readString(file);
        assertThat(identity).contains("algorithm=\"bcrypt\"").doesNotContain("\"clear\"");
        assertThat(identity)
            .doesNotContain(
                java.util.Base64.getEncoder()
                    .encodeToString(password.getBytes(StandardCharsets.UTF_8)));
      }
    }
    JsonNode session = Http.json(send(basic("it-nurse", password), Http.trustAll()));
    assertThat(session.path("roles"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("clinician", "auditor");
    assertThat(send(basic("it-nurse", password + "x"), Http.trustAll()).statusCode())
        .isEqualTo(401);
    // The patient's identity names their patient: the patient views accept them (an unknown
    // channel is the next thing they hear about), and refuse a clinician.
    HttpResponse<String> mine =
        send(basic("it-patient", password, "/me/channels/no-such-channel/audit"), Http.trustAll());
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(404);
    assertThat(mine.body()).contains("CL-1170");
    assertThat(
            send(basic("it-nurse", password, "/me/channels/no-such-channel/audit"), Http.trustAll())
                .statusCode())
        .isEqualTo(403);

    Run again = nodeSh(HOME, env, "user", "add", "it-nurse", "admin");
    Run noPatientId = nodeSh(HOME, env, "user", "add", "it-patient-2", "patient");
    Run unknownRole = nodeSh(HOME, env, "user", "add", "it-x", "superuser");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.output()).contains("exists already");
    assertThat(noPatientId.exitCode()).isNotZero();
    assertThat(noPatientId.output()).contains("PATIENT_ID");
    assertThat(unknownRole.exitCode()).isNotZero();
    assertThat(unknownRole.output()).contains("unknown role");
  }

  @Test
  @Order(5)
  void aHospitalSystemSignsInByItsPinnedClientCertificateOnly() throws Exception {
    Path dir = Files.createTempDirectory(NODES, "his-");
    Path emr = keyPair(dir, "emr.p12", "emr-1", "CN=emr-1,O=Lifecycle Hospital", "EC");
    Path impostor = keyPair(dir, "impostor.p12", "emr-1", "CN=emr-1,O=Someone Else", "EC");
    Path emrCert = exportCertificate(emr, "emr-1", dir.resolve("emr-1.pem"));

    Run wrongName = nodeSh(HOME, Map.of(), "his-client", "add", "lab-1", emrCert.toString());
    Run add = nodeSh(HOME, Map.of(), "his-client", "add", "emr-1", emrCert.toString());

    assertThat(wrongName.exitCode()).isNotZero();
    assertThat(wrongName.output()).contains("CN=lab-1");
    assertThat(add.exitCode()).as(add.output()).isZero();
    HttpResponse<String> signedIn = send(plain("/session"), Http.withClientKey(emr, "emr-1"));
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    assertThat(Http.json(signedIn).path("name").asText()).isEqualTo("emr-1");
    assertThat(Http.json(signedIn).path("roles"))
        .extracting(JsonNode::asText)
        .containsExactly("his-system");
    // Same name, another key: the handshake does not trust it, so nothing signs in.
    assertThat(statusOrHandshakeFailure(plain("/session"), Http.withClientKey(impostor, "emr-1")))
        .isNotEqualTo(200);
    // Without a certificate the node still asks for a password (and peers' bridges, which present
    // none, still connect).
    assertThat(send(plain("/session"), Http.trustAll()).statusCode()).isEqualTo(401);

    Run remove = nodeSh(HOME, Map.of(), "his-client", "remove", "emr-1");

    assertThat(remove.exitCode()).as(remove.output()).isZero();
    assertThat(statusOrHandshakeFailure(plain("/session"), Http.withClientKey(emr, "emr-1")))
        .isNotEqualTo(200);
  }

  @Test
  @Order(6)
  void bearerTokensCountOnlyFromTheConfiguredIssuerForUsUnexpiredAndUntampered() throws Exception {
    Path dir = Files.createTempDirectory(NODES, "idp-");
    Path idp = keyPair(dir, "idp.p12", "idp", "CN=idp.lifecycle.example", "RSA");
    Path other = keyPair(dir, "other.p12", "idp", "CN=idp.lifecycle.example", "RSA");
    Path idpCert = exportCertificate(idp, "idp", dir.resolve("idp.pem"));
    String issuer = "https://idp.lifecycle.example/realms/staff";

    Run configured = nodeSh(HOME, Map.of(), "bearer-issuer", issuer, idpCert.toString());

    assertThat(configured.exitCode()).as(configured.output()).isZero();
    long now = System.currentTimeMillis() / 1000;
    String good = Jwt.sign(idp, "idp", claims(issuer, now + 300, "dr-who", List.of("clinician")));
    HttpResponse<String> signedIn = send(bearer(good, "/session"), Http.trustAll());
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    assertThat(Http.json(signedIn).path("name").asText()).isEqualTo("dr-who");
    assertThat(Http.json(signedIn).path("roles"))
        .extracting(JsonNode::asText)
        .containsExactly("clinician");

    Map<String, Object> base =
        Map.of("iss", issuer, "aud", "careledger", "preferred_username", "dr-who");
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("expired", Jwt.sign(idp, "idp", with(base, "exp", now - 60)));
    refused.put(
        "other issuer",
        Jwt.sign(
            idp, "idp", with(with(base, "exp", now + 300), "iss", "https://elsewhere.example")));
    refused.put(
        "other audience",
        Jwt.sign(idp, "idp", with(with(base, "exp", now + 300), "aud", "another-app")));
    refused.put("other key", Jwt.sign(other, "idp", with(base, "exp", now + 300)));
    refused.put("tampered", Jwt.tamper(good, "roles", List.of("admin")));
    for (Map.Entry<String, String> token : refused.entrySet()) {
      assertThat(send(bearer(token.getValue(), "/session"), Http.trustAll()).statusCode())
          .as(token.getKey())
          .isEqualTo(401);
    }

    String patient =
        Jwt.sign(
            idp,
            "idp",
            with(
                claims(issuer, now + 300, "pat-77", List.of("patient")),
                "patient-id",
                "urn:oid:1.2.3|77"));
    String unlinked = Jwt.sign(idp, "idp", claims(issuer, now + 300, "pat-x", List.of("patient")));
    HttpResponse<String> linked =
        send(bearer(patient, "/me/channels/no-such-channel/records"), Http.trustAll());
    HttpResponse<String> notLinked =
        send(bearer(unlinked, "/me/channels/no-such-channel/records"), Http.trustAll());
    assertThat(linked.statusCode()).as(linked.body()).isEqualTo(404);
    assertThat(notLinked.statusCode()).as(notLinked.body()).isEqualTo(403);
    assertThat(notLinked.body()).contains("CL-1725");
    // Passwords still work beside tokens.
    assertThat(send(plain("/session"), Http.trustAll()).headers().allValues("WWW-Authenticate"))
        .anySatisfy(v -> assertThat(v).startsWith("Bearer"))
        .anySatisfy(v -> assertThat(v).startsWith("Basic"));
  }

  private static final String API = "https://127.0.0.1:" + (8443 + OFFSET) + "/careledger/api/v1";

  private static void assertPlainHttpClosed() {
    int plain = 8080 + OFFSET;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Http.get("http://127.0.0.1:" + plain + "/careledger/api/v1/node"))
        .as("plain HTTP on port " + plain)
        .isInstanceOf(java.net.ConnectException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Http.get("http://127.0.0.1:" + plain + "/careledger/soap/v1?wsdl"))
        .as("SOAP over plain HTTP on port " + plain)
        .isInstanceOf(java.net.ConnectException.class);
  }

  private static java.net.http.HttpRequest plain(String path) {
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(API + path))
        .timeout(java.time.Duration.ofSeconds(15))
        .GET()
        .build();
  }

  private static java.net.http.HttpRequest basic(String user, String password) {
    return basic(user, password, "/session");
  }

  private static java.net.http.HttpRequest basic(String user, String password, String path) {
    String credentials =
        java.util.Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(API + path))
        .timeout(java.time.Duration.ofSeconds(15))
        .header("Authorization", "Basic " + credentials)
        .GET()
        .build();
  }

  private static java.net.http.HttpRequest bearer(String token, String path) {
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(API + path))
        .timeout(java.time.Duration.ofSeconds(15))
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
  }

  private static HttpResponse<String> send(
      java.net.http.HttpRequest request, javax.net.ssl.SSLContext tls)
      throws IOException, InterruptedException {
    return java.net.http.HttpClient.newBuilder()
        .sslContext(tls)
        .connectTimeout(java.time.Duration.ofSeconds(5))
        .build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The status, or -1 when the TLS handshake itself refused the client. */
  private static int statusOrHandshakeFailure(
      java.net.http.HttpRequest request, javax.net.ssl.SSLContext tls) throws Exception {
    try {
      return send(request, tls).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The claims an identity provider puts in an access token for us. */
  private static Map<String, Object> claims(
      String issuer, long expires, String user, List<String> roles) {
    return Map.of(
        "iss", issuer,
        "aud", "careledger",
        "exp", expires,
        "preferred_username", user,
        "roles", roles);
  }

  private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
    Map<String, Object> copy = new HashMap<>(claims);
    copy.put(name, value);
    return copy;
  }

  /** A key pair and self-signed certificate made by keytool, as an operator would. */
  private static Path keyPair(Path dir, String file, String alias, String dname, String algorithm)
      throws Exception {
    Path store = dir.resolve(file);
    List<String> command =
        new ArrayList<>(
            List.of(
                keytool(),
                "-genkeypair",
                "-alias",
                alias,
                "-dname",
                dname,
                "-keyalg",
                algorithm,
                "-validity",
                "30",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                Http.TEST_STORE_PASSWORD));
    if (algorithm.equals("EC")) {
      command.addAll(List.of("-groupname", "secp256r1"));
    } else {
      command.addAll(List.of("-keysize", "2048"));
    }
    run(command);
    return store;
  }

  private static Path exportCertificate(Path store, String alias, Path pem) throws Exception {
    run(
        List.of(
            keytool(),
            "-exportcert",
            "-rfc",
            "-alias",
            alias,
            "-keystore",
            store.toString(),
            "-storepass",
            Http.TEST_STORE_PASSWORD,
            "-file",
            pem.toString()));
    return pem;
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
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

  private static Run nodeSh(Path home, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> commandLine = new ArrayList<>(List.of("bash", NODE_SH.toString()));
    commandLine.addAll(List.of(args));
    String command = String.join(" ", args);
    ProcessBuilder builder = new ProcessBuilder(commandLine);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("CARELEDGER_"));
    environment.put("CARELEDGER_HOME", home.toString());
    environment.put("CARELEDGER_INSTITUTION", "lifecycle-test");
    environment.put("CARELEDGER_CDS_DIR", LocalFederation.CDS_DIR.toString());
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
