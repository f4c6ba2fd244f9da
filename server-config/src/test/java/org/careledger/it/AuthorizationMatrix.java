package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Every operation of the REST API, as every role and as nobody, at hospital-a's node of the running
 * local federation, on hospital-a's own record and on clinic-b's, for the record's own patient and
 * another patient: each answer is compared with what the rules say (role rules at the resource and
 * in the services, record rules on the chain), and every mismatch is reported at once, with the
 * whole table printed for the record.
 *
 * <p>Callers at a node are that institution's users; another institution's users are unknown there
 * (401), which is checked too.
 */
final class AuthorizationMatrix {

  /** Who calls: each CareLedger role, a signed-in identity without one, and nobody. */
  enum Who {
    ANONYMOUS(null, null),
    NO_ROLE("mx-trainee", null),
    CLINICIAN("mx-clinician", "clinician"),
    AUDITOR("mx-auditor", "auditor"),
    HIS_SYSTEM("mx-his", "his-system"),
    PATIENT("mx-patient", "patient"),
    OTHER_PATIENT("mx-patient-2", "patient"),
    RESEARCHER("mx-researcher", "researcher"),
    // Last: the admin may do most, and some operations consume what they act on.
    ADMIN("mx-admin", "admin");

    final String user;
    final String role;

    Who(String user, String role) {
      this.user = user;
      this.role = role;
    }
  }

  /** What the rules say a caller gets: a status, and for a coded refusal its code. */
  record Expect(int status, String code) {
    static Expect ok(int status) {
      return new Expect(status, null);
    }
  }

  /** An operation, whom it allows, what they get, and how to call it. */
  private record Operation(
      String name, Set<Who> allowed, Expect whenAllowed, Function<Who, HttpRequest> call) {}

  private static final int A = 0; // hospital-a: where every call is made
  private static final int B = 1; // clinic-b: provider of the "other institution's" record
  private static final int C = 2; // pharmacy-c
  private static final String CHANNEL = "care-bft";
  private static final String PATH = "/channels/" + CHANNEL;

  /** Ids of the two patients whose records the matrix uses (kept off every chain; checked). */
  static final String OWN_PATIENT = "urn:oid:2.16.840.1.113883.2.4.6.3|MX-1001";

  static final String OTHER_PATIENT = "urn:oid:2.16.840.1.113883.2.4.6.3|MX-2002";

  private static final String OWN_RECORD = "mx-own";
  private static final String OTHER_RECORD = "mx-other";
  private static final String ERASED_RECORD = "mx-erase";

  private static final Set<Who> STAFF_READERS =
      EnumSet.of(Who.ADMIN, Who.CLINICIAN, Who.HIS_SYSTEM, Who.AUDITOR);
  private static final Set<Who> DATA_USERS = EnumSet.of(Who.ADMIN, Who.CLINICIAN, Who.HIS_SYSTEM);
  private static final Set<Who> DECIDERS = EnumSet.of(Who.ADMIN, Who.CLINICIAN);
  private static final Set<Who> AUDITORS = EnumSet.of(Who.ADMIN, Who.AUDITOR);
  private static final Set<Who> PATIENTS = EnumSet.of(Who.PATIENT, Who.OTHER_PATIENT);

  private final LocalFederation fed;
  private final String password = ManagementCli.randomPassword();
  private final List<String> table = new ArrayList<>();
  private final List<String> mismatches = new ArrayList<>();
  private String ownRegisterTx;
  private String pharmacyRequestForOtherRecord;

  AuthorizationMatrix(LocalFederation fed) {
    this.fed = fed;
  }

  /** Adds the callers to hospital-a's realm and registers the records the operations act on. */
  AuthorizationMatrix prepare() throws Exception {
    // One CLI script for all the callers, with the realm operations node.sh's "user add" runs
    // (that command itself is tested in NodeLifecycleIT): as eight "user add" runs it cost sixteen
    // jboss-cli JVMs. Bcrypt cost 4, not node.sh's 10: every call of the matrix signs in with HTTP
    // Basic, and at cost 10 each sign-in costs about 0.1 s of CPU; what is checked is who may do
    // what. The trainee has a role that grants nothing.
    String realm = "/subsystem=elytron/filesystem-realm=careledger-users";
    List<String> script = new ArrayList<>();
    for (Who who : Who.values()) {
      if (who.user == null) {
        continue;
      }
      String role = who.role == null ? "trainee" : who.role;
      String patient =
          who == Who.PATIENT ? OWN_PATIENT : who == Who.OTHER_PATIENT ? OTHER_PATIENT : null;
      String identity = realm + ":add-identity-attribute(identity=" + who.user;
      script.add(
          "if (outcome != success) of " + realm + ":read-identity(identity=" + who.user + ")");
      script.add(realm + ":add-identity(identity=" + who.user + ")");
      script.add(
          realm
              + ":set-password(identity="
              + who.user
              + ", bcrypt={password=\""
              + password
              + "\", iteration-count=4, salt=bytes{"
              + salt()
              + "}})");
      script.add(identity + ", name=roles, value=[" + role + "])");
      if (patient != null) {
        script.add(identity + ", name=patient-id, value=[\"" + patient + "\"])");
      }
      script.add("end-if");
    }
    fed.cliScript(A, script.toArray(String[]::new));

    ownRegisterTx = registered(fed.register(A, CHANNEL, OWN_RECORD, OWN_PATIENT, document()));
    registered(fed.register(B, CHANNEL, OTHER_RECORD, OTHER_PATIENT, document()));
    registered(fed.register(A, CHANNEL, ERASED_RECORD, OWN_PATIENT, document()));
    awaitVisibleAt(A, OTHER_RECORD);
    awaitVisibleAt(C, OTHER_RECORD);
    HttpResponse<String> request =
        fed.post(
            C, PATH + "/requests", "{\"recordId\":\"" + OTHER_RECORD + "\",\"purpose\":\"TREAT\"}");
    assertThat(request.statusCode()).as(request.body()).isEqualTo(201);
    pharmacyRequestForOtherRecord = Http.json(request).path("requestId").asText();
    String requestTx = Http.json(request).path("txId").asText();
    awaitUntil(
        () -> fed.get(A, PATH + "/transactions/" + requestTx + "/proof").statusCode() == 200,
        "pharmacy-c's request at hospital-a");
    return this;
  }

  /** Runs every operation as every caller; returns the mismatches (empty when all is right). */
  List<String> run() throws Exception {
    for (Operation operation : operations()) {
      StringBuilder row = new StringBuilder(String.format("%-34s", operation.name()));
      for (Who who : Who.values()) {
        Expect expected = expected(operation, who);
        HttpResponse<String> response = fed.send(operation.call().apply(who), ofString());
        String code = codeOf(response);
        row.append(
            String.format(
                " %s=%d%s", who.name(), response.statusCode(), code == null ? "" : "/" + code));
        boolean right =
            response.statusCode() == expected.status()
                && (expected.code() == null || expected.code().equals(code));
        if (!right) {
          mismatches.add(
              operation.name()
                  + " as "
                  + who
                  + ": expected "
                  + expected
                  + ", got "
                  + response.statusCode()
                  + " "
                  + abbreviate(response.body()));
        }
      }
      table.add(row.toString());
    }
    // Callers of one institution are nobody at another's node.
    for (Who who : Who.values()) {
      if (who.user != null) {
        int status =
            fed.send(fed.as(B, "/session", who.user, password).GET().build(), ofString())
                .statusCode();
        if (status != 401) {
          mismatches.add(
              "hospital-a's " + who + " at clinic-b's node: expected 401, got " + status);
        }
      }
    }
    System.out.println("Authorization matrix at hospital-a (status/code per caller):");
    table.forEach(line -> System.out.println("  " + line));
    return mismatches;
  }

  /** What each patient sees of their own records, through their own views. */
  void patientsSeeOnlyTheirOwn() throws Exception {
    JsonNode mine = json(Who.PATIENT, "/me" + PATH + "/records");
    JsonNode theirs = json(Who.OTHER_PATIENT, "/me" + PATH + "/records");
    assertThat(mine)
        .extracting(r -> r.path("recordId").asText())
        .contains(OWN_RECORD, ERASED_RECORD)
        .doesNotContain(OTHER_RECORD);
    // The other patient's record was registered at clinic-b: the view comes from the chain (the
    // channel's pseudonym), not from this node's own files.
    assertThat(theirs).extracting(r -> r.path("recordId").asText()).containsExactly(OTHER_RECORD);
    assertThat(theirs.get(0).path("provider").asText()).isEqualTo("clinic-b");
    JsonNode trail = json(Who.PATIENT, "/me" + PATH + "/audit");
    Set<String> myRecords = new java.util.HashSet<>();
    mine.forEach(r -> myRecords.add(r.path("recordId").asText()));
    // Every event in the trail is about one of the patient's own records (or their consent).
    assertThat(trail)
        .allSatisfy(
            e -> {
              if (!e.path("kind").asText().equals("consent")) {
                assertThat(e.path("recordId").asText()).isIn(myRecords);
              }
            });
    assertThat(trail)
        .extracting(e -> e.path("kind").asText())
        .contains("register", "access-logged", "grant", "deny", "revoke", "erase", "consent");
    JsonNode otherTrail = json(Who.OTHER_PATIENT, "/me" + PATH + "/audit");
    assertThat(otherTrail)
        .filteredOn(e -> e.path("flagged").asBoolean())
        .as("the break-glass reads of the other patient's record are flagged to them")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.path("subject").asText()).isEqualTo("hospital-a"));
  }

  private List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Set<Who> everyRole = EnumSet.complementOf(EnumSet.of(Who.ANONYMOUS, Who.NO_ROLE));
    ops.add(
        new Operation(
            "GET node (public)",
            EnumSet.allOf(Who.class),
            Expect.ok(200),
            who -> get(who, "/node")));
    ops.add(new Operation("GET session", everyRole, Expect.ok(200), who -> get(who, "/session")));
    ops.add(
        new Operation("GET channels", STAFF_READERS, Expect.ok(200), who -> get(who, "/channels")));
    ops.add(new Operation("GET channel", STAFF_READERS, Expect.ok(200), who -> get(who, PATH)));
    ops.add(
        new Operation("GET block", AUDITORS, Expect.ok(200), who -> get(who, PATH + "/blocks/1")));
    ops.add(
        new Operation(
            "POST verify", AUDITORS, Expect.ok(200), who -> post(who, PATH + "/verify", "")));
    // Channel governance: the configuration is the auditors' to read, changes the admin's alone
    // (an admin's request that cannot apply is refused with its code: nothing is proposed here).
    ops.add(
        new Operation(
            "GET channel config", AUDITORS, Expect.ok(200), who -> get(who, PATH + "/config")));
    ops.add(
        new Operation(
            "POST config update",
            EnumSet.of(Who.ADMIN),
            new Expect(400, "CL-1450"),
            who ->
                post(
                    who,
                    PATH + "/config-updates",
                    "{\"change\":\"remove-member\",\"institution\":\"no-such-member\"}")));
    ops.add(
        new Operation(
            "POST config approval",
            EnumSet.of(Who.ADMIN),
            new Expect(404, "CL-1451"),
            who -> post(who, PATH + "/config-updates/" + "00".repeat(32) + "/approvals", "")));
    // A key renewal's first step: the node's next signing key, the admin's alone.
    ops.add(
        new Operation(
            "POST node next-key",
            EnumSet.of(Who.ADMIN),
            Expect.ok(200),
            who -> post(who, "/node/next-key", "")));
    // The admin console's own reads and its verification runs: admins and auditors only.
    for (String view : List.of("node", "peers", "channels")) {
      ops.add(
          new Operation(
              "GET console/" + view,
              AUDITORS,
              Expect.ok(200),
              who -> get(who, "/console/" + view)));
    }
    ops.add(
        new Operation(
            "POST console/verifications",
            AUDITORS,
            Expect.ok(202),
            who -> post(who, "/console/verifications", "{\"channel\":\"" + CHANNEL + "\"}")));
    ops.add(
        new Operation(
            "GET proof",
            STAFF_READERS,
            Expect.ok(200),
            who -> get(who, PATH + "/transactions/" + ownRegisterTx + "/proof")));
    ops.add(
        new Operation(
            "POST raw register",
            EnumSet.of(Who.ADMIN, Who.HIS_SYSTEM),
            Expect.ok(201),
            who -> post(who, PATH + "/transactions?wait=60", rawRegister())));
    ops.add(
        new Operation(
            "POST raw consent (operator only)",
            EnumSet.of(Who.ADMIN),
            Expect.ok(201),
            who -> post(who, PATH + "/transactions?wait=60", rawConsent())));
    ops.add(
        new Operation(
            "POST record (register)",
            DATA_USERS,
            Expect.ok(201),
            who ->
                fed.as(
                        A,
                        PATH
                            + "/records?recordId=mx-reg-"
                            + who.name().toLowerCase().replace('_', '-')
                            + "&documentClass=18842-5",
                        who.user,
                        password)
                    .header("Content-Type", "application/pdf")
                    .header("CareLedger-Patient-Id", OWN_PATIENT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(document()))
                    .build()));
    ops.add(
        new Operation(
            "GET records by patient",
            DATA_USERS,
            Expect.ok(200),
            who ->
                fed.as(A, PATH + "/records", who.user, password)
                    .header("CareLedger-Patient-Id", OWN_PATIENT)
                    .GET()
                    .build()));
    ops.add(
        new Operation(
            "GET own institution's record",
            DATA_USERS,
            Expect.ok(200),
            who -> get(who, PATH + "/records/" + OWN_RECORD + "/content")));
    ops.add(
        new Operation(
            "GET other's record, no grant",
            DATA_USERS,
            new Expect(403, "CL-1710"),
            who -> get(who, PATH + "/records/" + OTHER_RECORD + "/content")));
    ops.add(
        new Operation(
            "POST request other's record",
            DATA_USERS,
            Expect.ok(201),
            who -> post(who, PATH + "/requests", requestBody(OTHER_RECORD))));
    ops.add(
        new Operation(
            "POST request own record",
            DATA_USERS,
            new Expect(409, "CL-1718"),
            who -> post(who, PATH + "/requests", requestBody(OWN_RECORD))));
    ops.add(
        new Operation(
            "GET requests", STAFF_READERS, Expect.ok(200), who -> get(who, PATH + "/requests")));
    ops.add(
        new Operation(
            "POST grant (provider)",
            DECIDERS,
            Expect.ok(200),
            who -> post(who, PATH + "/requests/" + requestFor(who, DECIDERS) + "/grant", "{}")));
    ops.add(
        new Operation(
            "POST grant (not provider)",
            DECIDERS,
            new Expect(403, "CL-1712"),
            who ->
                post(who, PATH + "/requests/" + pharmacyRequestForOtherRecord + "/grant", "{}")));
    ops.add(
        new Operation(
            "POST deny (provider)",
            DECIDERS,
            Expect.ok(200),
            who ->
                post(
                    who,
                    PATH + "/requests/" + requestFor(who, DECIDERS) + "/deny",
                    "{\"reasonCode\":\"not-involved-in-care\"}")));
    ops.add(
        new Operation(
            "POST revoke (grantor)",
            DECIDERS,
            Expect.ok(200),
            who -> post(who, PATH + "/grants/" + grantFor(who) + "/revoke", "")));
    ops.add(
        new Operation(
            "POST consent (staff)",
            DECIDERS,
            Expect.ok(201),
            who ->
                fed.as(A, PATH + "/consents", who.user, password)
                    .header("Content-Type", "application/json")
                    .header("CareLedger-Patient-Id", OWN_PATIENT)
                    .POST(body("{\"grantee\":\"insurer-d\",\"decision\":\"permit\"}"))
                    .build()));
    ops.add(
        new Operation(
            "POST break-glass other's record",
            DECIDERS,
            Expect.ok(200),
            who ->
                post(
                    who,
                    PATH + "/records/" + OTHER_RECORD + "/break-glass",
                    "{\"reasonCode\":\"unconscious-patient\"}")));
    ops.add(
        new Operation(
            "GET record accesses",
            AUDITORS,
            Expect.ok(200),
            who -> get(who, PATH + "/records/" + OWN_RECORD + "/accesses")));
    ops.add(
        new Operation(
            "GET audit",
            AUDITORS,
            Expect.ok(200),
            who -> get(who, PATH + "/audit?recordId=" + OWN_RECORD)));
    ops.add(
        new Operation(
            "GET break-glass events",
            AUDITORS,
            Expect.ok(200),
            who -> get(who, PATH + "/break-glass")));
    ops.add(
        new Operation(
            "POST erase (admin)",
            EnumSet.of(Who.ADMIN),
            Expect.ok(200),
            who ->
                post(
                    who,
                    PATH + "/records/" + ERASED_RECORD + "/erase",
                    "{\"reasonCode\":\"patient-request\"}")));
    ops.add(
        new Operation(
            "GET my records",
            PATIENTS,
            Expect.ok(200),
            who -> get(who, "/me" + PATH + "/records")));
    ops.add(
        new Operation(
            "GET my audit", PATIENTS, Expect.ok(200), who -> get(who, "/me" + PATH + "/audit")));
    ops.add(
        new Operation(
            "POST my consent",
            PATIENTS,
            Expect.ok(201),
            who ->
                post(
                    who,
                    "/me" + PATH + "/consents",
                    "{\"grantee\":\"insurer-d\",\"decision\":\"withdraw\"}")));
    // A researcher gets de-identified exports and nothing else (none of hospital-a's lab reports
    // has a research consent: an empty dataset, which identifies nobody).
    ops.add(
        new Operation(
            "POST research export",
            EnumSet.of(Who.RESEARCHER),
            Expect.ok(201),
            who -> post(who, PATH + "/research-exports", "{\"documentClass\":\"11502-2\"}")));
    ops.add(
        new Operation(
            "POST federation ping",
            EnumSet.of(Who.ADMIN),
            Expect.ok(202),
            who -> post(who, "/federation/ping/clinic-b", "")));
    ops.add(
        new Operation(
            "GET federation pings",
            EnumSet.of(Who.ADMIN),
            Expect.ok(200),
            who -> get(who, "/federation/pings")));
    return ops;
  }

  private static Expect expected(Operation operation, Who who) {
    if (operation.allowed().contains(who)) {
      return operation.whenAllowed();
    }
    return who == Who.ANONYMOUS ? Expect.ok(401) : Expect.ok(403);
  }

  /** A fresh request by clinic-b for hospital-a's record, for a caller allowed to decide on it. */
  private String requestFor(Who who, Set<Who> allowed) {
    if (!allowed.contains(who)) {
      return UUID.randomUUID().toString(); // refused before the request is even looked up
    }
    try {
      HttpResponse<String> request = fed.post(B, PATH + "/requests", requestBody(OWN_RECORD));
      assertThat(request.statusCode()).as(request.body()).isEqualTo(201);
      String requestId = Http.json(request).path("requestId").asText();
      awaitRequestAt(A, requestId);
      return requestId;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh grant by hospital-a to clinic-b, for a caller allowed to revoke it. */
  private String grantFor(Who who) {
    if (!DECIDERS.contains(who)) {
      return "ab".repeat(32);
    }
    try {
      String requestId = requestFor(who, DECIDERS);
      HttpResponse<String> granted = fed.post(A, PATH + "/requests/" + requestId + "/grant", "{}");
      assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
      return Http.json(granted).path("txId").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest get(Who who, String path) {
    return fed.as(A, path, who.user, password).GET().build();
  }

  private HttpRequest post(Who who, String path, String json) {
    HttpRequest.Builder request = fed.as(A, path, who.user, password);
    if (json.isEmpty()) {
      return request.POST(HttpRequest.BodyPublishers.noBody()).build();
    }
    return request.header("Content-Type", "application/json").POST(body(json)).build();
  }

  private JsonNode json(Who who, String path) throws Exception {
    HttpResponse<String> response = fed.send(get(who, path), ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
  }

  private static String requestBody(String recordId) {
    return "{\"recordId\":\"" + recordId + "\",\"purpose\":\"TREAT\"}";
  }

  private static String rawRegister() {
    String hex = UUID.randomUUID().toString().replace("-", "").repeat(2);
    return "{\"type\":\"register\",\"body\":{\"recordId\":\"mx-raw-"
        + hex.substring(0, 12)
        + "\",\"version\":1,\"contentHash\":\""
        + hex
        + "\",\"size\":1,\"mediaType\":\"application/pdf\",\"documentClass\":\"18842-5\","
        + "\"patient\":\""
        + hex
        + "\"}}";
  }

  private static String rawConsent() {
    String hex = UUID.randomUUID().toString().replace("-", "").repeat(2);
    return "{\"type\":\"consent\",\"body\":{\"patient\":\""
        + hex
        + "\",\"scope\":\"insurer-d\",\"decision\":\"permit\"}}";
  }

  private static byte[] document() {
    return ("%PDF-1.4 matrix test document " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
  }

  private static String registered(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Http.json(response).path("txId").asText();
  }

  private void awaitVisibleAt(int node, String recordId) throws Exception {
    awaitUntil(
        () -> fed.get(node, PATH + "/records/" + recordId + "/accesses").statusCode() == 200,
        recordId + " at node " + node);
  }

  private void awaitRequestAt(int node, String requestId) throws Exception {
    awaitUntil(
        () -> fed.get(node, PATH + "/requests").body().contains(requestId),
        "request " + requestId + " at node " + node);
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitUntil(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static String codeOf(HttpResponse<String> response) {
    if (!response.headers().firstValue("Content-Type").orElse("").contains("json")) {
      return null;
    }
    try {
      JsonNode body = Http.json(response);
      return body.isObject() && body.has("code") ? body.path("code").asText() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static String abbreviate(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "…";
  }

  /** 16 random bytes in the CLI's {@code 0x.., ...} form, as node.sh's random_salt writes them. */
  private static String salt() {
    byte[] bytes = new byte[16];
    new java.security.SecureRandom().nextBytes(bytes);
    List<String> hex = new ArrayList<>();
    for (byte b : bytes) {
      hex.add(String.format("0x%02x", b));
    }
    return String.join(", ", hex);
  }
}
