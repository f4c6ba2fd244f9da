package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Four real WildFly nodes federated over JMS bridges, started with federation.sh as an operator
 * would: certificates collected into the descriptor, pings between every pair of peers, a new
 * member's bridges added without touching the existing ones, consensus, sharing, the console, and
 * nothing left running after {@code down} (the last test of {@link ResilienceIT}, on its own
 * federation). Nodes killed under load are {@link ResilienceIT}'s. The federation is {@link
 * SharedFederation#PROTOCOL}, started cold by this suite (the first of its lane: failsafe runs the
 * federation suites in two lanes, each in alphabetical order): the consensus protocol suite's
 * channels are in its descriptor, unused here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationIT {

  private static final Path HOME = SharedFederation.PROTOCOL.home();
  private static final int BASE_OFFSET = SharedFederation.PROTOCOL.baseOffset();

  private static final List<String> MEMBERS = LocalFederation.MEMBERS;
  private static LocalFederation FED;
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);

  private static final List<Long> latenciesMillis = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void up() throws Exception {
    FED = SharedFederation.PROTOCOL.get();
    for (int node = 0; node < MEMBERS.size(); node++) {
      FED.captureInbound(node);
    }
  }

  @Test
  @Order(1)
  void descriptorListsEveryMembersCertificatesAndBothChannels() throws Exception {
    JsonNode descriptor = Http.JSON.readTree(HOME.resolve("federation.json").toFile());

    assertThat(descriptor.path("federation").asText()).isEqualTo("local-demo");
    assertThat(descriptor.path("version").asInt()).isEqualTo(1);
    assertThat(descriptor.path("members")).hasSize(4);
    for (int i = 0; i < MEMBERS.size(); i++) {
      JsonNode member = descriptor.path("members").get(i);
      assertThat(member.path("institution").asText()).isEqualTo(MEMBERS.get(i));
      assertThat(member.path("artemis").path("port").asInt()).isEqualTo(FED.httpPort(i));
      assertThat(member.path("artemis").path("tlsPort").asInt()).isEqualTo(FED.httpPort(i) + 363);
      JsonNode served =
          Http.json(
              Http.get(
                  "https://127.0.0.1:"
                      + FED.httpsPort(i)
                      + "/careledger/api/v1/node/certificates"));
      for (String field : List.of("signingCertificate", "agreementCertificate", "tlsCertificate")) {
        assertThat(member.path(field).asText()).isEqualTo(served.path(field).asText()).isNotBlank();
      }
    }
    assertThat(descriptor.path("channels").get(0).path("id").asText()).isEqualTo("care-bft");
    assertThat(descriptor.path("channels").get(0).path("members")).hasSize(4);
    assertThat(descriptor.path("channels").get(0).path("consensus").asText()).isEqualTo("bft");
    assertThat(descriptor.path("channels").get(1).path("id").asText()).isEqualTo("care-trio");
    assertThat(descriptor.path("channels").get(1).path("members"))
        .extracting(JsonNode::asText)
        .containsExactly("hospital-a", "clinic-b", "pharmacy-c");
    assertThat(descriptor.path("channels").get(1).path("consensus").asText())
        .isEqualTo("unanimity");
    List<String> suiteChannels = new ArrayList<>(SharedFederation.BFT_CHANNELS);
    suiteChannels.addAll(SharedFederation.TRIO_CHANNELS);
    suiteChannels.add(SharedFederation.GOVERNANCE_CHANNEL);
    suiteChannels.add(SharedFederation.RENEWAL_CHANNEL);
    suiteChannels.add(SharedFederation.MEMBERSHIP_CHANNEL);
    assertThat(descriptor.path("channels"))
        .extracting(channel -> channel.path("id").asText())
        .as("the launcher's two channels, then those of the consensus protocol suite")
        .containsExactlyElementsOf(
            Stream.concat(Stream.of("care-bft", "care-trio"), suiteChannels.stream()).toList());
  }

  @Test
  @Order(2)
  void everyNodePingsEveryPeerAndEachPingArrivesAtItsPeerOnly() throws Exception {
    Map<String, List<String>> expected = new HashMap<>();
    Map<String, Instant> sentAt = new HashMap<>();
    for (int from = 0; from < MEMBERS.size(); from++) {
      for (int to = 0; to < MEMBERS.size(); to++) {
        if (from == to) {
          continue;
        }
        JsonNode sent = ping(from, MEMBERS.get(to));
        expected
            .computeIfAbsent(MEMBERS.get(to), k -> new ArrayList<>())
            .add(sent.path("nonce").asText());
        sentAt.put(sent.path("nonce").asText(), Instant.parse(sent.path("sentAt").asText()));
      }
    }

    for (int to = 0; to < MEMBERS.size(); to++) {
      List<String> nonces = expected.get(MEMBERS.get(to));
      JsonNode received = awaitPings(to, nonces);
      assertThat(received).hasSize(3);
      for (JsonNode ping : received) {
        assertThat(ping.path("from").asText()).isIn(MEMBERS).isNotEqualTo(MEMBERS.get(to));
        assertThat(ping.path("sender").asText()).isEqualTo(ping.path("from").asText());
        Instant sent = sentAt.get(ping.path("nonce").asText());
        latenciesMillis.add(
            Duration.between(sent, Instant.parse(ping.path("receivedAt").asText())).toMillis());
      }
    }
    List<Long> sorted = new ArrayList<>(latenciesMillis);
    Collections.sort(sorted);
    System.out.println(
        "[FederationIT] ping latency over "
            + sorted.size()
            + " pings: median "
            + sorted.get(sorted.size() / 2)
            + " ms, max "
            + sorted.get(sorted.size() - 1)
            + " ms");
  }

  @Test
  @Order(3)
  void pingToAStrangerIsRefusedWithItsCode() throws Exception {
    HttpResponse<String> response = FED.post(0, "/federation/ping/not-a-member");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Http.json(response).path("code").asText()).isEqualTo("CL-1600");
  }

  @Test
  @Order(4)
  void upAgainChangesNothing() throws Exception {
    String descriptor = Files.readString(HOME.resolve("federation.json"));
    String users = Files.readString(usersFile("clinic-b"));
    List<Long> pids = FED.pids();

    LocalFederation.Run up = FED.federationSh("up");

    assertThat(up.exitCode()).as(up.output()).isZero();
    System.out.println(
        "[FederationIT] federation.sh up (warm, all running): " + up.seconds() + " s");
    assertThat(Files.readString(HOME.resolve("federation.json"))).isEqualTo(descriptor);
    assertThat(Files.readString(usersFile("clinic-b"))).isEqualTo(users);
    assertThat(FED.pids()).isEqualTo(pids);
    for (String member : MEMBERS) {
      assertThat(bridges(member).size()).as(member).isEqualTo(3);
      assertThat(HOME.resolve(member).resolve("federation/bridges.cli")).doesNotExist();
    }
    LocalFederation.Run status = FED.federationSh("status");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output())
        .contains("hospital-a: running")
        .contains(
            "bridge careledger-to-insurer-d -> remote+https://127.0.0.1:" + (FED.httpPort(3) + 363))
        .contains("started=true");
  }

  @Test
  @Order(5)
  void aFifthMemberAddsItsBridgeWithoutTouchingTheExistingOnes() throws Exception {
    Map<String, JsonNode> before = bridges("hospital-a");
    long forwardedBefore = before.get("careledger-to-clinic-b").path("message-count").asLong();
    assertThat(forwardedBefore).isPositive();
    ObjectNode descriptor =
        (ObjectNode) Http.JSON.readTree(HOME.resolve("federation.json").toFile());
    ObjectNode lab = ((ObjectNode) descriptor.path("members").get(0)).deepCopy();
    lab.put("institution", "lab-e");
    ((ObjectNode) lab.path("artemis")).put("port", 8080 + BASE_OFFSET + 50);
    ((ObjectNode) lab.path("artemis")).put("tlsPort", 8443 + BASE_OFFSET + 50);
    ((ArrayNode) descriptor.path("members")).add(lab);
    ((ArrayNode) descriptor.path("channels").get(0).path("members")).add("lab-e");
    Path five = HOME.resolve("federation-five.json");
    Files.writeString(
        five, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(descriptor));

    LocalFederation.Run tool =
        tool("bridges", "--file", five.toString(), "--homes", HOME.toString());
    assertThat(tool.exitCode()).as(tool.output()).isZero();
    LocalFederation.Run apply =
        FED.nodeSh(0, "cli", "--file=" + HOME.resolve("hospital-a/federation/bridges.cli"));
    for (String member : MEMBERS) {
      Files.deleteIfExists(HOME.resolve(member).resolve("federation/bridges.cli"));
    }

    assertThat(apply.exitCode()).as(apply.output()).isZero();
    Map<String, JsonNode> after = bridges("hospital-a");
    assertThat(after.keySet())
        .containsExactlyInAnyOrder(
            "careledger-to-clinic-b",
            "careledger-to-pharmacy-c",
            "careledger-to-insurer-d",
            "careledger-to-lab-e");
    // A removed and re-created bridge would count from zero again.
    assertThat(after.get("careledger-to-clinic-b").path("message-count").asLong())
        .isEqualTo(forwardedBefore);
    for (String name : before.keySet()) {
      assertThat(after.get(name).path("started").asBoolean()).isTrue();
    }
    assertThat(after.get("careledger-to-lab-e").path("target-context").toString())
        .contains("remote+https://127.0.0.1:" + (8443 + BASE_OFFSET + 50));

    // lab-e never starts: its bridge would retry every second for the next suites.
    LocalFederation.Run removed =
        FED.nodeSh(
            0,
            "cli",
            "--command=/subsystem=messaging-activemq/jms-bridge=careledger-to-lab-e:remove");
    assertThat(removed.exitCode()).as(removed.output()).isZero();
    assertThat(bridges("hospital-a")).hasSize(3);
  }

  // ------------------------------------------------------------------------------------------
  // Consensus over the bridges: the channels of the descriptor, ordered by QBFT (care-bft, four
  // members) and by unanimity (care-trio, three members).
  // ------------------------------------------------------------------------------------------

  private static final List<String> TRIO = List.of("hospital-a", "clinic-b", "pharmacy-c");
  private static final List<String> BFT_TX_IDS = Collections.synchronizedList(new ArrayList<>());

  @Test
  @Order(3)
  void everyMemberHoldsTheChannelsOfTheDescriptorWithTheSameGenesis() throws Exception {
    Set<String> bftGenesis = new HashSet<>();
    for (int node = 0; node < MEMBERS.size(); node++) {
      JsonNode channel = awaitChannel(node, "care-bft");
      assertThat(channel.path("mode").asText()).isEqualTo("bft");
      assertThat(channel.path("quorum").asInt()).isEqualTo(3);
      assertThat(channel.path("members").size()).isEqualTo(4);
      bftGenesis.add(channel.path("genesisHash").asText());
    }
    assertThat(bftGenesis).hasSize(1);
    Set<String> trioGenesis = new HashSet<>();
    for (String member : TRIO) {
      JsonNode channel = awaitChannel(MEMBERS.indexOf(member), "care-trio");
      assertThat(channel.path("mode").asText()).isEqualTo("unanimity");
      assertThat(channel.path("quorum").asInt()).isEqualTo(3);
      trioGenesis.add(channel.path("genesisHash").asText());
    }
    assertThat(trioGenesis).hasSize(1).doesNotContainAnyElementsOf(bftGenesis);
    // insurer-d is not a member of care-trio: it holds no copy of it.
    assertThat(FED.get(3, "/channels/care-trio").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void transactionsSubmittedAtEveryMemberCommitOnAllOfThemInTheSameOrder() throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int node = 0; node < MEMBERS.size(); node++) {
        calls.add(FED.submitAsync(node, "care-bft", "bft-" + node + "-" + round, 60));
      }
    }
    // A batch at one member: its transactions commit as independent ones, each on every member.
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      entries.add(LocalFederation.registerJson("bft-batch-" + i));
    }
    HttpResponse<String> batch =
        FED.post(
            2,
            "/channels/care-bft/transaction-batches?wait=60",
            "{\"transactions\":[" + String.join(",", entries) + "]}");
    for (var call : calls) {
      HttpResponse<String> response = call.get(120, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      BFT_TX_IDS.add(Http.json(response).path("txId").asText());
    }
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(201);
    JsonNode committed = Http.json(batch).path("committed");
    assertThat(committed.size()).isEqualTo(25);
    for (JsonNode entry : committed) {
      assertThat(entry.path("height").asLong()).isPositive();
      BFT_TX_IDS.add(entry.path("txId").asText());
    }
    List<List<String>> chains = awaitSameChains("care-bft", List.of(0, 1, 2, 3), BFT_TX_IDS);
    // Every submitted transaction once, in one order that every member holds.
    List<String> order = chains.get(0);
    assertThat(order).containsAll(BFT_TX_IDS).doesNotHaveDuplicates();
    for (int node = 0; node < MEMBERS.size(); node++) {
      JsonNode verified = Http.json(FED.post(node, "/channels/care-bft/verify"));
      assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
    }
    // Commit certificates carry at least a quorum (3) of the four members' signatures.
    JsonNode block = Http.json(FED.get(1, "/channels/care-bft/blocks/1"));
    assertThat(block.path("signers").size()).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(4)
  void theUnanimityChannelCommitsWithEveryMembersSignature() throws Exception {
    HttpResponse<String> response =
        FED.submitAsync(1, "care-trio", "trio-1", 60).get(90, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String txId = Http.json(response).path("txId").asText();
    awaitSameChains("care-trio", List.of(0, 1, 2), List.of(txId));
    JsonNode block = Http.json(FED.get(2, "/channels/care-trio/blocks/1"));
    assertThat(block.path("signers").size()).isEqualTo(3);
  }

  @Test
  @Order(5)
  void aMemberCutOffByItsBridgesFallsBehindAndConvergesWhenTheyAreRestored() throws Exception {
    int isolated = 3; // insurer-d
    FED.setBridges(isolated, List.of(0, 1, 2), "stop");
    try {
      HttpResponse<String> response =
          FED.submitAsync(0, "care-bft", "partitioned", 90).get(150, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      BFT_TX_IDS.add(Http.json(response).path("txId").asText());
      long committed = Http.json(response).path("height").asLong();
      assertThat(Http.json(FED.get(isolated, "/channels/care-bft")).path("height").asLong())
          .isLessThan(committed);
      // The console's peer view says so: at hospital-a, insurer-d's bridge is stopped and what
      // hospital-a sent it for that block waits in the outbound queue; insurer-d reaches nobody.
      JsonNode atHospital = peer(0, "insurer-d");
      assertThat(atHospital.path("state").asText()).isEqualTo("down");
      assertThat(atHospital.path("bridgeStarted").asBoolean()).isFalse();
      assertThat(atHospital.path("waiting").asLong()).isPositive();
      for (String other : List.of("hospital-a", "clinic-b", "pharmacy-c")) {
        assertThat(peer(isolated, other).path("state").asText()).as(other).isEqualTo("down");
      }
    } finally {
      FED.setBridges(isolated, List.of(0, 1, 2), "start");
    }
    Instant restored = Instant.now();
    awaitSameChains("care-bft", List.of(0, 1, 2, 3), BFT_TX_IDS);
    // Restored: the queue drains, insurer-d is reachable and, once it says something (a channel at
    // rest sends nothing, so insurer-d pings), heard from again.
    ping(isolated, "hospital-a");
    awaitUntil(
        () -> {
          JsonNode view = peer(0, "insurer-d");
          return view.path("state").asText().equals("reachable")
              && view.path("waiting").asLong() == 0
              && view.hasNonNull("lastHeardAt")
              && Instant.parse(view.path("lastHeardAt").asText()).isAfter(restored);
        },
        "hospital-a's console shows insurer-d reachable again");
  }

  /** A peer as {@code GET /console/peers} at {@code node} shows it. */
  private static JsonNode peer(int node, String institution) throws Exception {
    HttpResponse<String> response = FED.get(node, "/console/peers");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    for (JsonNode peer : Http.json(response)) {
      if (peer.path("institution").asText().equals(institution)) {
        return peer;
      }
    }
    throw new AssertionError(institution + " is not among the peers: " + response.body());
  }

  @Test
  @Order(5)
  void aPatientRegisteredAtTwoProvidersHasOnePseudonymFoundAtAThirdMember() throws Exception {
    String patient = "urn:oid:2.16.840.1.113883.2.4.6.3|999990077";
    byte[] document = new byte[4096];
    new java.security.SecureRandom().nextBytes(document);
    HttpResponse<String> atHospital = FED.register(0, "care-bft", "fed-rec-1", patient, document);
    HttpResponse<String> atClinic = FED.register(1, "care-bft", "fed-rec-2", patient, document);
    assertThat(atHospital.statusCode()).as(atHospital.body()).isEqualTo(201);
    assertThat(atClinic.statusCode()).as(atClinic.body()).isEqualTo(201);
    String pseudonym = Http.json(atHospital).path("patient").asText();
    // Both providers derive the same pseudonym from the channel's shared key ...
    assertThat(Http.json(atClinic).path("patient").asText()).isEqualTo(pseudonym);
    BFT_TX_IDS.add(Http.json(atHospital).path("txId").asText());
    BFT_TX_IDS.add(Http.json(atClinic).path("txId").asText());
    // ... and a third member, which never saw the id, finds both records by it.
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    JsonNode found;
    do {
      HttpResponse<String> response = FED.findRecords(3, "care-bft", patient);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      found = Http.json(response);
    } while (found.size() < 2 && System.nanoTime() < deadline && sleep(500));
    assertThat(found)
        .extracting(r -> r.path("recordId").asText())
        .containsExactlyInAnyOrder("fed-rec-1", "fed-rec-2");
    assertThat(found)
        .extracting(r -> r.path("provider").asText())
        .containsExactlyInAnyOrder("hospital-a", "clinic-b");
    assertThat(found).allSatisfy(r -> assertThat(r.path("patient").asText()).isEqualTo(pseudonym));
    // The pseudonym is the channel's own: on care-trio the same patient is someone else.
    HttpResponse<String> trio = FED.register(0, "care-trio", "fed-rec-3", patient, document);
    assertThat(trio.statusCode()).as(trio.body()).isEqualTo(201);
    assertThat(Http.json(trio).path("patient").asText()).isNotEqualTo(pseudonym);
  }

  private static final String FHIR_PATIENT = "urn:oid:2.16.840.1.113883.2.4.6.3|999990093";
  private static final String FHIR_TITLE = "Discharge summary Veltronakis";

  /**
   * The FHIR interface across two members: a record registered at hospital-a from a
   * DocumentReference is found at clinic-b by a FHIR search with the patient's identifier (the
   * channel's shared pseudonym key), a consent recorded over FHIR at clinic-b is a Consent at
   * hospital-a, and clinic-b's AuditEvents and Provenance show hospital-a's registration with its
   * signature, which verifies with hospital-a's own certificate. Every answer is checked by HAPI's
   * validator.
   */
  @Test
  @Order(5)
  void aFhirClientAtTwoMembersSharesRecordsConsentsAuditAndProvenance() throws Exception {
    byte[] document = "%PDF-1.4 FHIR-registered discharge".getBytes(StandardCharsets.UTF_8);
    String resource =
        FhirChecks.documentReference(
                "fhir-fed-1", FHIR_PATIENT, "18842-5", document, "application/pdf")
            .replace("Discharge summary", FHIR_TITLE);
    HttpResponse<String> created =
        FED.send(
            FED.fhir(0, "care-bft", "DocumentReference")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(resource))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    BFT_TX_IDS.add(created.headers().firstValue("CareLedger-Tx").orElseThrow());
    HttpResponse<String> consent =
        FED.send(
            FED.fhir(1, "care-bft", "Consent")
                .header("Content-Type", "application/fhir+json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        FhirChecks.consent(FHIR_PATIENT, "active", "pharmacy-c")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);

    org.hl7.fhir.r4.model.Bundle found = null;
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    do {
      HttpResponse<String> search =
          FED.send(
              FED.fhir(1, "care-bft", "DocumentReference/_search")
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "patient="
                              + java.net.URLEncoder.encode(FHIR_PATIENT, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      found = FhirChecks.valid(search, org.hl7.fhir.r4.model.Bundle.class);
    } while (found.getEntry().isEmpty() && System.nanoTime() < deadline && sleep(500));
    assertThat(found.getEntry()).hasSize(1);
    org.hl7.fhir.r4.model.DocumentReference atClinic =
        (org.hl7.fhir.r4.model.DocumentReference) found.getEntryFirstRep().getResource();
    assertThat(atClinic.getMasterIdentifier().getValue()).isEqualTo("fhir-fed-1");
    assertThat(atClinic.getCustodian().getIdentifier().getValue()).isEqualTo("hospital-a");
    assertThat(atClinic.getDescription()).as("the title stays with its provider").isNull();

    org.hl7.fhir.r4.model.Bundle consents;
    deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    do {
      consents =
          FhirChecks.valid(
              FED.send(
                  FED.fhir(0, "care-bft", "Consent")
                      .header("CareLedger-Patient-Id", FHIR_PATIENT)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString()),
              org.hl7.fhir.r4.model.Bundle.class);
    } while (consents.getEntry().isEmpty() && System.nanoTime() < deadline && sleep(500));
    assertThat(consents.getEntry()).hasSize(1);
    org.hl7.fhir.r4.model.Consent recorded =
        (org.hl7.fhir.r4.model.Consent) consents.getEntryFirstRep().getResource();
    assertThat(recorded.getOrganizationFirstRep().getIdentifier().getValue()).isEqualTo("clinic-b");
    assertThat(recorded.getProvision().getActorFirstRep().getReference().getIdentifier().getValue())
        .isEqualTo("pharmacy-c");

    org.hl7.fhir.r4.model.Bundle audit =
        FhirChecks.valid(
            FED.send(
                FED.fhir(1, "care-bft", "AuditEvent?entity=DocumentReference/fhir-fed-1")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString()),
            org.hl7.fhir.r4.model.Bundle.class);
    assertThat(audit.getEntry()).isNotEmpty();
    org.hl7.fhir.r4.model.AuditEvent registered =
        (org.hl7.fhir.r4.model.AuditEvent) audit.getEntryFirstRep().getResource();
    assertThat(registered.getAgentFirstRep().getWho().getIdentifier().getValue())
        .isEqualTo("hospital-a");
    assertThat(registered.getSource().getObserver().getIdentifier().getValue())
        .isEqualTo("clinic-b");

    org.hl7.fhir.r4.model.Bundle provenance =
        FhirChecks.valid(
            FED.send(
                FED.fhir(1, "care-bft", "Provenance?target=DocumentReference/fhir-fed-1")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString()),
            org.hl7.fhir.r4.model.Bundle.class);
    org.hl7.fhir.r4.model.Provenance signed =
        (org.hl7.fhir.r4.model.Provenance) provenance.getEntryFirstRep().getResource();
    byte[] canonical = ((org.hl7.fhir.r4.model.Binary) signed.getContained().get(0)).getData();
    JsonNode certificates = Http.json(FED.get(0, "/node/certificates"));
    java.security.cert.X509Certificate certificate =
        (java.security.cert.X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new java.io.ByteArrayInputStream(
                        java.util.Base64.getDecoder()
                            .decode(certificates.get("signingCertificate").asText())));
    org.bouncycastle.crypto.signers.Ed25519Signer verifier =
        new org.bouncycastle.crypto.signers.Ed25519Signer();
    verifier.init(
        false,
        new org.bouncycastle.crypto.params.Ed25519PublicKeyParameters(
            org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                    certificate.getPublicKey().getEncoded())
                .getPublicKeyData()
                .getBytes(),
            0));
    verifier.update(canonical, 0, canonical.length);
    assertThat(verifier.verifySignature(signed.getSignatureFirstRep().getData()))
        .as("clinic-b's Provenance carries hospital-a's signature")
        .isTrue();
  }

  // ------------------------------------------------------------------------------------------
  // Sharing: request, grant, retrieval across the federation, revoke; every access on the chain.
  // ------------------------------------------------------------------------------------------

  @Test
  @Order(5)
  void aRecordIsReadByAnotherInstitutionOnlyUnderAGrantAndEveryAttemptIsOnTheChain()
      throws Exception {
    byte[] document = clinicalDocument(10 * 1024);
    HttpResponse<String> registered =
        FED.register(0, "care-bft", "shared-1", SHARED_PATIENT, SHARED_TITLE, document);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    BFT_TX_IDS.add(Http.json(registered).path("txId").asText());
    awaitRecord(1, "care-bft", "shared-1");

    // clinic-b holds no grant: refused with its code, and the refusal is on the chain.
    assertRefused(1, "shared-1");

    HttpResponse<String> requested =
        FED.post(
            1, "/channels/care-bft/requests", "{\"recordId\":\"shared-1\",\"purpose\":\"TREAT\"}");
    assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
    String requestId = Http.json(requested).path("requestId").asText();
    assertThat(Http.json(requested).path("provider").asText()).isEqualTo("hospital-a");
    // A request for one's own record makes no sense: refused with its code.
    HttpResponse<String> own =
        FED.post(
            0, "/channels/care-bft/requests", "{\"recordId\":\"shared-1\",\"purpose\":\"TREAT\"}");
    assertThat(Http.json(own).path("code").asText()).isEqualTo("CL-1718");

    // The provider sees the request waiting, and grants it.
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(requestId),
        "the request is open at hospital-a");
    HttpResponse<String> notProvider =
        FED.post(2, "/channels/care-bft/requests/" + requestId + "/grant", "{}");
    assertThat(notProvider.statusCode()).as(notProvider.body()).isEqualTo(403);
    assertThat(Http.json(notProvider).path("code").asText()).isEqualTo("CL-1712");
    HttpResponse<String> granted =
        FED.post(0, "/channels/care-bft/requests/" + requestId + "/grant", "{}");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    String grantTx = Http.json(granted).path("txId").asText();
    assertThat(Http.json(granted).path("grantee").asText()).isEqualTo("clinic-b");
    HttpResponse<String> twice =
        FED.post(0, "/channels/care-bft/requests/" + requestId + "/grant", "{}");
    assertThat(Http.json(twice).path("code").asText()).isEqualTo("CL-1713");

    // clinic-b now retrieves it from hospital-a's store, byte for byte.
    awaitUntil(
        () -> FED.get(1, "/channels/care-bft/requests").body().contains(grantTx),
        "clinic-b holds the grant");
    HttpResponse<byte[]> content =
        FED.content(1, "care-bft", "shared-1", HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(document);
    assertThat(content.headers().firstValue("CareLedger-Provider")).contains("hospital-a");
    String accessTx = content.headers().firstValue("CareLedger-Access-Tx").orElseThrow();
    // The grant is clinic-b's alone: pharmacy-c is still refused.
    assertRefused(2, "shared-1");

    // After the revoke, clinic-b is refused again.
    HttpResponse<String> revoked = FED.post(0, "/channels/care-bft/grants/" + grantTx + "/revoke");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    String revokeTx = Http.json(revoked).path("txId").asText();
    awaitUntil(
        () -> hasTransaction(1, "care-bft", revokeTx), "clinic-b holds the revoke transaction");
    assertRefused(1, "shared-1");

    assertRefused(3, "shared-1");
    // Break-glass: insurer-d, without any grant, in an emergency: a reason code is mandatory.
    HttpResponse<String> noReason =
        FED.post(3, "/channels/care-bft/records/shared-1/break-glass", "{}");
    assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(400);
    HttpResponse<byte[]> emergency =
        FED.send(
            FED.authorized(3, "/channels/care-bft/records/shared-1/break-glass")
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"reasonCode\":\"unconscious-patient\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(emergency.statusCode()).isEqualTo(200);
    assertThat(emergency.body()).isEqualTo(document);
    // ... flagged to the provider.
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/break-glass").body().contains("insurer-d"),
        "hospital-a sees the break-glass event");
    JsonNode flagged = Http.json(FED.get(0, "/channels/care-bft/break-glass"));
    assertThat(flagged.get(0).path("recordId").asText()).isEqualTo("shared-1");
    assertThat(flagged.get(0).path("reasonCode").asText()).isEqualTo("unconscious-patient");

    // The audit trail, as a member that is neither provider nor grantee holds it: every attempt.
    awaitUntil(
        () -> Http.json(FED.get(2, "/channels/care-bft/records/shared-1/accesses")).size() == 7,
        "pharmacy-c holds all seven access events");
    JsonNode accesses = Http.json(FED.get(2, "/channels/care-bft/records/shared-1/accesses"));
    assertThat(accesses)
        .extracting(a -> a.path("kind").asText() + " " + a.path("accessor").asText())
        .containsExactlyInAnyOrder(
            "access-refused clinic-b",
            "access-logged clinic-b",
            "access-refused pharmacy-c",
            "access-refused clinic-b",
            "access-refused insurer-d",
            "break-glass insurer-d",
            "access-logged insurer-d");
    assertThat(accesses)
        .filteredOn(a -> a.path("kind").asText().equals("access-logged"))
        .filteredOn(a -> a.path("accessor").asText().equals("clinic-b"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path("txId").asText()).isEqualTo(accessTx);
              assertThat(a.path("grantTx").asText()).isEqualTo(grantTx);
              assertThat(a.path("basis").asText()).isEqualTo("grant");
            });
    assertThat(accesses)
        .filteredOn(a -> a.path("accessor").asText().equals("insurer-d"))
        .filteredOn(a -> a.path("kind").asText().equals("access-logged"))
        .singleElement()
        .satisfies(a -> assertThat(a.path("basis").asText()).isEqualTo("break-glass"));

    // The patient's own audit view, at the provider and at a member that never held the record:
    // both read it from the chain, by the channel's pseudonym of the patient's id.
    String patientPassword = ManagementCli.randomPassword();
    for (int node : List.of(0, 2)) {
      FED.addUser(node, "patient-shared", "patient", SHARED_PATIENT, patientPassword);
      awaitUntil(
          () ->
              FED.send(
                      FED.as(node, "/me/channels/care-bft/audit", "patient-shared", patientPassword)
                          .GET()
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body()
                  .contains(accessTx),
          "the patient's view at node " + node + " lists clinic-b's access");
      JsonNode trail =
          Http.json(
              FED.send(
                  FED.as(node, "/me/channels/care-bft/audit", "patient-shared", patientPassword)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
      assertThat(trail)
          .extracting(
              e ->
                  e.path("kind").asText()
                      + " by "
                      + e.path("institution").asText()
                      + (e.has("subject") ? " for " + e.path("subject").asText() : ""))
          .contains(
              "register by hospital-a",
              "access-refused by clinic-b for clinic-b",
              "request by clinic-b",
              "grant by hospital-a for clinic-b",
              "access-logged by clinic-b for clinic-b",
              "revoke by hospital-a for clinic-b",
              "break-glass by insurer-d for insurer-d",
              "access-logged by insurer-d for insurer-d");
      assertThat(trail)
          .filteredOn(e -> e.path("flagged").asBoolean())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.path("subject").asText()).isEqualTo("insurer-d");
                assertThat(e.path("reasonCode").asText()).isEqualTo("unconscious-patient");
              });
      assertThat(trail)
          .allSatisfy(e -> assertThat(e.path("recordId").asText()).isEqualTo("shared-1"));
    }
  }

  @Test
  @Order(5)
  void theSameFlowOverSoapAndAGrantThatExpires() throws Exception {
    byte[] document = clinicalDocument(10 * 1024);
    HttpResponse<String> registered =
        FED.soap(
            0,
            "<c:registerRecord><c:channel>care-bft</c:channel><c:recordId>soap-shared-1</c:recordId>"
                + "<c:documentClass>18842-5</c:documentClass><c:mediaType>application/pdf"
                + "</c:mediaType><c:patientId>"
                + SOAP_PATIENT
                + "</c:patientId><c:document>"
                + java.util.Base64.getEncoder().encodeToString(document)
                + "</c:document></c:registerRecord>");
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    awaitRecord(1, "care-bft", "soap-shared-1");

    String grantTx = soapGrant(soapRequest(), null);
    awaitUntil(() -> hasTransaction(1, "care-bft", grantTx), "clinic-b holds the SOAP grant");
    HttpResponse<String> read =
        FED.soap(
            1,
            "<c:retrieveRecord><c:channel>care-bft</c:channel><c:recordId>soap-shared-1"
                + "</c:recordId></c:retrieveRecord>");
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    // MTOM: the content is a raw MIME part (or inline base64 if the client did not ask for MTOM).
    assertThat(
            read.body().contains(new String(document, StandardCharsets.ISO_8859_1))
                || read.body().contains(java.util.Base64.getEncoder().encodeToString(document)))
        .as("clinic-b reads the document byte for byte over SOAP")
        .isTrue();
    assertThat(read.body()).containsPattern("<accessTx>[0-9a-f]{64}</accessTx>");

    HttpResponse<String> revoked =
        FED.soap(
            0,
            "<c:revokeGrant><c:channel>care-bft</c:channel><c:grantTx>"
                + grantTx
                + "</c:grantTx></c:revokeGrant>");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    String revokeTx = between(revoked.body(), "<txId>", "</txId>");
    awaitUntil(() -> hasTransaction(1, "care-bft", revokeTx), "clinic-b holds the SOAP revoke");
    assertSoapRefused(1, "soap-shared-1");

    // A grant with an expiry: read while it runs, refused (and logged) once it has passed.
    Instant expiry = Instant.now().plusSeconds(20);
    String expiring = soapGrant(soapRequest(), expiry.toString());
    awaitUntil(() -> hasTransaction(1, "care-bft", expiring), "clinic-b holds the expiring grant");
    HttpResponse<byte[]> before =
        FED.content(1, "care-bft", "soap-shared-1", HttpResponse.BodyHandlers.ofByteArray());
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.body()).isEqualTo(document);
    while (Instant.now().isBefore(expiry.plusSeconds(1))) {
      Thread.sleep(500);
    }
    assertRefused(1, "soap-shared-1");
    assertSoapRefused(1, "soap-shared-1");
  }

  private static final String SOAP_PATIENT = "urn:oid:1.2.3|999990091";

  private static String soapRequest() throws Exception {
    HttpResponse<String> requested =
        FED.soap(
            1,
            "<c:requestAccess><c:channel>care-bft</c:channel><c:recordId>soap-shared-1</c:recordId>"
                + "<c:purpose>TREAT</c:purpose></c:requestAccess>");
    assertThat(requested.statusCode()).as(requested.body()).isEqualTo(200);
    String requestId = between(requested.body(), "<requestId>", "</requestId>");
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(requestId),
        "the SOAP request is open at hospital-a");
    return requestId;
  }

  private static String soapGrant(String requestId, String expiresAt) throws Exception {
    HttpResponse<String> granted =
        FED.soap(
            0,
            "<c:grantAccess><c:channel>care-bft</c:channel><c:requestId>"
                + requestId
                + "</c:requestId>"
                + (expiresAt == null ? "" : "<c:expiresAt>" + expiresAt + "</c:expiresAt>")
                + "</c:grantAccess>");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    assertThat(granted.body()).contains("<grantee>clinic-b</grantee>");
    return between(granted.body(), "<txId>", "</txId>");
  }

  private static void assertSoapRefused(int node, String recordId) throws Exception {
    HttpResponse<String> refused =
        FED.soap(
            node,
            "<c:retrieveRecord><c:channel>care-bft</c:channel><c:recordId>"
                + recordId
                + "</c:recordId></c:retrieveRecord>");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
    assertThat(refused.body()).contains("Fault").contains("<code>CL-1710</code>");
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as(text).isNotNegative();
    return text.substring(from + start.length(), text.indexOf(end, from));
  }

  @Test
  @Order(5)
  void everyOperationAnswersEveryRoleAndNobodyAsTheRulesSay() throws Exception {
    AuthorizationMatrix matrix = new AuthorizationMatrix(FED).prepare();

    List<String> mismatches = matrix.run();

    assertThat(mismatches).as("operations that answered a caller against the rules").isEmpty();
    matrix.patientsSeeOnlyTheirOwn();
  }

  /**
   * Amend: hospital-a amends a record granted to clinic-b; the grant carries over (the new data key
   * wrapped for clinic-b in the amendment, its envelope hash on the chain), clinic-b reads the new
   * version byte for byte, nobody but the provider may amend (through the service, or as a raw
   * transaction the channel refuses), and the revoke ends access to every version.
   */
  @Test
  @Order(5)
  void anAmendedRecordReachesItsGranteeAsItsNewVersionAndOnlyTheProviderAmends() throws Exception {
    byte[] first = clinicalDocument(4096);
    byte[] second = clinicalDocument(3 * 1024 * 1024 + 17);
    HttpResponse<String> registered =
        FED.register(0, "care-bft", "amend-1", AMEND_PATIENT, SHARED_TITLE, first);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    BFT_TX_IDS.add(Http.json(registered).path("txId").asText());
    awaitRecord(1, "care-bft", "amend-1");
    String requestId = requestAs(1, "amend-1", "TREAT");
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(requestId),
        "the request is open at hospital-a");
    HttpResponse<String> granted =
        FED.post(0, "/channels/care-bft/requests/" + requestId + "/grant", "{}");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    String grantTx = Http.json(granted).path("txId").asText();
    awaitUntil(
        () -> FED.get(1, "/channels/care-bft/requests").body().contains(grantTx),
        "clinic-b holds the grant");
    assertThat(
            FED.content(1, "care-bft", "amend-1", HttpResponse.BodyHandlers.ofByteArray()).body())
        .isEqualTo(first);

    // Only the provider amends: clinic-b (the grantee) and pharmacy-c are refused, and so is a raw
    // amend transaction from clinic-b, by the channel's rules (it commits nowhere).
    for (int node : List.of(1, 2)) {
      HttpResponse<String> refused = amend(node, "amend-1", second);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(Http.json(refused).path("code").asText()).isEqualTo("CL-1712");
    }
    HttpResponse<String> raw =
        FED.post(
            1,
            "/channels/care-bft/transactions?wait=10",
            "{\"type\":\"amend\",\"body\":{\"recordId\":\"amend-1\",\"version\":2,"
                + "\"previousVersion\":1,\"contentHash\":\""
                + "ab".repeat(32)
                + "\",\"size\":10,\"mediaType\":\"application/pdf\",\"envelopeHash\":\""
                + "0e".repeat(32)
                + "\",\"grantEnvelopes\":{}}}");
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(403);
    assertThat(Http.json(raw).path("code").asText()).isEqualTo("CL-1712");

    // hospital-a amends: version 2, clinic-b's grant carried over.
    HttpResponse<String> amended = amend(0, "amend-1", second);
    assertThat(amended.statusCode()).as(amended.body()).isEqualTo(201);
    JsonNode version = Http.json(amended);
    assertThat(version.path("version").asLong()).isEqualTo(2L);
    assertThat(version.path("previousVersion").asLong()).isEqualTo(1L);
    assertThat(version.path("grantees")).extracting(JsonNode::asText).containsExactly("clinic-b");
    String amendTx = version.path("txId").asText();
    BFT_TX_IDS.add(amendTx);
    awaitUntil(() -> hasTransaction(1, "care-bft", amendTx), "clinic-b holds the amendment");
    JsonNode atClinic = Http.json(FED.findRecords(1, "care-bft", AMEND_PATIENT));
    assertThat(atClinic).hasSize(1);
    assertThat(atClinic.get(0).path("version").asLong()).isEqualTo(2L);
    assertThat(atClinic.get(0).path("contentHash").asText())
        .isEqualTo(version.path("contentHash").asText());

    // clinic-b reads the new version, from hospital-a's store, with its envelope for version 2.
    HttpResponse<byte[]> content =
        FED.content(1, "care-bft", "amend-1", HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(second);
    assertThat(content.headers().firstValue("CareLedger-Provider")).contains("hospital-a");
    // Still clinic-b's alone; a second amendment from the stale version 1 is refused.
    assertRefused(2, "amend-1");
    HttpResponse<String> stale =
        FED.send(
            amendRequest(0, "amend-1?previousVersion=1").POST(bytes(first)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
    assertThat(Http.json(stale).path("code").asText()).isEqualTo("CL-1722");

    // The revoke ends access to every version.
    HttpResponse<String> revoked = FED.post(0, "/channels/care-bft/grants/" + grantTx + "/revoke");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    String revokeTx = Http.json(revoked).path("txId").asText();
    awaitUntil(
        () -> hasTransaction(1, "care-bft", revokeTx), "clinic-b holds the revoke transaction");
    assertRefused(1, "amend-1");

    // On the chain as a third member holds it: the amendment by hospital-a, linked to version 1.
    awaitUntil(
        () -> FED.get(2, "/channels/care-bft/audit?recordId=amend-1").body().contains(amendTx),
        "pharmacy-c holds the amendment");
    assertThat(Http.json(FED.get(2, "/channels/care-bft/audit?recordId=amend-1")))
        .filteredOn(e -> e.path("kind").asText().equals("amend"))
        .singleElement()
        .satisfies(e -> assertThat(e.path("institution").asText()).isEqualTo("hospital-a"));
  }

  private static HttpRequest.Builder amendRequest(int node, String recordAndQuery) {
    String recordId = recordAndQuery.split("\\?")[0];
    String query = recordAndQuery.substring(recordId.length());
    return FED.authorized(node, "/channels/care-bft/records/" + recordId + "/versions" + query)
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/pdf");
  }

  private static HttpResponse<String> amend(int node, String recordId, byte[] document)
      throws Exception {
    return FED.send(
        amendRequest(node, recordId).POST(bytes(document)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.BodyPublisher bytes(byte[] document) {
    return HttpRequest.BodyPublishers.ofByteArray(document);
  }

  /**
   * A request for a patient's records of a class: hospital-a holds two lab reports (11502-2) and a
   * discharge summary (18842-5) of one patient; clinic-b asks hospital-a for that patient's lab
   * reports (patient id in the header only), hospital-a grants, which makes one grant per lab
   * report; clinic-b reads both byte for byte and is still refused the discharge summary.
   */
  @Test
  @Order(5)
  void aRequestForAPatientsLabReportsIsGrantedRecordByRecordAndCoversNothingElse()
      throws Exception {
    byte[] lab1 = classDocument("first lab report", 4 * 1024);
    byte[] lab2 = classDocument("second lab report", 6 * 1024);
    byte[] summary = classDocument("discharge summary", 5 * 1024);
    for (Object[] record :
        new Object[][] {
          {"class-lab-1", "11502-2", lab1},
          {"class-lab-2", "11502-2", lab2},
          {"class-dis-1", "18842-5", summary}
        }) {
      HttpResponse<String> registered =
          FED.registerOfClass(
              0,
              "care-bft",
              (String) record[0],
              CLASS_PATIENT,
              (String) record[1],
              CLASS_TITLE,
              (byte[]) record[2]);
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
      awaitRecord(1, "care-bft", (String) record[0]);
    }
    assertRefused(1, "class-lab-1");

    String body =
        "{\"documentClass\":\"11502-2\",\"provider\":\"hospital-a\",\"purpose\":\"TREAT\"}";
    // No patient header, a malformed class, the requester itself as provider, a record id as
    // well: refused with their codes.
    assertThat(Http.json(FED.post(1, "/channels/care-bft/requests", body)).path("code").asText())
        .isEqualTo("CL-1700");
    assertThat(
            Http.json(
                    classRequest(
                        1,
                        "{\"documentClass\":\"lab\",\"provider\":\"hospital-a\","
                            + "\"purpose\":\"TREAT\"}"))
                .path("code")
                .asText())
        .isEqualTo("CL-1150");
    assertThat(
            Http.json(
                    classRequest(
                        1,
                        "{\"documentClass\":\"11502-2\",\"provider\":\"clinic-b\","
                            + "\"purpose\":\"TREAT\"}"))
                .path("code")
                .asText())
        .isEqualTo("CL-1718");
    assertThat(
            Http.json(
                    classRequest(
                        1,
                        "{\"recordId\":\"class-lab-1\",\"documentClass\":\"11502-2\","
                            + "\"provider\":\"hospital-a\",\"purpose\":\"TREAT\"}"))
                .path("code")
                .asText())
        .isEqualTo("CL-1150");

    HttpResponse<String> requested = classRequest(1, body);
    assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
    JsonNode request = Http.json(requested);
    String requestId = request.path("requestId").asText();
    assertThat(request.path("provider").asText()).isEqualTo("hospital-a");
    assertThat(request.path("documentClass").asText()).isEqualTo("11502-2");
    assertThat(requested.body()).doesNotContain(CLASS_PATIENT).doesNotContain("999990082");
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(requestId),
        "the class request is open at hospital-a");
    assertThat(FED.get(1, "/channels/care-bft/requests").body())
        .contains("\"scope\":\"class\"")
        .doesNotContain("999990082");

    // Only hospital-a, the provider asked, grants: one grant per lab report.
    HttpResponse<String> notProvider =
        FED.post(2, "/channels/care-bft/requests/" + requestId + "/grant", "{}");
    assertThat(Http.json(notProvider).path("code").asText()).isEqualTo("CL-1712");
    HttpResponse<String> granted =
        FED.post(0, "/channels/care-bft/requests/" + requestId + "/grant", "{}");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    JsonNode grants = Http.json(granted).path("grants");
    assertThat(grants)
        .extracting(g -> g.path("recordId").asText())
        .containsExactly("class-lab-1", "class-lab-2");
    assertThat(grants).extracting(g -> g.path("txId").asText()).doesNotHaveDuplicates();
    assertThat(Http.json(granted).path("txId").asText())
        .isEqualTo(grants.get(0).path("txId").asText());
    assertThat(
            Http.json(FED.post(0, "/channels/care-bft/requests/" + requestId + "/grant", "{}"))
                .path("code")
                .asText())
        .isEqualTo("CL-1713");

    // clinic-b reads both lab reports from hospital-a's store, byte for byte; not the summary.
    for (JsonNode grant : grants) {
      String grantTx = grant.path("txId").asText();
      awaitUntil(() -> hasTransaction(1, "care-bft", grantTx), "clinic-b holds grant " + grantTx);
    }
    for (Object[] read : new Object[][] {{"class-lab-1", lab1}, {"class-lab-2", lab2}}) {
      HttpResponse<byte[]> content =
          FED.content(1, "care-bft", (String) read[0], HttpResponse.BodyHandlers.ofByteArray());
      assertThat(content.statusCode()).as((String) read[0]).isEqualTo(200);
      assertThat(content.body()).as((String) read[0]).isEqualTo((byte[]) read[1]);
      assertThat(content.headers().firstValue("CareLedger-Provider")).contains("hospital-a");
    }
    assertRefused(1, "class-dis-1");
    assertRefused(2, "class-lab-1");

    // A class request hospital-a holds nothing for: refused at the grant, nothing committed.
    HttpResponse<String> none =
        classRequest(
            1,
            "{\"documentClass\":\"57833-6\",\"provider\":\"hospital-a\","
                + "\"purpose\":\"TREAT\"}");
    assertThat(none.statusCode()).as(none.body()).isEqualTo(201);
    String noneId = Http.json(none).path("requestId").asText();
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(noneId),
        "the second class request is open at hospital-a");
    HttpResponse<String> nothing =
        FED.post(0, "/channels/care-bft/requests/" + noneId + "/grant", "{}");
    assertThat(nothing.statusCode()).as(nothing.body()).isEqualTo(409);
    assertThat(Http.json(nothing).path("code").asText()).isEqualTo("CL-1723");
    assertThat(FED.get(0, "/channels/care-bft/requests?status=open").body()).contains(noneId);
  }

  private static HttpResponse<String> classRequest(int node, String json) throws Exception {
    return FED.send(
        FED.authorized(node, "/channels/care-bft/requests")
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .header("CareLedger-Patient-Id", CLASS_PATIENT)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] classDocument(String what, int size) {
    byte[] text =
        (CLASS_TITLE + ", " + what + " for " + CLASS_PATIENT + ". " + CLASS_TEXT + ".\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] document = new byte[size];
    for (int i = 0; i < size; i++) {
      document[i] = text[i % text.length];
    }
    return document;
  }

  private static final String CLASS_PATIENT = "urn:oid:1.2.3|999990082";
  private static final String CLASS_TITLE = "Haematology panel Quarzwerk";
  private static final String CLASS_TEXT = "Ferritin markedly raised, transferrin saturation 71";

  @Test
  @Order(5)
  void aLargeDocumentCrossesTheFederationInChunksByteForByte() throws Exception {
    long size = Long.getLong("it.sharing.large.bytes", 200L << 20);
    byte[] expected = GeneratedDocument.sha256(size);
    long started = System.nanoTime();
    HttpResponse<String> registered =
        FED.register(0, "care-bft", "large-1", LARGE_PATIENT, () -> new GeneratedDocument(size));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    long registerMillis = (System.nanoTime() - started) / 1_000_000;
    BFT_TX_IDS.add(Http.json(registered).path("txId").asText());
    awaitRecord(1, "care-bft", "large-1");
    HttpResponse<String> requested =
        FED.post(
            1, "/channels/care-bft/requests", "{\"recordId\":\"large-1\",\"purpose\":\"TREAT\"}");
    assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
    String requestId = Http.json(requested).path("requestId").asText();
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(requestId),
        "the request is open at hospital-a");
    HttpResponse<String> granted =
        FED.post(
            0,
            "/channels/care-bft/requests/" + requestId + "/grant",
            "{\"expiresAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    String grantTx = Http.json(granted).path("txId").asText();
    awaitUntil(
        () -> FED.get(1, "/channels/care-bft/requests").body().contains(grantTx),
        "clinic-b holds the grant");

    started = System.nanoTime();
    HttpResponse<java.io.InputStream> content =
        FED.content(1, "care-bft", "large-1", HttpResponse.BodyHandlers.ofInputStream());
    assertThat(content.statusCode()).isEqualTo(200);
    java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
    long received = 0;
    try (java.io.InputStream in = content.body()) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        received += n;
      }
    }
    long retrieveMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(received).isEqualTo(size);
    assertThat(sha256.digest()).isEqualTo(expected);
    System.out.printf(
        "[FederationIT] %d MiB document: register %d ms, retrieve across the federation %d ms"
            + " (%.1f MiB/s)%n",
        size >> 20, registerMillis, retrieveMillis, (size / 1048576.0) / (retrieveMillis / 1000.0));
    // Nothing of it stays at the grantee once read.
    try (Stream<Path> left = Files.walk(HOME.resolve("clinic-b"))) {
      assertThat(
              left.filter(p -> p.toString().contains("/retrieved/"))
                  .filter(Files::isRegularFile)
                  .toList())
          .isEmpty();
    }
  }

  /**
   * care-bft's sharing policy (server-config/src/main/federation/care-bft-policy.json, in its
   * genesis): pharmacy-c may receive prescriptions for treatment only; insurer-d lab reports for
   * payment, and only with the patient's consent on the chain. A grant that breaks it is refused by
   * the provider's service, and a grant transaction submitted raw (as a provider that skips its own
   * check would) is refused by the channel's validation: it commits nowhere.
   */
  @Test
  @Order(5)
  void aGrantThatBreaksTheChannelPolicyNeverCommitsAndConsentOpensWhatNeedsIt() throws Exception {
    String patient = "urn:oid:1.2.3|999990080";
    byte[] document = clinicalDocument(2048);
    HttpResponse<String> registered =
        FED.register(0, "care-bft", "claim-1", patient, SHARED_TITLE, document);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    BFT_TX_IDS.add(Http.json(registered).path("txId").asText());
    awaitRecord(2, "care-bft", "claim-1");
    awaitRecord(3, "care-bft", "claim-1");
    String pharmacyRequest = requestAs(2, "claim-1", "TREAT");
    String insurerRequest = requestAs(3, "claim-1", "HPAYMT");
    awaitUntil(
        () -> {
          String open = FED.get(0, "/channels/care-bft/requests?status=open").body();
          return open.contains(pharmacyRequest) && open.contains(insurerRequest);
        },
        "both requests are open at hospital-a");

    // A lab report (11502-2) is not for a pharmacy: refused with its code.
    HttpResponse<String> toPharmacy =
        FED.post(0, "/channels/care-bft/requests/" + pharmacyRequest + "/grant", "{}");
    assertThat(toPharmacy.statusCode()).as(toPharmacy.body()).isEqualTo(403);
    assertThat(Http.json(toPharmacy).path("code").asText()).isEqualTo("CL-1720");
    // The same grant as a raw transaction: refused by the channel's rules, on no chain.
    String raw =
        "{\"type\":\"grant\",\"body\":{\"requestId\":\""
            + pharmacyRequest
            + "\",\"recordId\":\"claim-1\",\"grantee\":\"pharmacy-c\",\"envelopeHash\":\""
            + "ab".repeat(32)
            + "\"}}";
    HttpResponse<String> rawGrant =
        FED.send(
            FED.authorized(0, "/channels/care-bft/transactions?wait=20")
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(raw))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(rawGrant.statusCode()).as(rawGrant.body()).isEqualTo(403);
    assertThat(Http.json(rawGrant).path("code").asText()).isEqualTo("CL-1720");

    // The insurer may have it for payment, but not before the patient consents.
    HttpResponse<String> early =
        FED.post(0, "/channels/care-bft/requests/" + insurerRequest + "/grant", "{}");
    assertThat(Http.json(early).path("code").asText()).as(early.body()).isEqualTo("CL-1720");
    HttpResponse<String> consent =
        FED.send(
            FED.authorized(0, "/channels/care-bft/consents")
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("CareLedger-Patient-Id", patient)
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"grantee\":\"insurer-d\",\"decision\":\"permit\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
    HttpResponse<String> granted =
        FED.post(0, "/channels/care-bft/requests/" + insurerRequest + "/grant", "{}");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    String grantTx = Http.json(granted).path("txId").asText();
    awaitUntil(
        () -> FED.get(3, "/channels/care-bft/requests").body().contains(grantTx),
        "insurer-d holds the grant");
    HttpResponse<byte[]> content =
        FED.content(3, "care-bft", "claim-1", HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(document);
    // Every member holds the consent and the grant, and the pharmacy's request is still open.
    for (int node = 0; node < MEMBERS.size(); node++) {
      int member = node;
      awaitUntil(
          () -> hasTransaction(member, "care-bft", grantTx), MEMBERS.get(node) + " holds it");
    }
    assertThat(FED.get(2, "/channels/care-bft/requests?status=open").body())
        .contains(pharmacyRequest);
  }

  private static String requestAs(int node, String recordId, String purpose) throws Exception {
    HttpResponse<String> requested =
        FED.post(
            node,
            "/channels/care-bft/requests",
            "{\"recordId\":\"" + recordId + "\",\"purpose\":\"" + purpose + "\"}");
    assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
    return Http.json(requested).path("requestId").asText();
  }

  private static final String SHARED_PATIENT = "urn:oid:1.2.3|999990078";
  private static final String LARGE_PATIENT = "urn:oid:1.2.3|999990079";
  private static final String AMEND_PATIENT = "urn:oid:1.2.3|999990081";
  private static final String PATIENT_NAME = "Erika Mustermann-Quellenberg";
  private static final String SHARED_TITLE = "Tumour board \u2014 " + PATIENT_NAME;
  private static final String CLINICAL_TEXT = "Histology: adenocarcinoma of the left upper lobe";

  /** A document whose text names the patient and a diagnosis, padded to {@code size} bytes. */
  private static byte[] clinicalDocument(int size) {
    byte[] text =
        ("Discharge summary for "
                + PATIENT_NAME
                + " ("
                + SHARED_PATIENT
                + "). "
                + CLINICAL_TEXT
                + ".\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] document = new byte[size];
    for (int i = 0; i < size; i++) {
      document[i] = text[i % text.length];
    }
    return document;
  }

  /**
   * Patient identity apart: after the end-to-end runs above, neither any member's chain (every
   * block's header, transactions and certificate, as the ledger tables hold them) nor any
   * federation message a member received (kept by a divert, read from the broker's own files) holds
   * a patient id, the patient's name, a title or the document text. Positive controls show that the
   * scan reads what it should: the chain does hold the patient's pseudonym, and the broker files do
   * hold a record id that travelled in the messages.
   */
  /**
   * The admin console at hospital-a in a real headless Chromium, as a new user would use it: the
   * credentials are the ones {@code federation.sh up} generated and wrote to console-admin.txt (as
   * the README says). Signs in, sees the node, the three peers reachable, both channels, runs a
   * verification to OK, sees an open request for hospital-a, finds clinic-b's access to shared-1
   * and the patient's events by pseudonym in the audit log, signs out; a clinician is refused and
   * an auditor gets the read-only view. Screenshots of each page: target/console-screenshots.
   */
  @Test
  @Order(6)
  void theAdminConsoleInARealBrowser() throws Exception {
    String[] admin = consoleAdmin("hospital-a");
    String consoleUrl = admin[1];
    assertThat(consoleUrl)
        .isEqualTo("https://127.0.0.1:" + (FED.httpPort(0) + 363) + "/careledger/console/");
    String password = ManagementCli.randomPassword();
    FED.addUser(0, "console-clinician", "clinician", null, password);
    FED.addUser(0, "console-auditor", "auditor", null, password);

    // An open request waiting for hospital-a.
    HttpResponse<String> registered =
        FED.register(0, "care-bft", "console-1", SHARED_PATIENT, clinicalDocument(1024));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    awaitRecord(1, "care-bft", "console-1");
    String requestId = requestAs(1, "console-1", "TREAT");
    awaitUntil(
        () -> FED.get(0, "/channels/care-bft/requests?status=open").body().contains(requestId),
        "the request is open at hospital-a");
    // The same patient as shared-1's: the same pseudonym on the channel.
    String pseudonym = Http.json(registered).path("patient").asText();
    assertThat(pseudonym).isNotBlank();

    Path screenshots =
        Path.of(System.getProperty("it.nodes")).resolveSibling("console-screenshots");
    try (ConsoleBrowser browser = new ConsoleBrowser(screenshots)) {
      browser.signInAndCheckNode(consoleUrl, admin[2], admin[3], "hospital-a");
      browser.checkPeers(List.of("clinic-b", "pharmacy-c", "insurer-d"));
      browser.checkChannels(Map.of("care-bft", "BFT", "care-trio", "unanimity"));
      String verified = browser.verify("care-bft");
      assertThat(verified).startsWith("OK");
      browser.checkOpenRequest(requestId);
      assertThat(browser.grant(requestId)).contains("clinic-b").contains("console-1");
      assertThat(browser.findAccess("care-bft", "shared-1", "access-logged", "clinic-b"))
          .isGreaterThanOrEqualTo(1);
      browser.findByPatient("care-bft", pseudonym);
      browser.signOut();
      browser.refusedAs(consoleUrl, "console-clinician", password);
      browser.auditorIsReadOnly(consoleUrl, "console-auditor", password);
    }
    // The grant given in the console is on the chain, as clinic-b holds it.
    awaitUntil(
        () -> {
          for (JsonNode request : Http.json(FED.get(1, "/channels/care-bft/requests"))) {
            if (request.path("requestId").asText().equals(requestId)) {
              return request.path("status").asText().equals("granted")
                  && !request.path("decisionTx").asText().isBlank();
            }
          }
          return false;
        },
        "clinic-b holds the grant given in hospital-a's console");
    // The audit export the console links to: CSV with the access and the break-glass.
    HttpResponse<String> csv = FED.get(0, "/channels/care-bft/audit?recordId=shared-1&format=csv");
    assertThat(csv.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
    assertThat(csv.body().lines().findFirst())
        .hasValue("at,height,kind,recordId,patient,institution,subject,basis,reasonCode,txId");
    assertThat(csv.body())
        .contains(",access-logged,shared-1," + pseudonym + ",clinic-b,clinic-b,")
        .contains(",break-glass,shared-1," + pseudonym + ",insurer-d,");
  }

  @Test
  @Order(6)
  void noPatientIdNameTitleOrClinicalTextIsOnAnyChainOrInAnyFederationMessage() throws Exception {
    List<String> forbidden =
        List.of(
            SHARED_PATIENT,
            LARGE_PATIENT,
            "999990077",
            "999990078",
            "999990080",
            "999990081",
            CLASS_PATIENT,
            "999990082",
            CLASS_TITLE,
            "Quarzwerk",
            CLASS_TEXT,
            "transferrin saturation",
            PATIENT_NAME,
            "Mustermann",
            "Tumour board",
            CLINICAL_TEXT,
            "adenocarcinoma",
            SOAP_PATIENT,
            "999990091",
            AuthorizationMatrix.OWN_PATIENT,
            AuthorizationMatrix.OTHER_PATIENT,
            FHIR_PATIENT,
            "999990093",
            FHIR_TITLE,
            "Veltronakis",
            "MX-1001",
            "MX-2002");
    String pseudonym =
        Http.json(FED.findRecords(0, "care-bft", SHARED_PATIENT)).get(0).path("patient").asText();
    assertThat(pseudonym).matches("[0-9a-f]{64}");
    for (int node = 0; node < MEMBERS.size(); node++) {
      String member = MEMBERS.get(node);
      String chains = chainsAsStored(node);
      assertThat(chains).as("the chain of " + member + " holds the pseudonym").contains(pseudonym);
      for (String text : forbidden) {
        assertThat(chains).as("the chains of " + member).doesNotContain(text);
      }
      long captured = FED.captured(node);
      assertThat(captured).as("federation messages kept at " + member).isGreaterThan(10);
      List<String> sought = new ArrayList<>(forbidden);
      sought.add("shared-1");
      Set<String> found = foundInBrokerFiles(member, sought);
      assertThat(found)
          .as("the broker files of " + member + " hold the messages")
          .contains("shared-1");
      found.remove("shared-1");
      assertThat(found).as("patient data in federation messages received by " + member).isEmpty();
      System.out.printf(
          "[FederationIT] %s: %d federation messages and %d KiB of chain scanned%n",
          member, captured, chains.length() / 1024);
    }
  }

  /** Every block of every channel the node holds, as stored, decoded from base64url, as text. */
  private static String chainsAsStored(int node) throws Exception {
    StringBuilder all = new StringBuilder();
    for (String channel : List.of("care-bft", "care-trio")) {
      HttpResponse<String> view = FED.get(node, "/channels/" + channel);
      if (view.statusCode() == 404) {
        continue;
      }
      long height = Http.json(view).path("height").asLong();
      for (long h = 0; h <= height; h++) {
        JsonNode block = Http.json(FED.get(node, "/channels/" + channel + "/blocks/" + h));
        List<String> parts = new ArrayList<>();
        parts.add(block.path("header").asText());
        parts.add(block.path("certificate").asText());
        block.path("transactions").forEach(t -> parts.add(t.asText()));
        for (String part : parts) {
          all.append(
              new String(
                  java.util.Base64.getUrlDecoder().decode(part),
                  java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    return all.toString();
  }

  /**
   * Which of {@code texts} (UTF-8) occur in the node's Artemis journal, paging and large-message
   * files, read block by block (the large document's chunks run to hundreds of MiB).
   */
  private static Set<String> foundInBrokerFiles(String member, List<String> texts)
      throws Exception {
    List<byte[]> patterns =
        texts.stream().map(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList();
    int overlap = patterns.stream().mapToInt(p -> p.length).max().orElse(1) - 1;
    Set<String> found = new HashSet<>();
    List<Path> files;
    try (Stream<Path> all = Files.walk(HOME.resolve(member).resolve("server/data/activemq"))) {
      files = all.filter(Files::isRegularFile).toList();
    }
    byte[] block = new byte[(8 << 20) + overlap];
    for (Path file : files) {
      try (java.io.InputStream in = Files.newInputStream(file)) {
        int kept = 0;
        for (int n; (n = in.readNBytes(block, kept, block.length - kept)) > 0; ) {
          int length = kept + n;
          String text = new String(block, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
          for (int i = 0; i < patterns.size(); i++) {
            if (text.contains(
                new String(patterns.get(i), java.nio.charset.StandardCharsets.ISO_8859_1))) {
              found.add(texts.get(i));
            }
          }
          // The end of this block again at the start of the next: no match is cut in two.
          kept = Math.min(overlap, length);
          System.arraycopy(block, length - kept, block, 0, kept);
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        // a journal file the broker compacted away while we listed
      }
    }
    return found;
  }

  /**
   * Security: a member cannot read what goes on in a channel it is not in. insurer-d shares
   * care-bft with the others but is not in care-trio: a record hospital-a registers there is
   * unknown to insurer-d's API (the channel, its records, a request for it: all refused with their
   * codes), and nothing of that channel — not its id, not the record's — ever reaches insurer-d's
   * broker, while clinic-b's holds both and insurer-d's holds care-bft's traffic.
   */
  @Test
  @Order(6)
  void aMemberOutsideAChannelCanNeitherReadItNorReceiveAnythingOfIt() throws Exception {
    String recordId = "trio-only-1";
    HttpResponse<String> registered =
        FED.register(
            0, "care-trio", recordId, "999990095", "trio only".getBytes(StandardCharsets.UTF_8));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    awaitRecord(1, "care-trio", recordId);

    HttpResponse<String> channel = FED.get(3, "/channels/care-trio");
    assertThat(channel.statusCode()).as(channel.body()).isEqualTo(404);
    assertThat(channel.body()).contains("CL-");
    HttpResponse<String> records = FED.get(3, "/channels/care-trio/records");
    assertThat(records.statusCode()).as(records.body()).isIn(403, 404);
    assertThat(records.body()).doesNotContain(recordId);
    HttpResponse<String> record =
        FED.get(3, "/channels/care-trio/records/" + recordId + "/content");
    assertThat(record.statusCode()).as(record.body()).isIn(403, 404);
    HttpResponse<String> request =
        FED.post(
            3,
            "/channels/care-trio/requests",
            "{\"recordId\":\"" + recordId + "\",\"purpose\":\"TREAT\"}");
    assertThat(request.statusCode()).as(request.body()).isIn(403, 404);
    assertThat(request.body()).contains("CL-");

    Set<String> atInsurer =
        foundInBrokerFiles("insurer-d", List.of("care-bft", "care-trio", recordId));
    assertThat(atInsurer).as("insurer-d's broker files").containsExactly("care-bft");
    Set<String> atClinic = foundInBrokerFiles("clinic-b", List.of("care-trio", recordId));
    assertThat(atClinic).as("clinic-b's broker files").contains("care-trio", recordId);
  }

  /**
   * Security: nothing in plain text. Once a node's TLS is configured its plain HTTP port is closed
   * (configure-tls.cli removes the listener and the remoting connector on it): a REST, SOAP or
   * console client, remote JNDI over {@code remote+http} and an Artemis connection (the HTTP
   * upgrade a bridge makes) are all refused before a byte is sent. On the HTTPS port the broker
   * takes the upgrade to CareLedger's TLS acceptor (101) and not to WildFly's default acceptor,
   * which configure-node.cli removed.
   */
  @Test
  @Order(6)
  void everyNodeServesOnlyTlsAndItsBrokerTakesOnlyTheTlsAcceptor() throws Exception {
    for (int node = 0; node < MEMBERS.size(); node++) {
      String member = MEMBERS.get(node);
      int plain = FED.httpPort(node);
      assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", plain).close())
          .as(member + ": the plain HTTP port " + plain + " is closed")
          .isInstanceOf(java.net.ConnectException.class);
      assertThatThrownBy(() -> Http.get("http://127.0.0.1:" + plain + "/careledger/api/v1/node"))
          .as(member + ": REST over plain HTTP")
          .isInstanceOf(java.net.ConnectException.class);
      HttpResponse<String> overTls =
          Http.get("https://127.0.0.1:" + FED.httpsPort(node) + "/careledger/api/v1/node");
      assertThat(overTls.statusCode()).as(member + ": REST over HTTPS").isEqualTo(200);
      assertThat(artemisUpgrade(node, "http-acceptor"))
          .as(member + ", HTTPS, WildFly's default acceptor")
          .doesNotStartWith("HTTP/1.1 101");
      assertThat(artemisUpgrade(node, "careledger-https-acceptor"))
          .as(member + ", HTTPS, CareLedger's TLS acceptor")
          .startsWith("HTTP/1.1 101");
    }
  }

  /**
   * Security: a server with a valid certificate from another CA cannot join, inject or read. It
   * holds its own CA ("Foreign Health CA") and a TLS key and an Ed25519 signing key certified by it
   * for the name "pharmacy-c", and connects to hospital-a's broker as a bridge does (remote JNDI
   * over remote+https, the exported TLS connection factory), presenting its foreign TLS key.
   *
   * <ul>
   *   <li>join: without a bridge account of hospital-a's it is refused at authentication;
   *   <li>inject: even with one (the worst case: an account it was given or stole; here
   *       "bridge-foreign-e", role careledger-bridge as federation.sh makes them) its messages are
   *       delivered to hospital-a and dropped there, each with its code in the log — a ping in an
   *       envelope signed by its key claiming pharmacy-c (CL-1526), claiming its own name
   *       (CL-1525), and a bare ping with no envelope (CL-1520) — while pharmacy-c's real ping,
   *       sent after them, arrives;
   *   <li>read: it cannot consume from hospital-a's outbound queue to pharmacy-c (care-trio's
   *       traffic) nor from hospital-a's inbound queue: the broker refuses the permission.
   * </ul>
   */
  @Test
  @Order(6)
  void aNodeWithACertificateFromAnotherCaCannotJoinInjectOrRead() throws Exception {
    int hospital = 0;
    HttpResponse<String> served =
        Http.get("https://127.0.0.1:" + FED.httpsPort(hospital) + "/careledger/api/v1/node");
    X509Certificate hospitalTls =
        (X509Certificate) served.sslSession().orElseThrow().getPeerCertificates()[0];
    ForeignNode foreign = new ForeignNode(HOME.resolve("foreign-e"), "pharmacy-c", hospitalTls);
    assertThat(foreign.signingCertificate().getSubjectX500Principal().getName())
        .contains("CN=pharmacy-c");
    assertThat(foreign.signingCertificate().getIssuerX500Principal().getName())
        .contains("Foreign Health CA");
    String url = "remote+https://127.0.0.1:" + FED.httpsPort(hospital);
    String user = "bridge-foreign-e";
    String password = ManagementCli.randomPassword();

    // Join: no account of hospital-a's, no connection.
    assertThat(
            foreign.jms(
                url,
                user,
                password,
                "send",
                foreign.file("x", new byte[] {1}).toString(),
                "pharmacy-c"))
        .startsWith("REFUSED");

    Path users = HOME.resolve("hospital-a/server/configuration/application-users.properties");
    Path roles = HOME.resolve("hospital-a/server/configuration/application-roles.properties");
    String usersBefore = Files.readString(users);
    String rolesBefore = Files.readString(roles);
    try {
      String digest =
          java.util.HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("MD5")
                      .digest(
                          (user + ":ApplicationRealm:" + password)
                              .getBytes(StandardCharsets.UTF_8)));
      Files.writeString(users, usersBefore + "\n" + user + "=" + digest + "\n");
      Files.writeString(roles, rolesBefore + "\n" + user + "=careledger-bridge\n");
      FED.cliScript(hospital, "/subsystem=elytron/properties-realm=ApplicationRealm:load");

      // Inject: delivered, and dropped with its code; the real member's ping still arrives.
      Path log = HOME.resolve("hospital-a/server/log/server.log");
      long codesBefore = countCodes(log);
      java.security.SecureRandom random = new java.security.SecureRandom();
      List<String> forged = new ArrayList<>();
      List<Path> payloads = new ArrayList<>();
      for (String sender : List.of("pharmacy-c", "foreign-e", "")) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        forged.add(java.util.HexFormat.of().formatHex(nonce));
        byte[] bytes =
            sender.isEmpty()
                ? foreign.bare(nonce)
                : foreign.signedPing("local-demo", sender, nonce);
        payloads.add(foreign.file("forged-" + forged.size(), bytes));
      }
      for (Path payload : payloads) {
        assertThat(foreign.jms(url, user, password, "send", payload.toString(), "pharmacy-c"))
            .as("the broker takes the message of an account it knows")
            .isEqualTo("SENT");
      }
      awaitUntil(
          () -> countCodes(log) - codesBefore >= 3,
          "hospital-a logs the three forged messages as dropped");
      String dropped = Files.readString(log);
      assertThat(dropped).contains("CL-1526: dropped a federation message");
      assertThat(dropped).contains("CL-1525: dropped a federation message");
      assertThat(dropped).contains("CL-1520: dropped a federation message");
      JsonNode real = ping(2, "hospital-a");
      awaitPings(hospital, List.of(real.path("nonce").asText()));
      JsonNode received = Http.json(FED.get(hospital, "/federation/pings"));
      for (JsonNode ping : received) {
        assertThat(forged).as("forged pings received").doesNotContain(ping.path("nonce").asText());
      }

      // Read: no permission to consume anything, not even with the account.
      for (String queue : List.of("CareLedgerOutbound.pharmacy-c", "CareLedgerFederationInbound")) {
        assertThat(foreign.jms(url, user, password, "consume", queue))
            .as("consuming " + queue)
            .startsWith("REFUSED")
            .containsIgnoringCase("permission");
      }
    } finally {
      Files.writeString(users, usersBefore);
      Files.writeString(roles, rolesBefore);
      FED.cliScript(hospital, "/subsystem=elytron/properties-realm=ApplicationRealm:load");
    }
  }

  /** How many federation messages a node's log shows as dropped with a code so far. */
  private static long countCodes(Path log) throws java.io.IOException {
    return Pattern.compile("CL-15\\d\\d: dropped a federation message")
        .matcher(Files.readString(log))
        .results()
        .count();
  }

  /** The status line a node answers to Artemis's HTTP upgrade request (as NettyConnector sends). */
  private static String artemisUpgrade(int node, String endpoint) throws Exception {
    int port = FED.httpsPort(node);
    byte[] nonce = new byte[16];
    new java.security.SecureRandom().nextBytes(nonce);
    try (java.net.Socket socket =
        Http.trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      String request =
          "GET / HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nUpgrade: activemq-remoting\r\nConnection: Upgrade\r\nhttpUpgradeEndpoint: "
              + endpoint
              + "\r\nSec-ActiveMQRemoting-Key: "
              + java.util.Base64.getEncoder().encodeToString(nonce)
              + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      StringBuilder line = new StringBuilder();
      for (int c; (c = socket.getInputStream().read()) >= 0 && c != '\n'; ) {
        line.append((char) c);
      }
      return line.toString().strip();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Channel governance: the unanimity channel admits insurer-d by its members' approvals, runs as
  // a BFT channel of four with it, and removes it again.
  // ------------------------------------------------------------------------------------------

  @Test
  @Order(7)
  void aFourthInstitutionJoinsTheUnanimityChannelByItsMembersApprovalsAndIsRemovedAgain()
      throws Exception {
    int insurer = 3;
    JsonNode certificates =
        Http.json(
            Http.get(
                "https://127.0.0.1:"
                    + FED.httpsPort(insurer)
                    + "/careledger/api/v1/node/certificates"));
    JsonNode artemis =
        Http.JSON
            .readTree(HOME.resolve("federation.json").toFile())
            .path("members")
            .get(insurer)
            .path("artemis");
    ObjectNode add = Http.JSON.createObjectNode();
    add.put("change", "add-member");
    add.put("institution", "insurer-d");
    add.put("signingCertificate", certificates.path("signingCertificate").asText());
    add.put("agreementCertificate", certificates.path("agreementCertificate").asText());
    add.set("bridge", artemis);

    // insurer-d cannot propose on a channel it does not run; hospital-a proposes.
    HttpResponse<String> proposed =
        FED.post(0, "/channels/care-trio/config-updates?wait=90", add.toString());
    assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(201);
    JsonNode status = Http.json(proposed);
    String proposal = status.path("proposal").asText();
    assertThat(status.path("state").asText()).isEqualTo("pending");
    assertThat(status.path("needed").asInt()).as("unanimity of the three").isEqualTo(3);

    HttpResponse<String> again =
        FED.post(0, "/channels/care-trio/config-updates/" + proposal + "/approvals?wait=90");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(Http.json(again).path("code").asText()).isEqualTo("CL-1452");
    HttpResponse<String> duplicate =
        FED.post(1, "/channels/care-trio/config-updates?wait=90", add.toString());
    assertThat(Http.json(approve(1, proposal)).path("state").asText()).isEqualTo("pending");
    assertThat(duplicate.statusCode())
        .as("a second proposal while one is pending is fine; it is voided when one applies")
        .isEqualTo(201);
    JsonNode applied = Http.json(approve(2, proposal));
    assertThat(applied.path("state").asText()).isEqualTo("applied");
    long admittedAt = applied.path("configuration").path("since").asLong();
    assertThat(applied.path("configuration").path("mode").asText()).isEqualTo("bft");
    assertThat(applied.path("configuration").path("members")).hasSize(4);
    assertThat(applied.path("configuration").path("pending"))
        .as("the second proposal is void once the first applies")
        .isEmpty();

    // insurer-d's operator adds the channel to its node's descriptor; the running node reads the
    // changed file (no restart: its other channels go on), takes the chain from genesis by
    // synchronisation and votes from the height it was admitted.
    Path descriptor = HOME.resolve("insurer-d").resolve("federation.json");
    ObjectNode json = (ObjectNode) Http.JSON.readTree(descriptor.toFile());
    for (JsonNode channel : json.path("channels")) {
      if (channel.path("id").asText().equals("care-trio")) {
        ((ObjectNode) channel).putArray("joined").add("insurer-d");
      }
    }
    long pid = FED.pids().get(insurer);
    Path written = descriptor.resolveSibling("federation.json.tmp");
    Files.writeString(written, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    Files.move(written, descriptor, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

    awaitUntil(
        () -> {
          HttpResponse<String> config = FED.get(insurer, "/channels/care-trio/config");
          return config.statusCode() == 200
              && Http.json(config).path("configId").asText().equals(proposal);
        },
        "insurer-d takes care-trio's chain up to its admission");
    HttpResponse<String> atInsurer =
        FED.submitAsync(insurer, "care-trio", "joined-d", 120).get(150, TimeUnit.SECONDS);
    assertThat(atInsurer.statusCode()).as(atInsurer.body()).isEqualTo(201);
    assertThat(Http.json(atInsurer).path("height").asLong()).isGreaterThanOrEqualTo(admittedAt);
    awaitSameChains(
        "care-trio",
        List.of(0, 1, 2, insurer),
        List.of(Http.json(atInsurer).path("txId").asText()));
    assertThat(FED.pids().get(insurer)).as("insurer-d's node was not restarted").isEqualTo(pid);
    for (int node : List.of(0, 1, 2, insurer)) {
      JsonNode verified = Http.json(FED.post(node, "/channels/care-trio/verify"));
      assertThat(verified.path("ok").asBoolean()).as(MEMBERS.get(node) + ": " + verified).isTrue();
      JsonNode config = Http.json(FED.get(node, "/channels/care-trio/config"));
      assertThat(config.path("members")).as(MEMBERS.get(node)).hasSize(4);
      assertThat(config.path("configId").asText()).isEqualTo(proposal);
    }

    // Removed by the other three: its later transactions are refused, blocks need the three.
    // hospital-a's admin proposes the removal in the console (a member it has not is refused).
    String[] admin = consoleAdmin("hospital-a");
    String removalId;
    Path screenshots =
        Path.of(System.getProperty("it.nodes")).resolveSibling("console-screenshots");
    try (ConsoleBrowser browser = new ConsoleBrowser(screenshots.resolve("governance"))) {
      browser.signInAndCheckNode(admin[1], admin[2], admin[3], "hospital-a");
      ConsoleBrowser.Proposal stranger = browser.propose("care-trio", "remove-member", "lab-z");
      assertThat(stranger.state()).as(stranger.text()).isNull();
      assertThat(stranger.text()).startsWith("CL-1450").contains("lab-z");
      ConsoleBrowser.Proposal removal = browser.propose("care-trio", "remove-member", "insurer-d");
      assertThat(removal.state()).as(removal.text()).isEqualTo("pending");
      assertThat(removal.text()).contains("1 of 3 approvals").contains("hospital-a");
      removalId = removal.proposal();
      ConsoleBrowser.Pending listed = browser.pendingUpdate("care-trio", removalId);
      assertThat(listed.text()).contains("remove-member").contains("insurer-d");
      assertThat(listed.approvable()).as("the proposer has approved already").isFalse();
    }
    assertThat(Http.json(FED.get(1, "/channels/care-trio/config")).path("pending"))
        .as("clinic-b holds the console's proposal")
        .anyMatch(u -> u.path("proposal").asText().equals(removalId));
    HttpResponse<String> byInsurer =
        FED.post(insurer, "/channels/care-trio/config-updates/" + removalId + "/approvals");
    assertThat(byInsurer.statusCode()).as(byInsurer.body()).isEqualTo(409);
    assertThat(Http.json(approve(1, removalId)).path("state").asText()).isEqualTo("pending");
    JsonNode removed = Http.json(approve(2, removalId));
    assertThat(removed.path("state").asText()).isEqualTo("applied");
    assertThat(removed.path("configuration").path("mode").asText()).isEqualTo("unanimity");

    awaitUntil(
        () ->
            Http.json(FED.get(insurer, "/channels/care-trio/config"))
                .path("configId")
                .asText()
                .equals(removalId),
        "insurer-d applies its removal");
    HttpResponse<String> refused =
        FED.submitAsync(insurer, "care-trio", "removed-d", 30).get(60, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(Http.json(refused).path("code").asText()).isEqualTo("CL-1153");
    assertThat(refused.body()).contains("not a member");
    HttpResponse<String> atHospital =
        FED.submitAsync(0, "care-trio", "after-d", 60).get(90, TimeUnit.SECONDS);
    assertThat(atHospital.statusCode()).as(atHospital.body()).isEqualTo(201);
    JsonNode block =
        Http.json(
            FED.get(
                0, "/channels/care-trio/blocks/" + Http.json(atHospital).path("height").asLong()));
    assertThat(block.path("signers"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("hospital-a", "clinic-b", "pharmacy-c");
    for (int node : List.of(0, 1, 2)) {
      JsonNode verified = Http.json(FED.post(node, "/channels/care-trio/verify"));
      assertThat(verified.path("ok").asBoolean()).as(MEMBERS.get(node) + ": " + verified).isTrue();
    }
  }

  /**
   * {@code console-admin.txt}'s line for {@code institution}: name, console URL, user, password.
   */
  private static String[] consoleAdmin(String institution) throws IOException {
    return Files.readAllLines(HOME.resolve("console-admin.txt")).stream()
        .filter(line -> line.startsWith(institution + " "))
        .findFirst()
        .orElseThrow()
        .split(" ");
  }

  @Test
  @Order(8)
  void aConsentPolicyChangedByTheMembersGovernsGrantsFromItsHeight() throws Exception {
    String patient = "urn:oid:1.2.3|999990096";
    String before = trioRequest("trio-policy-1", patient);
    HttpResponse<String> allowed =
        FED.post(0, "/channels/care-trio/requests/" + before + "/grant", "{}");
    assertThat(allowed.statusCode()).as("the open policy: " + allowed.body()).isEqualTo(200);
    String after = trioRequest("trio-policy-2", patient);

    // From now on pharmacy-c may be granted dispensing records (57833-6) only.
    String policy =
        "{\"roles\":{\"pharmacy-c\":\"pharmacy\"},\"rules\":[{\"role\":\"pharmacy\","
            + "\"documentClasses\":[\"57833-6\"],\"purposes\":[\"TREAT\"]}]}";
    HttpResponse<String> proposed =
        FED.post(
            0,
            "/channels/care-trio/config-updates?wait=90",
            "{\"change\":\"consent-policy\",\"consentPolicy\":" + policy + "}");
    assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(201);
    String proposal = Http.json(proposed).path("proposal").asText();
    approve(1, proposal);
    assertThat(Http.json(approve(2, proposal)).path("state").asText()).isEqualTo("applied");
    awaitUntil(
        () ->
            Http.json(FED.get(0, "/channels/care-trio/config"))
                .path("configId")
                .asText()
                .equals(proposal),
        "hospital-a applies the new policy");
    assertThat(Http.json(FED.get(0, "/channels/care-trio/config")).path("consentPolicy"))
        .isEqualTo(Http.JSON.readTree(policy));

    HttpResponse<String> refused =
        FED.post(0, "/channels/care-trio/requests/" + after + "/grant", "{}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(Http.json(refused).path("code").asText()).isEqualTo("CL-1720");
    for (int node : List.of(0, 1, 2)) {
      JsonNode verified = Http.json(FED.post(node, "/channels/care-trio/verify"));
      assertThat(verified.path("ok").asBoolean()).as(MEMBERS.get(node) + ": " + verified).isTrue();
    }
  }

  /** A lab report registered by hospital-a on care-trio and pharmacy-c's open request for it. */
  private static String trioRequest(String recordId, String patient) throws Exception {
    HttpResponse<String> registered =
        FED.register(0, "care-trio", recordId, patient, clinicalDocument(512));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    awaitRecord(2, "care-trio", recordId);
    HttpResponse<String> requested =
        FED.post(
            2,
            "/channels/care-trio/requests",
            "{\"recordId\":\"" + recordId + "\",\"purpose\":\"TREAT\"}");
    assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
    String requestId = Http.json(requested).path("requestId").asText();
    awaitUntil(
        () -> FED.get(0, "/channels/care-trio/requests?status=open").body().contains(requestId),
        "pharmacy-c's request is open at hospital-a");
    return requestId;
  }

  private static HttpResponse<String> approve(int node, String proposal) throws Exception {
    HttpResponse<String> response =
        FED.post(node, "/channels/care-trio/config-updates/" + proposal + "/approvals?wait=90");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return response;
  }

  private static void assertRefused(int node, String recordId) throws Exception {
    HttpResponse<String> refused =
        FED.content(node, "care-bft", recordId, HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(Http.json(refused).path("code").asText()).isEqualTo("CL-1710");
  }

  private static void awaitRecord(int node, String channel, String recordId) throws Exception {
    awaitUntil(
        () ->
            FED.get(node, "/channels/" + channel + "/records")
                .body()
                .contains("\"" + recordId + "\""),
        MEMBERS.get(node) + " holds record " + recordId);
  }

  private static boolean hasTransaction(int node, String channel, String txId) throws Exception {
    return FED.get(node, "/channels/" + channel + "/transactions/" + txId + "/proof").statusCode()
        == 200;
  }

  private interface Check {
    boolean done() throws Exception;
  }

  private static void awaitUntil(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    while (!check.done()) {
      assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  /** {@code size} pseudo-random bytes, generated as they are read: never whole in memory. */
  static final class GeneratedDocument extends java.io.InputStream {
    private final long size;
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    GeneratedDocument(long size) {
      this.size = size;
    }

    static byte[] sha256(long size) throws Exception {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      try (GeneratedDocument in = new GeneratedDocument(size)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
      return digest.digest();
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      for (int i = 0; i < n; i++) {
        if (((position + i) & 7) == 0) {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
        }
        buffer[offset + i] = (byte) (state >>> (8 * ((position + i) & 7)));
      }
      position += n;
      return n;
    }
  }

  private static boolean sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }

  private static JsonNode awaitChannel(int node, String channel) throws Exception {
    long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
    HttpResponse<String> response;
    do {
      response = FED.get(node, "/channels/" + channel);
      if (response.statusCode() == 200) {
        return Http.json(response);
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        MEMBERS.get(node) + " has no channel " + channel + ": " + response.body());
  }

  /**
   * Waits until the given members hold chains of the same height that contain every one of {@code
   * txIds}, then checks that their blocks are byte-for-byte the same hashes at every height.
   *
   * @return each member's transaction ids in chain order
   */
  private static List<List<String>> awaitSameChains(
      String channel, List<Integer> nodes, List<String> txIds) throws Exception {
    return awaitSameChains(channel, nodes, txIds, DELIVERY_TIMEOUT);
  }

  private static List<List<String>> awaitSameChains(
      String channel, List<Integer> nodes, List<String> txIds, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Long> heights = new ArrayList<>();
      for (int node : nodes) {
        heights.add(Http.json(FED.get(node, "/channels/" + channel)).path("height").asLong());
      }
      if (heights.stream().distinct().count() == 1) {
        List<List<String>> chains = new ArrayList<>();
        List<List<String>> hashes = new ArrayList<>();
        for (int node : nodes) {
          List<String> ids = new ArrayList<>();
          List<String> blockHashes = new ArrayList<>();
          for (long h = 0; h <= heights.get(0); h++) {
            JsonNode block = Http.json(FED.get(node, "/channels/" + channel + "/blocks/" + h));
            blockHashes.add(block.path("hash").asText());
            block.path("txIds").forEach(id -> ids.add(id.asText()));
          }
          chains.add(ids);
          hashes.add(blockHashes);
        }
        if (chains.get(0).containsAll(txIds)) {
          for (int i = 1; i < nodes.size(); i++) {
            assertThat(hashes.get(i))
                .as(
                    "block hashes of "
                        + MEMBERS.get(nodes.get(i))
                        + " and "
                        + MEMBERS.get(nodes.get(0)))
                .isEqualTo(hashes.get(0));
          }
          return chains;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(channel + " did not converge: heights " + heights);
      }
      Thread.sleep(500);
    }
  }

  /**
   * The federation stays up for the next suites; what only this suite needed goes: the copies of
   * every inbound message (they would pile up under the resilience suite's load).
   */
  @AfterAll
  static void releaseWhatOnlyThisSuiteNeeded() throws Exception {
    if (FED != null) {
      for (int node = 0; node < MEMBERS.size(); node++) {
        FED.releaseCapture(node);
      }
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private static Path usersFile(String member) {
    return HOME.resolve(member).resolve("server/configuration/application-users.properties");
  }

  private static JsonNode ping(int from, String to) throws Exception {
    HttpResponse<String> response = FED.post(from, "/federation/ping/" + to);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode sent = Http.json(response);
    assertThat(sent.path("peer").asText()).isEqualTo(to);
    assertThat(sent.path("nonce").asText()).matches("[0-9a-f]{32}");
    return sent;
  }

  /** Polls the node's received pings until all {@code nonces} are there; returns those pings. */
  private static JsonNode awaitPings(int node, List<String> nonces) throws Exception {
    Instant deadline = Instant.now().plus(DELIVERY_TIMEOUT);
    JsonNode pings = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = FED.get(node, "/federation/pings");
      if (response.statusCode() == 200) {
        pings = Http.json(response);
        ArrayNode matching = Http.JSON.createArrayNode();
        for (JsonNode ping : pings) {
          if (nonces.contains(ping.path("nonce").asText())) {
            matching.add(ping);
          }
        }
        if (matching.size() == nonces.size()) {
          return matching;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        MEMBERS.get(node)
            + " did not receive "
            + nonces
            + " in "
            + DELIVERY_TIMEOUT
            + "; it has "
            + pings);
  }

  /** The node's JMS bridges with their runtime attributes, by name. */
  private static Map<String, JsonNode> bridges(String member) throws Exception {
    LocalFederation.Run run =
        FED.nodeSh(
            MEMBERS.indexOf(member),
            "cli",
            "--output-json",
            "--command=/subsystem=messaging-activemq:read-children-resources(child-type=jms-bridge, include-runtime=true)");
    assertThat(run.exitCode()).as(run.output()).isZero();
    JsonNode result = Http.JSON.readTree(run.output()).path("result");
    Map<String, JsonNode> bridges = new HashMap<>();
    result.fields().forEachRemaining(e -> bridges.put(e.getKey(), e.getValue()));
    return bridges;
  }

  private static LocalFederation.Run tool(String... args) throws Exception {
    Path jbossHome = Path.of(System.getProperty("jboss.home"));
    Path layers = jbossHome.resolve("modules/system/layers/base");
    String classpath =
        String.join(
            ":",
            Path.of(System.getProperty("careledger.node.sh"))
                .resolveSibling("target/classes")
                .toString(),
            only(layers.resolve("jakarta/json/api/main"), "jakarta.json-api-"),
            only(layers.resolve("org/eclipse/parsson/main"), "parsson-"));
    List<String> command =
        new ArrayList<>(
            List.of("java", "-cp", classpath, "org.careledger.federation.tool.FederationTool"));
    command.addAll(List.of(args));
    return FED.run(command, Map.of());
  }

  private static String only(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .findFirst()
          .orElseThrow()
          .toString();
    }
  }
}
