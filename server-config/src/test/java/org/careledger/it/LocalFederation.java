package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The four-institution federation of {@code server-config/federation.sh}, run by an integration
 * test in a home of its own at a port offset of its own: started cold, driven over each node's REST
 * API as an admin user the test adds, its bridges stopped and started through each node's
 * management CLI, nodes killed by PID, and everything it started stopped by PID at the end (or, if
 * a test failed half-way, found by its home directory and killed). All on 127.0.0.1.
 */
final class LocalFederation implements AutoCloseable {

  static final List<String> MEMBERS = List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");

  /**
   * Node index of an institution that joins later ({@code federation.sh join}): the launcher gives
   * it the next port offset, as the fifth node of the federation.
   */
  static final int FIFTH = 4;

  static final String FIFTH_INSTITUTION = "lab-e";

  /** The institution of node {@code node}: one of {@link #MEMBERS}, or the {@link #FIFTH}. */
  static String name(int node) {
    return node == FIFTH ? FIFTH_INSTITUTION : MEMBERS.get(node);
  }

  private static final Path NODE_SH = Path.of(System.getProperty("careledger.node.sh"));
  private static final Path FEDERATION_SH = NODE_SH.resolveSibling("federation.sh");
  private static final String ADMIN = "it-federation-admin";

  /**
   * The class data sharing archives every test node's JVMs share (node.sh, "Class data sharing"):
   * prepare-it.sh records the server's by starting and stopping a node once, so the nodes of the
   * tests map it from their first start; the jboss-cli one is recorded by its first run.
   */
  static final Path CDS_DIR = Path.of(System.getProperty("it.nodes")).resolve("cds");

  /** HTTPS only (the nodes serve no plain HTTP), HTTP/1.1 as the hospital systems speak it. */
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .sslContext(Http.trustAll())
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  record Run(int exitCode, String output, long seconds) {}

  private final Path home;
  private final int baseOffset;
  private final String extraChannels;
  private final String password = ManagementCli.randomPassword();

  /**
   * @param extraChannels channels besides the launcher's own two, as federation.sh takes them in
   *     {@code CARELEDGER_FEDERATION_EXTRA_CHANNELS} ("id:mode:member,member ..."), or ""
   */
  LocalFederation(Path home, int baseOffset, String extraChannels) {
    this(home, baseOffset, extraChannels, Map.of(), Map.of());
  }

  /** Settings added to every launcher run, e.g. federation.sh's CARELEDGER_FEDERATION_CLUSTER. */
  private final Map<String, String> environment;

  /** Settings added to node.sh runs for one member, e.g. CARELEDGER_CLUSTER_NODE, by index. */
  private final Map<Integer, Map<String, String>> nodeEnvironment;

  /** The HTTPS port requests to a member go to, where not its node's (another cluster node). */
  private final Map<Integer, Integer> routes = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param environment settings for every launcher run (federation.sh and node.sh)
   * @param nodeEnvironment more settings for node.sh runs of one member, by member index
   */
  LocalFederation(
      Path home,
      int baseOffset,
      String extraChannels,
      Map<String, String> environment,
      Map<Integer, Map<String, String>> nodeEnvironment) {
    this.home = home;
    this.baseOffset = baseOffset;
    this.extraChannels = extraChannels;
    this.environment = Map.copyOf(environment);
    this.nodeEnvironment = Map.copyOf(nodeEnvironment);
  }

  /**
   * Sends the REST requests for {@code node} to another HTTPS port from now on (another node of an
   * institution run as a cluster, as a load balancer would), or back to its own with {@code null}.
   */
  void route(int node, Integer httpsPort) {
    if (httpsPort == null) {
      routes.remove(node);
    } else {
      routes.put(node, httpsPort);
    }
  }

  Path home() {
    return home;
  }

  int baseOffset() {
    return baseOffset;
  }

  /**
   * A fresh federation: servers and homes an earlier, aborted run left behind (only ours: they name
   * this directory) would make the start warm and keep old users and bridges.
   */
  Run upCold() throws Exception {
    return upCold(Map.of());
  }

  /**
   * A fresh federation whose members start with the given settings in their {@code node.properties}
   * (e.g. one member on PostgreSQL: {@code careledger.db.kind}, {@code careledger.db.url}), by
   * member index.
   */
  Run upCold(Map<Integer, Map<String, String>> nodeProperties) throws Exception {
    for (ProcessHandle process : processesNaming()) {
      process.destroyForcibly();
      process.onExit().get(30, TimeUnit.SECONDS);
    }
    if (Files.exists(home)) {
      try (Stream<Path> files = Files.walk(home)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
    for (Map.Entry<Integer, Map<String, String>> node : nodeProperties.entrySet()) {
      Path nodeHome = home.resolve(MEMBERS.get(node.getKey()));
      Files.createDirectories(nodeHome);
      StringBuilder properties = new StringBuilder();
      node.getValue().forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
      Files.writeString(nodeHome.resolve("node.properties"), properties);
    }
    Run up = federationSh("up");
    assertThat(up.exitCode()).as(up.output()).isZero();
    for (int node = 0; node < MEMBERS.size(); node++) {
      addAdmin(node);
    }
    return up;
  }

  /**
   * Starts one member that is down with {@code node.sh up}, as federation.sh would (same bind
   * address and JVM options), with {@code extraEnv} added to its environment (e.g. {@code
   * LD_PRELOAD} of libfaketime): the server process inherits it.
   */
  Run upNode(int node, Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("CARELEDGER_BIND", "127.0.0.1");
    env.put(
        "CARELEDGER_JAVA_OPTS",
        "-Xms256m -Xmx768m -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile="
            + NODE_SH.resolveSibling("src/main/jvm/federation-c2.directives"));
    List<String> command = List.of("bash", NODE_SH.toString(), "up");
    return run(command, nodeEnv(node, env));
  }

  /** {@code federation.sh down}, then kills whatever of ours is still running. */
  @Override
  public void close() throws Exception {
    federationSh("down");
    for (ProcessHandle process : processesNaming()) {
      process.destroyForcibly();
    }
  }

  /** The node's plain HTTP port: served only on its first start, before its TLS is configured. */
  int httpPort(int node) {
    return 8080 + baseOffset + 100 * node;
  }

  int httpsPort(int node) {
    return routes.getOrDefault(node, 8443 + baseOffset + 100 * node);
  }

  /** kill -9 of one node, by the PID its node.pid holds; returns once the process is gone. */
  void kill(int node) throws Exception {
    long pid =
        Long.parseLong(Files.readString(home.resolve(name(node)).resolve("node.pid")).trim());
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
    process.destroyForcibly(); // SIGKILL: no orderly shutdown
    process.onExit().get(30, TimeUnit.SECONDS);
  }

  /** PID per member, null where its node does not run. */
  List<Long> pids() throws IOException {
    List<Long> pids = new ArrayList<>();
    for (String member : MEMBERS) {
      Path file = home.resolve(member).resolve("node.pid");
      Long pid = Files.exists(file) ? Long.valueOf(Files.readString(file).trim()) : null;
      pids.add(
          pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
              ? pid
              : null);
    }
    return pids;
  }

  /**
   * What each running node of this federation is doing, for a test that failed on one that did not
   * answer: {@code jstat -gcutil} (a heap that is full keeps the JVM in garbage collection) and
   * {@code jcmd Thread.print} per node, written to {@code diagnostics-<label>/} in the home.
   * Returns a one-line summary per node; never throws.
   */
  String diagnostics(String label) {
    StringBuilder summary = new StringBuilder();
    Path dir = home.resolve("diagnostics-" + label);
    String jdk = System.getProperty("java.home");
    for (ProcessHandle node : processesNaming()) {
      String name =
          node.info()
              .commandLine()
              .map(
                  line -> {
                    java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile(
                                java.util.regex.Pattern.quote(home.toString() + "/")
                                    + "([a-z0-9-]+)")
                            .matcher(line);
                    return m.find() ? m.group(1) : "unknown";
                  })
              .orElse("unknown");
      try {
        Files.createDirectories(dir);
        String gc = run(List.of(jdk + "/bin/jstat", "-gcutil", "" + node.pid()), Map.of()).output();
        String threads =
            run(List.of(jdk + "/bin/jcmd", "" + node.pid(), "Thread.print"), Map.of()).output();
        Files.writeString(dir.resolve(name + "-" + node.pid() + "-threads.txt"), threads);
        summary
            .append(name)
            .append(" (pid ")
            .append(node.pid())
            .append(") gcutil: ")
            .append(gc.strip().replace('\n', ' '))
            .append('\n');
      } catch (Exception e) {
        summary.append(name).append(": no diagnostics (").append(e).append(")\n");
      }
    }
    summary.append("thread dumps in ").append(dir);
    return summary.toString();
  }

  /** Java processes whose command line names this federation's home. */
  List<ProcessHandle> processesNaming() {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.filter(p -> p.info().commandLine().orElse("").contains(home.toString() + "/"))
          .filter(p -> p.info().command().orElse("").endsWith("java"))
          .forEach(found::add);
    }
    return found;
  }

  /**
   * Stops or starts the JMS bridges between {@code member} and {@code others}, in both directions
   * (a network partition when stopped: messages wait in the senders' outbound queues).
   */
  void setBridges(int member, List<Integer> others, String operation) throws Exception {
    String address = "/subsystem=messaging-activemq/jms-bridge=careledger-to-";
    Map<Integer, List<String>> commands = new java.util.LinkedHashMap<>();
    commands.put(
        member,
        others.stream().map(node -> address + MEMBERS.get(node) + ":" + operation).toList());
    for (int node : others) {
      commands.put(node, List.of(address + MEMBERS.get(member) + ":" + operation));
    }
    // Every side at once.
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(commands.size());
    try {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      commands.forEach(
          (node, lines) ->
              runs.add(
                  pool.submit(
                      () -> {
                        manage(node, lines);
                        return null;
                      })));
      for (java.util.concurrent.Future<?> run : runs) {
        try {
          run.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The port of a member's management interface: its node's, or for a cluster the node at the
   * member's own ports (n1), the one {@code node.sh cli} with this suite's settings talks to.
   */
  private int managementPort(int node) {
    return 9990 + baseOffset + 100 * node;
  }

  /**
   * Runs management operations, each an {@code /address:operation} line without parameters, on a
   * member's node, through {@link NodeManagement}.
   */
  private void manage(int node, List<String> lines) throws Exception {
    int port = managementPort(node);
    for (String line : lines) {
      int colon = line.lastIndexOf(':');
      NodeManagement.result(
          port, NodeManagement.operation(line.substring(0, colon), line.substring(colon + 1)));
    }
  }

  // --- REST, as the admin user added at the start -------------------------------------------

  HttpResponse<String> post(int node, String path) throws Exception {
    return CLIENT.send(
        authorized(node, path).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(int node, String path, String json) throws Exception {
    return CLIENT.send(
        authorized(node, path)
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws Exception {
    return CLIENT.send(request, handler);
  }

  HttpResponse<String> get(int node, String path) throws Exception {
    return CLIENT.send(authorized(node, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder authorized(int node, String path) {
    return authorizedAt(httpsPort(node), path);
  }

  /** A GET as the admin user to the node listening on {@code httpsPort} (a cluster's node). */
  HttpResponse<String> getAt(int httpsPort, String path) throws Exception {
    return CLIENT.send(
        authorizedAt(httpsPort, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder authorizedAt(int httpsPort, String path) {
    String token = ADMIN + ":" + password;
    return HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + httpsPort + "/careledger/api/v1" + path))
        .timeout(Duration.ofSeconds(30))
        .header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Submits a register transaction for a made-up record (random content hash and patient pseudonym;
   * no real identifier) and answers once it commits (201) or after {@code waitSeconds} (504
   * CL-1534, the transaction stays pending).
   */
  CompletableFuture<HttpResponse<String>> submitAsync(
      int node, String channel, String recordId, int waitSeconds) {
    return submitAsyncAt(httpsPort(node), channel, recordId, waitSeconds);
  }

  /** A register transaction for a synthetic record: random hashes, no patient data. */
  static String registerJson(String recordId) {
    byte[] hash = new byte[32];
    new SecureRandom().nextBytes(hash);
    String hex = HexFormat.of().formatHex(hash);
    return "{\"type\":\"register\",\"body\":{\"recordId\":\""
        + recordId
        + "\",\"version\":1,\"contentHash\":\""
        + hex
        + "\",\"size\":123,\"mediaType\":\"application/pdf\",\"documentClass\":\"11502-2\","
        + "\"patient\":\""
        + hex
        + "\"}}";
  }

  /** {@link #submitAsync} to the node listening on {@code httpsPort} (a cluster's node). */
  CompletableFuture<HttpResponse<String>> submitAsyncAt(
      int httpsPort, String channel, String recordId, int waitSeconds) {
    String json = registerJson(recordId);
    HttpRequest request =
        authorizedAt(httpsPort, "/channels/" + channel + "/transactions?wait=" + waitSeconds)
            .timeout(Duration.ofSeconds(waitSeconds + 30L))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Registers a document at a node as a provider's system would: the body is the document, the
   * patient id travels in a header (the node puts only the channel's pseudonym on the chain).
   */
  HttpResponse<String> register(
      int node, String channel, String recordId, String patientId, byte[] document)
      throws Exception {
    return register(node, channel, recordId, patientId, null, document);
  }

  /** As above, with a title (clinical text, kept only in the provider's database). */
  HttpResponse<String> register(
      int node, String channel, String recordId, String patientId, String title, byte[] document)
      throws Exception {
    return registerOfClass(node, channel, recordId, patientId, "11502-2", title, document);
  }

  /** As above, of another document class than a lab report (11502-2), e.g. 18842-5. */
  HttpResponse<String> registerOfClass(
      int node,
      String channel,
      String recordId,
      String patientId,
      String documentClass,
      String title,
      byte[] document)
      throws Exception {
    HttpRequest.Builder request =
        authorized(
                node,
                "/channels/"
                    + channel
                    + "/records?recordId="
                    + recordId
                    + "&documentClass="
                    + documentClass)
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/pdf")
            .header("CareLedger-Patient-Id", patientId);
    if (title != null) {
      request.header(
          "CareLedger-Title",
          java.net.URLEncoder.encode(title, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return CLIENT.send(
        request.POST(HttpRequest.BodyPublishers.ofByteArray(document)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Keeps a copy of every federation message the node receives: an Artemis divert (not exclusive,
   * so delivery is unchanged) from the inbound queue to a queue nobody consumes. The copies stay in
   * the node's journal and large-message files, where a test can read them as stored.
   */
  void captureInbound(int node) throws Exception {
    String server = "/subsystem=messaging-activemq/server=default";
    int port = managementPort(node);
    String queue = server + "/jms-queue=CareLedgerCapture";
    String divert = server + "/divert=careledger-capture";
    if (!NodeManagement.succeeds(port, NodeManagement.operation(queue, "read-resource"))) {
      NodeManagement.result(
          port,
          NodeManagement.operation(
              queue,
              "add",
              Map.of("entries", List.of("java:/jms/careledger/Capture"), "durable", true)));
    }
    if (!NodeManagement.succeeds(port, NodeManagement.operation(divert, "read-resource"))) {
      NodeManagement.result(
          port,
          NodeManagement.operation(
              divert,
              "add",
              Map.of(
                  "divert-address",
                  INBOUND_ADDRESS,
                  "forwarding-address",
                  "jms.queue.CareLedgerCapture",
                  "exclusive",
                  false)));
    }
  }

  /** Undoes {@link #captureInbound}: the divert and the queue with every copy it kept. */
  void releaseCapture(int node) throws Exception {
    String server = "/subsystem=messaging-activemq/server=default";
    int port = managementPort(node);
    for (String resource :
        List.of(server + "/divert=careledger-capture", server + "/jms-queue=CareLedgerCapture")) {
      if (NodeManagement.succeeds(port, NodeManagement.operation(resource, "read-resource"))) {
        NodeManagement.result(port, NodeManagement.operation(resource, "remove"));
      }
    }
  }

  /** The Artemis address of the federation inbound queue. */
  static final String INBOUND_ADDRESS = "jms.queue.CareLedgerFederationInbound";

  /** How many messages {@link #captureInbound} has kept on the node. */
  long captured(int node) throws Exception {
    return NodeManagement.result(
            managementPort(node),
            NodeManagement.operation(
                "/subsystem=messaging-activemq/server=default/jms-queue=CareLedgerCapture",
                "count-messages"))
        .asLong();
  }

  /** As {@link #register(int, String, String, String, byte[])}, streaming the document. */
  HttpResponse<String> register(
      int node,
      String channel,
      String recordId,
      String patientId,
      java.util.function.Supplier<java.io.InputStream> document)
      throws Exception {
    return CLIENT.send(
        authorized(
                node,
                "/channels/" + channel + "/records?recordId=" + recordId + "&documentClass=11502-2")
            .timeout(Duration.ofMinutes(10))
            .header("Content-Type", "application/dicom")
            .header("CareLedger-Patient-Id", patientId)
            .POST(HttpRequest.BodyPublishers.ofInputStream(document))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A record's content as a node hands it out (read locally, or fetched across the federation). */
  <T> HttpResponse<T> content(
      int node, String channel, String recordId, HttpResponse.BodyHandler<T> handler)
      throws Exception {
    return CLIENT.send(
        authorized(node, "/channels/" + channel + "/records/" + recordId + "/content")
            .timeout(Duration.ofMinutes(10))
            .GET()
            .build(),
        handler);
  }

  /** The channel's records a node finds for a patient id. */
  HttpResponse<String> findRecords(int node, String channel, String patientId) throws Exception {
    return CLIENT.send(
        authorized(node, "/channels/" + channel + "/records")
            .header("CareLedger-Patient-Id", patientId)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The node's view of a channel: {@code GET /channels/{channel}} (members, height, head). */
  JsonNode channel(int node, String channel) throws Exception {
    HttpResponse<String> response = get(node, "/channels/" + channel);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }

  /** Adds this suite's admin user to a node, as at the start (a node that joined later). */
  void addAdmin(int node) throws Exception {
    String realm = "/subsystem=elytron/filesystem-realm=careledger-users";
    int port = managementPort(node);
    if (NodeManagement.succeeds(
        port, NodeManagement.operation(realm, "read-identity", Map.of("identity", ADMIN)))) {
      return;
    }
    NodeManagement.result(
        port, NodeManagement.operation(realm, "add-identity", Map.of("identity", ADMIN)));
    NodeManagement.result(
        port,
        NodeManagement.operation(
            realm,
            "set-password",
            Map.of("identity", ADMIN, "clear", Map.of("password", password))));
    NodeManagement.result(
        port,
        NodeManagement.operation(
            realm,
            "add-identity-attribute",
            Map.of("identity", ADMIN, "name", "roles", "value", List.of("admin"))));
  }

  /**
   * Adds a person to a node's realm with {@code node.sh user add}, as an operator would (password
   * from the environment, so it is never on a command line).
   */
  void addUser(int node, String name, String roles, String patientId, String password)
      throws Exception {
    addUser(node, name, roles, patientId, password, Map.of());
  }

  /** {@link #addUser}, with more of node.sh's settings (e.g. {@code CARELEDGER_BCRYPT_COST}). */
  void addUser(
      int node,
      String name,
      String roles,
      String patientId,
      String password,
      Map<String, String> settings)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", NODE_SH.toString(), "user", "add", name, roles));
    if (patientId != null) {
      command.add(patientId);
    }
    Map<String, String> env = new java.util.HashMap<>(settings);
    env.put("CARELEDGER_USER_PASSWORD", password);
    Run run = run(command, nodeEnv(node, env));
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  /** A SOAP 1.1 call to a node's {@code /careledger/soap/v1} as the admin user. */
  HttpResponse<String> soap(int node, String body) throws Exception {
    String token = ADMIN + ":" + password;
    String envelope =
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
            + " xmlns:c=\"urn:careledger:soap:v1\"><soapenv:Body>"
            + body
            + "</soapenv:Body></soapenv:Envelope>";
    return CLIENT.send(
        HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + httpsPort(node) + "/careledger/soap/v1"))
            .timeout(Duration.ofSeconds(180))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .POST(HttpRequest.BodyPublishers.ofString(envelope))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
  }

  /** A request to a node's FHIR base of {@code channel} as the admin user. */
  HttpRequest.Builder fhir(int node, String channel, String path) {
    String token = ADMIN + ":" + password;
    return HttpRequest.newBuilder(
            URI.create(
                "https://127.0.0.1:"
                    + httpsPort(node)
                    + "/careledger/fhir/"
                    + channel
                    + "/"
                    + path))
        .timeout(Duration.ofSeconds(120))
        .header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** A request to a node as {@code user} (Basic), or anonymous when {@code user} is null. */
  HttpRequest.Builder as(int node, String path, String user, String password) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + httpsPort(node) + "/careledger/api/v1" + path))
            .timeout(Duration.ofSeconds(120));
    if (user != null) {
      String token = user + ":" + password;
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }
    return request;
  }

  /** Runs guarded jboss-cli lines against the running node, from a temporary script file. */
  void cliScript(int node, String... lines) throws Exception {
    Path script = Files.createTempFile(home, ".script", ".cli");
    try {
      Files.writeString(script, String.join("\n", lines) + "\n");
      Run run = nodeSh(node, "cli", "--file=" + script);
      assertThat(run.exitCode()).as(run.output()).isZero();
    } finally {
      Files.deleteIfExists(script);
    }
  }

  // --- the launchers ----------------------------------------------------------------------

  Run federationSh(String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of("bash", FEDERATION_SH.toString()));
    line.addAll(List.of(command));
    return run(line, Map.of());
  }

  Run nodeSh(int node, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", NODE_SH.toString()));
    command.addAll(List.of(args));
    return run(command, nodeEnv(node, Map.of()));
  }

  private Map<String, String> nodeEnv(int node, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(nodeEnvironment.getOrDefault(node, Map.of()));
    env.putAll(extra);
    env.put("CARELEDGER_HOME", home.resolve(name(node)).toString());
    env.put("CARELEDGER_INSTITUTION", name(node));
    env.put("CARELEDGER_PORT_OFFSET", String.valueOf(baseOffset + 100 * node));
    return env;
  }

  Run run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("CARELEDGER_"));
    environment.put("CARELEDGER_FEDERATION_HOME", home.toString());
    environment.put("CARELEDGER_FEDERATION_BASE_OFFSET", String.valueOf(baseOffset));
    environment.put("CARELEDGER_FEDERATION_EXTRA_CHANNELS", extraChannels);
    environment.put("CARELEDGER_CDS_DIR", CDS_DIR.toString());
    // Four nodes booting at once on a shared 2-core machine can take minutes each.
    environment.put("CARELEDGER_READY_TIMEOUT", "900");
    environment.putAll(this.environment);
    environment.putAll(env);
    builder.redirectErrorStream(true);
    long started = System.nanoTime();
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish:\n" + output);
    }
    return new Run(
        process.exitValue(), output, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }
}
