package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger on a running node (H2 and PostgreSQL): a single-member channel, transactions committed
 * in signed blocks, whole-chain verification, proof bundles checked by the standalone verifier jar,
 * coded refusals of bad input, and — on PostgreSQL, where the test can reach the database the
 * server uses — the append-only guard and byte-level tampering found by verify.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerIT {

  private static final String DB = System.getProperty("careledger.it.db");
  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");
  private static final String API = "http://127.0.0.1:" + (8080 + OFFSET) + "/careledger/api/v1";
  private static final String CHANNEL = "ch-it";
  private static final String PASSWORD = ManagementCli.randomPassword();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String[] TX_IDS = new String[5];

  @TempDir Path dir;

  @Deployment(testable = false)
  static EnterpriseArchive ear() {
    return Deployments.careledgerEar();
  }

  @Test
  @Order(1)
  void adminCreatesAChannelAndCommitsTransactions() throws Exception {
    ManagementCli.addIdentity("it-ops", PASSWORD, "admin", "auditor");
    ManagementCli.addIdentity("it-doctor", PASSWORD, "clinician");

    HttpResponse<String> created = post("it-ops", "/channels", "{\"channel\":\"" + CHANNEL + "\"}");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Http.json(created).path("height").asLong()).isZero();
    for (int i = 1; i <= 4; i++) {
      HttpResponse<String> committed =
          post("it-ops", "/channels/" + CHANNEL + "/transactions", register("r" + i));
      assertThat(committed.statusCode()).as(committed.body()).isEqualTo(201);
      JsonNode body = Http.json(committed);
      assertThat(body.path("height").asLong()).isEqualTo(i);
      TX_IDS[i] = body.path("txId").asText();
      assertThat(TX_IDS[i]).matches("[0-9a-f]{64}");
    }
  }

  @Test
  @Order(2)
  void theWholeChainVerifies() throws Exception {
    JsonNode result = verify();

    assertThat(result.path("ok").asBoolean()).as(result.toString()).isTrue();
    assertThat(result.path("blocksVerified").asLong()).isEqualTo(5);
    assertThat(result.path("transactionsVerified").asLong()).isEqualTo(5);
  }

  @Test
  @Order(2)
  void channelAndBlockEndpointsShowWhatWasCommitted() throws Exception {
    HttpResponse<String> channel = get("it-ops", "/channels/" + CHANNEL);
    assertThat(channel.statusCode()).as(channel.body()).isEqualTo(200);
    JsonNode detail = Http.json(channel);
    assertThat(detail.path("mode").asText()).isEqualTo("single");
    assertThat(detail.path("quorum").asInt()).isEqualTo(1);
    assertThat(detail.path("members").size()).isEqualTo(1);
    assertThat(detail.path("height").asLong()).isEqualTo(4);
    // No consensus round on a single-member channel (JSON-B leaves the null out).
    assertThat(detail.path("round").isNull() || detail.path("round").isMissingNode()).isTrue();

    HttpResponse<String> block = get("it-ops", "/channels/" + CHANNEL + "/blocks/3");
    assertThat(block.statusCode()).as(block.body()).isEqualTo(200);
    JsonNode view = Http.json(block);
    assertThat(view.path("height").asLong()).isEqualTo(3);
    assertThat(view.path("txIds").get(0).asText()).isEqualTo(TX_IDS[3]);
    assertThat(view.path("signers").get(0).asText())
        .isEqualTo(detail.path("members").get(0).path("institution").asText());
    HttpResponse<String> next = get("it-ops", "/channels/" + CHANNEL + "/blocks/4");
    assertThat(Http.json(next).path("previousHash").asText()).isEqualTo(view.path("hash").asText());
    assertThat(Http.json(next).path("hash").asText()).isEqualTo(detail.path("headHash").asText());

    HttpResponse<String> missing = get("it-ops", "/channels/" + CHANNEL + "/blocks/99");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("CL-1173");
    assertThat(get("it-doctor", "/channels/" + CHANNEL + "/blocks/3").statusCode()).isEqualTo(403);
  }

  @Test
  @Order(3)
  void aProofBundleFromTheNodeVerifiesWithTheStandaloneJarAndFailsWithOneByteChanged()
      throws Exception {
    HttpResponse<byte[]> proof =
        CLIENT.send(
            request("it-ops", "/channels/" + CHANNEL + "/transactions/" + TX_IDS[2] + "/proof")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(proof.statusCode()).isEqualTo(200);
    Path good = Files.write(dir.resolve("proof.json"), proof.body());
    byte[] tampered = proof.body().clone();
    tampered[tampered.length / 2] ^= 0x01;
    Path bad = Files.write(dir.resolve("proof-tampered.json"), tampered);

    VerifierJar.Result ok = VerifierJar.run(good);
    VerifierJar.Result failed = VerifierJar.run(bad);

    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output())
        .contains("OK transaction " + TX_IDS[2])
        .contains("is in block 2 of channel " + CHANNEL);
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output()).startsWith("FAILED CL-1161");
  }

  @Test
  @Order(4)
  void badInputIsRefusedWithItsCodeAndNothingIsStored() throws Exception {
    String path = "/channels/" + CHANNEL + "/transactions";
    HttpResponse<String> fraction =
        post("it-ops", path, register("x").replace("\"size\":123", "\"size\":1.5"));
    HttpResponse<String> missing =
        post("it-ops", path, "{\"type\":\"register\",\"body\":{\"recordId\":\"x\"}}");
    HttpResponse<String> unknownType =
        post("it-ops", path, "{\"type\":\"rewrite-history\",\"body\":{}}");
    HttpResponse<String> noChannel = post("it-ops", "/channels/none/transactions", register("x"));

    assertThat(fraction.statusCode()).isEqualTo(400);
    assertThat(Http.json(fraction).path("code").asText()).isEqualTo("CL-1100");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(Http.json(missing).path("code").asText()).isEqualTo("CL-1150");
    assertThat(fraction.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(unknownType.statusCode()).isEqualTo(400);
    assertThat(noChannel.statusCode()).isEqualTo(404);
    assertThat(Http.json(noChannel).path("code").asText()).isEqualTo("CL-1170");
    assertThat(verify().path("blocksVerified").asLong()).as("no block was added").isEqualTo(5);
  }

  @Test
  @Order(5)
  void aBatchCommitsEveryEntryInOrderOrNothingWhenOneIsRefused() throws Exception {
    String channel = "ch-batch";
    assertThat(post("it-ops", "/channels", "{\"channel\":\"" + channel + "\"}").statusCode())
        .isEqualTo(201);
    String path = "/channels/" + channel + "/transaction-batches";

    // Entry 1 lacks its fields: refused before anything is signed.
    HttpResponse<String> malformed =
        post(
            "it-ops",
            path,
            batch(register("b1"), "{\"type\":\"register\",\"body\":{\"recordId\":\"x\"}}"));
    // Entry 2 amends a record no chain holds: refused by the record rules only after entries 0
    // and 1 were appended in the same database transaction, which must roll back.
    String amendUnknown =
        "{\"type\":\"amend\",\"body\":{\"recordId\":\"nowhere\",\"version\":2,"
            + "\"previousVersion\":1,\"contentHash\":\""
            + "ab".repeat(32)
            + "\",\"envelopeHash\":\""
            + "ef".repeat(32)
            + "\",\"size\":9,\"mediaType\":\"application/pdf\",\"grantEnvelopes\":{}}}";
    HttpResponse<String> conflicting =
        post("it-ops", path, batch(register("b1"), register("b2"), amendUnknown));
    String[] many = new String[1_001];
    java.util.Arrays.fill(many, register("b9"));
    HttpResponse<String> tooMany = post("it-ops", path, batch(many));
    HttpResponse<String> empty = post("it-ops", path, "{\"transactions\":[]}");
    HttpResponse<String> byClinician = post("it-doctor", path, batch(register("b1")));

    assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
    assertThat(Http.json(malformed).path("code").asText()).isEqualTo("CL-1150");
    assertThat(malformed.body()).contains("transactions[1]");
    assertThat(conflicting.statusCode()).as(conflicting.body()).isEqualTo(404);
    assertThat(Http.json(conflicting).path("code").asText()).isEqualTo("CL-1172");
    assertThat(conflicting.body()).contains("transactions[2]");
    assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(413);
    assertThat(Http.json(tooMany).path("code").asText()).isEqualTo("CL-1154");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(byClinician.statusCode()).isEqualTo(403);
    assertThat(Http.json(get("it-ops", "/channels/" + channel)).path("height").asLong())
        .as("no refused batch left a block")
        .isZero();

    HttpResponse<String> committed =
        post("it-ops", path, batch(register("b1"), register("b2"), register("b3")));

    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(201);
    JsonNode entries = Http.json(committed).path("committed");
    assertThat(entries.size()).isEqualTo(3);
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      assertThat(entries.get(i).path("height").asLong()).isEqualTo(i + 1L);
      ids.add(entries.get(i).path("txId").asText());
      HttpResponse<String> block = get("it-ops", "/channels/" + channel + "/blocks/" + (i + 1));
      assertThat(Http.json(block).path("txIds").get(0).asText())
          .isEqualTo(entries.get(i).path("txId").asText());
    }
    assertThat(ids).hasSize(3);
    HttpResponse<String> verified = post("it-ops", "/channels/" + channel + "/verify", "");
    assertThat(Http.json(verified).path("ok").asBoolean()).as(verified.body()).isTrue();
    assertThat(Http.json(verified).path("transactionsVerified").asLong()).isEqualTo(4);
  }

  private static String batch(String... entries) {
    return "{\"transactions\":[" + String.join(",", entries) + "]}";
  }

  @Test
  @Order(5)
  void aClinicianCanNeitherCreateChannelsNorCommitTransactions() throws Exception {
    assertThat(post("it-doctor", "/channels", "{\"channel\":\"ch-other\"}").statusCode())
        .isEqualTo(403);
    assertThat(
            post("it-doctor", "/channels/" + CHANNEL + "/transactions", register("y")).statusCode())
        .isEqualTo(403);
  }

  @Test
  @Order(6)
  void postgresqlRefusesToUpdateOrDeleteLedgerRows() throws Exception {
    assumeTrue(DB.equals("postgresql"), "the append-only trigger exists on PostgreSQL only");
    try (Connection db = database();
        Statement sql = db.createStatement()) {
      assertThatThrownBy(
              () -> sql.executeUpdate("UPDATE cl_block SET tx_count = 7 WHERE height = 1"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> sql.executeUpdate("DELETE FROM cl_ledger_tx"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> sql.executeUpdate("TRUNCATE cl_block CASCADE"))
          .hasMessageContaining("append-only");
    }
  }

  @Test
  @Order(7)
  void aByteChangedInAStoredTransactionIsFound() throws Exception {
    assertTamperingFound(
        "cl_ledger_tx",
        "tx_bytes",
        3,
        bytes -> replaceFirst(bytes, "\"r3\"", "\"r8\""),
        "TRANSACTION_ROOT");
  }

  @Test
  @Order(8)
  void aByteChangedInAStoredBlockHeaderIsFound() throws Exception {
    assertTamperingFound(
        "cl_block", "header_bytes", 2, bytes -> bumpDigitAfter(bytes, "\"time\":"), "CERTIFICATE");
  }

  @Test
  @Order(9)
  void aBitChangedInAStoredTransactionSignatureIsFound() throws Exception {
    assertTamperingFound(
        "cl_ledger_tx",
        "tx_bytes",
        4,
        bytes -> flipCharAfter(bytes, "\"sig\":\""),
        "TRANSACTION_ROOT");
  }

  @Test
  @Order(10)
  void aBitChangedInAStoredCommitCertificateIsFound() throws Exception {
    assertTamperingFound(
        "cl_block",
        "certificate_bytes",
        1,
        bytes -> flipCharAfter(bytes, "\"sig\":\""),
        "CERTIFICATE");
  }

  @Test
  @Order(11)
  void aDocumentIsStoredEncryptedAndReadBackByteForByte() throws Exception {
    byte[] document = randomDocument(3 * 1024 * 1024 + 5);

    HttpResponse<String> registered = upload("lab-1", PATIENT_ID, document);

    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String hash = Http.json(registered).path("contentHash").asText();
    String pseudonym = Http.json(registered).path("patient").asText();
    assertThat(pseudonym).matches("[0-9a-f]{64}");
    // The patient id, title and clinical date stay at the provider: no block holds them, only the
    // channel's pseudonym of the patient.
    String served = allBlocks();
    String transactions = blockTransactions();
    assertThat(transactions).contains("\"patient\":\"" + pseudonym + "\"");
    for (String secret : List.of(PATIENT_ID, "999990042", "Tumour board", "1970-02-03")) {
      assertThat(served).doesNotContain(secret);
      assertThat(transactions).doesNotContain(secret);
    }
    // Found by the patient's id (compared as its pseudonym), class and registration time.
    JsonNode found = find(PATIENT_ID, "documentClass=11502-2&from=2000-01-01");
    assertThat(found).hasSize(1);
    assertThat(found.get(0).path("recordId").asText()).isEqualTo("lab-1");
    assertThat(found.get(0).path("patient").asText()).isEqualTo(pseudonym);
    assertThat(found.get(0).path("contentHash").asText()).isEqualTo(hash);
    assertThat(found.get(0).path("title").asText()).isEqualTo("Tumour board \u2014 summary");
    assertThat(found.get(0).path("documentDate").asText()).isEqualTo("1970-02-03");
    assertThat(found.get(0).path("erased").asBoolean()).isFalse();
    assertThat(find("urn:oid:2.16.840.1.113883.2.4.6.3|999990043", "")).isEmpty();
    assertThat(find(PATIENT_ID, "documentClass=18842-5")).isEmpty();
    assertThat(find(PATIENT_ID, "to=2000-01-01")).isEmpty();
    if (DB.equals("postgresql")) {
      try (Connection db = database();
          PreparedStatement sql =
              db.prepareStatement(
                  "SELECT i.patient_id, m.title FROM cl_patient_identity i"
                      + " JOIN cl_record_metadata m ON m.pseudonym = i.pseudonym"
                      + " WHERE i.pseudonym = ? AND m.record_id = 'lab-1'")) {
        sql.setString(1, pseudonym);
        try (ResultSet rs = sql.executeQuery()) {
          assertThat(rs.next()).as("the provider's identity table knows the patient").isTrue();
          assertThat(rs.getString(1)).isEqualTo(PATIENT_ID);
          assertThat(rs.getString(2)).isEqualTo("Tumour board \u2014 summary");
        }
      }
    }
    Path file =
        documents().resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash);
    assertThat(file).exists();
    assertThat(Files.size(file)).isGreaterThan(document.length);
    HttpResponse<byte[]> content =
        CLIENT.send(
            request("it-ops", "/channels/" + CHANNEL + "/records/lab-1/content").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(document);
    // Even the provider's own read is an access on the chain, named in the response.
    String accessTx = content.headers().firstValue("CareLedger-Access-Tx").orElseThrow();
    JsonNode accesses =
        Http.json(get("it-ops", "/channels/" + CHANNEL + "/records/lab-1/accesses"));
    assertThat(accesses).hasSize(1);
    assertThat(accesses.get(0).path("kind").asText()).isEqualTo("access-logged");
    assertThat(accesses.get(0).path("basis").asText()).isEqualTo("provider");
    assertThat(accesses.get(0).path("txId").asText()).isEqualTo(accessTx);
    // The auditor's query: by record, institution and time; a clinician may not run it.
    JsonNode audit = Http.json(get("it-ops", "/channels/" + CHANNEL + "/audit?recordId=lab-1"));
    assertThat(audit)
        .extracting(e -> e.path("kind").asText())
        .containsExactly("register", "access-logged");
    assertThat(audit.get(1).path("txId").asText()).isEqualTo(accessTx);
    assertThat(audit.get(1).path("subject").asText()).isEqualTo("it-" + DB);
    assertThat(
            Http.json(
                get(
                    "it-ops",
                    "/channels/" + CHANNEL + "/audit?recordId=lab-1&institution=it-" + DB)))
        .hasSize(2);
    assertThat(Http.json(get("it-ops", "/channels/" + CHANNEL + "/audit?institution=elsewhere")))
        .isEmpty();
    assertThat(Http.json(get("it-ops", "/channels/" + CHANNEL + "/audit?from=2999-01-01")))
        .isEmpty();
    assertThat(get("it-ops", "/channels/" + CHANNEL + "/audit?from=yesterday").statusCode())
        .isEqualTo(400);
    assertThat(get("it-doctor", "/channels/" + CHANNEL + "/audit").statusCode()).isEqualTo(403);
    assertThat(verify().path("ok").asBoolean()).isTrue();
  }

  @Test
  @Order(12)
  void aByteChangedInAStoredCiphertextIsFoundAndTheDocumentIsNotServed() throws Exception {
    Path file = storedDocument();
    byte[] original = Files.readAllBytes(file);
    byte[] tampered = original.clone();
    tampered[tampered.length / 3] ^= 0x01;
    Files.write(file, tampered);
    try {
      JsonNode result = verify();
      assertThat(result.path("ok").asBoolean()).isFalse();
      assertThat(result.path("failure").path("check").asText()).isEqualTo("STORED_DOCUMENT");
      assertThat(result.path("failure").path("code").asText()).isEqualTo("CL-1311");
      HttpResponse<String> content =
          CLIENT.send(
              request("it-ops", "/channels/" + CHANNEL + "/records/lab-1/content").GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(content.statusCode()).isEqualTo(500);
      assertThat(Http.json(content).path("code").asText()).isEqualTo("CL-1311");
    } finally {
      Files.write(file, original);
    }
    assertThat(verify().path("ok").asBoolean()).isTrue();
  }

  @Test
  @Order(13)
  void anUploadWithAMalformedPatientIdIsRefusedAndNothingIsStored() throws Exception {
    long filesBefore = storedFileCount();
    long blocksBefore = verify().path("blocksVerified").asLong();

    HttpResponse<String> refused = upload("lab-2", "jane doe 1970", randomDocument(1000));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Http.json(refused).path("code").asText()).isEqualTo("CL-1700");
    assertThat(refused.body()).doesNotContain("jane doe");
    HttpResponse<String> again = upload("lab-1", PATIENT_ID, randomDocument(1000));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(Http.json(again).path("code").asText()).isEqualTo("CL-1703");
    HttpResponse<String> badQuery =
        CLIENT.send(
            request("it-ops", "/channels/" + CHANNEL + "/records?from=yesterday").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(badQuery.statusCode()).isEqualTo(400);
    assertThat(Http.json(badQuery).path("code").asText()).isEqualTo("CL-1704");
    assertThat(storedFileCount()).isEqualTo(filesBefore);
    assertThat(verify().path("blocksVerified").asLong()).isEqualTo(blocksBefore);
  }

  @Test
  @Order(14)
  void erasureShredsTheDocumentAndTheChainStillVerifies() throws Exception {
    String hash = storedDocument().getFileName().toString();
    String path = "/channels/" + CHANNEL + "/records/lab-1";
    String reason = "{\"reasonCode\":\"patient-request\"}";

    HttpResponse<String> erased = post("it-ops", path + "/erase", reason);

    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    assertThat(Http.json(erased).path("txId").asText()).matches("[0-9a-f]{64}");
    assertThat(storedFileCount()).isZero();
    HttpResponse<String> content =
        CLIENT.send(
            request("it-ops", path + "/content").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(content.statusCode()).isEqualTo(410);
    assertThat(Http.json(content).path("code").asText()).isEqualTo("CL-1313");
    assertThat(post("it-ops", path + "/erase", reason).statusCode()).isEqualTo(410);
    JsonNode found = find(PATIENT_ID, "");
    assertThat(found.get(0).path("erased").asBoolean()).isTrue();
    assertThat(found.get(0).path("title").isMissingNode() || found.get(0).path("title").isNull())
        .as("the title went with the content")
        .isTrue();
    JsonNode result = verify();
    assertThat(result.path("ok").asBoolean()).as(result.toString()).isTrue();
    if (DB.equals("postgresql")) {
      try (Connection db = database();
          Statement sql = db.createStatement()) {
        try (ResultSet rs =
            sql.executeQuery("SELECT COUNT(*) FROM cl_key_envelope WHERE record_id = 'lab-1'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("key envelopes destroyed").isZero();
        }
        try (ResultSet rs =
            sql.executeQuery("SELECT erased_at FROM cl_blob WHERE content_hash = '" + hash + "'")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getTimestamp(1)).as("erasure recorded").isNotNull();
        }
        try (ResultSet rs =
            sql.executeQuery("SELECT COUNT(*) FROM cl_record_metadata WHERE record_id = 'lab-1'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("title and clinical date erased with the content").isZero();
        }
      }
    }
  }

  @Test
  @Order(15)
  void anAmendmentAddsTheNextVersionWhichReadsAndSearchesAsCurrent() throws Exception {
    byte[] first = randomDocument(200_000);
    HttpResponse<String> registered = upload("lab-3", PATIENT_ID, first);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String firstHash = Http.json(registered).path("contentHash").asText();
    byte[] second = randomDocument(1_500_001);

    // A clinician amends (the roles of register), naming the version amended.
    HttpResponse<String> amended =
        amend("it-doctor", "lab-3", "?previousVersion=1", "text/plain; charset=UTF-8", second);

    assertThat(amended.statusCode()).as(amended.body()).isEqualTo(201);
    JsonNode version = Http.json(amended);
    assertThat(version.path("version").asLong()).isEqualTo(2L);
    assertThat(version.path("previousVersion").asLong()).isEqualTo(1L);
    assertThat(version.path("mediaType").asText()).isEqualTo("text/plain");
    assertThat(version.path("grantees")).isEmpty();
    String secondHash = version.path("contentHash").asText();
    String amendTx = version.path("txId").asText();
    assertThat(secondHash).matches("[0-9a-f]{64}").isNotEqualTo(firstHash);
    assertThat(amendTx).matches("[0-9a-f]{64}");
    assertThat(amended.headers().firstValue("Location").orElseThrow())
        .endsWith("/records/lab-3/content");
    // Read: the new version, byte for byte.
    HttpResponse<byte[]> content =
        CLIENT.send(
            request("it-ops", "/channels/" + CHANNEL + "/records/lab-3/content").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(second);
    // Search: the record once, as its current version, with the amended title.
    JsonNode found = find(PATIENT_ID, "documentClass=11502-2");
    assertThat(found).extracting(r -> r.path("recordId").asText()).containsOnlyOnce("lab-3");
    JsonNode lab3 =
        java.util.stream.StreamSupport.stream(found.spliterator(), false)
            .filter(r -> r.path("recordId").asText().equals("lab-3"))
            .findFirst()
            .orElseThrow();
    assertThat(lab3.path("version").asLong()).isEqualTo(2L);
    assertThat(lab3.path("contentHash").asText()).isEqualTo(secondHash);
    assertThat(lab3.path("mediaType").asText()).isEqualTo("text/plain");
    assertThat(lab3.path("txId").asText()).isEqualTo(amendTx);
    assertThat(lab3.path("title").asText()).isEqualTo("Tumour board \u2014 v2");
    // Nothing overwritten: both versions stored, both on the chain, the link to version 1 there.
    assertThat(storedFile(firstHash)).exists();
    assertThat(storedFile(secondHash)).exists();
    String transactions = blockTransactions();
    assertThat(transactions)
        .contains("\"type\":\"amend\"")
        .contains("\"previousVersion\":1")
        .contains("\"contentHash\":\"" + secondHash + "\"")
        .doesNotContain("Tumour board \u2014 v2");
    JsonNode audit = Http.json(get("it-ops", "/channels/" + CHANNEL + "/audit?recordId=lab-3"));
    assertThat(audit)
        .extracting(e -> e.path("kind").asText())
        .containsExactly("register", "amend", "access-logged");
    // A third version follows the second; verify re-hashes every stored version.
    HttpResponse<String> third = amend("it-ops", "lab-3", "", "application/pdf", first);
    assertThat(third.statusCode()).as(third.body()).isEqualTo(201);
    assertThat(Http.json(third).path("version").asLong()).isEqualTo(3L);
    assertThat(verify().path("ok").asBoolean()).isTrue();
  }

  @Test
  @Order(16)
  void amendmentsThatBreakTheRulesAreRefusedWithTheirCodesAndStoreNothing() throws Exception {
    long filesBefore = storedFileCount();
    long blocksBefore = verify().path("blocksVerified").asLong();
    ManagementCli.addIdentity("it-audit", PASSWORD, "auditor");

    HttpResponse<String> stale =
        amend("it-ops", "lab-3", "?previousVersion=1", "application/pdf", randomDocument(10));
    HttpResponse<String> erased =
        amend("it-ops", "lab-1", "", "application/pdf", randomDocument(10));
    HttpResponse<String> unknown =
        amend("it-ops", "no-such-record", "", "application/pdf", randomDocument(10));
    HttpResponse<String> noMediaType =
        amend("it-ops", "lab-3", "", "application/x_pdf", randomDocument(10));
    HttpResponse<String> auditor =
        amend("it-audit", "lab-3", "", "application/pdf", randomDocument(10));
    // The rules hold for a raw amend transaction too (block validation on a one-member channel).
    String path = "/channels/" + CHANNEL + "/transactions";
    HttpResponse<String> rawStale = post("it-ops", path, rawAmend("lab-3", 1, 2));
    HttpResponse<String> rawGap = post("it-ops", path, rawAmend("lab-3", 3, 5));
    HttpResponse<String> rawErased = post("it-ops", path, rawAmend("lab-1", 1, 2));

    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
    assertThat(Http.json(stale).path("code").asText()).isEqualTo("CL-1722");
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(410);
    assertThat(Http.json(erased).path("code").asText()).isEqualTo("CL-1313");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    assertThat(Http.json(unknown).path("code").asText()).isEqualTo("CL-1172");
    assertThat(noMediaType.statusCode()).as(noMediaType.body()).isEqualTo(400);
    assertThat(Http.json(noMediaType).path("code").asText()).isEqualTo("CL-1150");
    assertThat(auditor.statusCode()).isEqualTo(403);
    assertThat(rawStale.statusCode()).as(rawStale.body()).isEqualTo(409);
    assertThat(Http.json(rawStale).path("code").asText()).isEqualTo("CL-1722");
    assertThat(rawGap.statusCode()).as(rawGap.body()).isEqualTo(409);
    assertThat(rawErased.statusCode()).as(rawErased.body()).isEqualTo(410);
    assertThat(stale.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(storedFileCount()).as("no ciphertext left behind").isEqualTo(filesBefore);
    assertThat(verify().path("blocksVerified").asLong()).as("no block").isEqualTo(blocksBefore);
    HttpResponse<byte[]> content =
        CLIENT.send(
            request("it-ops", "/channels/" + CHANNEL + "/records/lab-3/content").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.body()).as("still version 3").isEqualTo(randomDocument(200_000));
  }

  @Test
  @Order(17)
  void erasingAnAmendedRecordShredsEveryVersion() throws Exception {
    String path = "/channels/" + CHANNEL + "/records/lab-3";

    HttpResponse<String> erased = post("it-ops", path + "/erase", "{\"reasonCode\":\"x-test\"}");

    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    assertThat(storedFileCount()).as("every version's ciphertext destroyed").isZero();
    HttpResponse<String> content =
        CLIENT.send(
            request("it-ops", path + "/content").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(content.statusCode()).isEqualTo(410);
    HttpResponse<String> after = amend("it-ops", "lab-3", "", "application/pdf", new byte[10]);
    assertThat(after.statusCode()).isEqualTo(410);
    assertThat(Http.json(after).path("code").asText()).isEqualTo("CL-1313");
    assertThat(verify().path("ok").asBoolean()).isTrue();
  }

  private static HttpResponse<String> amend(
      String user, String recordId, String query, String contentType, byte[] document)
      throws Exception {
    return CLIENT.send(
        request(user, "/channels/" + CHANNEL + "/records/" + recordId + "/versions" + query)
            .header("Content-Type", contentType)
            .header("CareLedger-Title", "Tumour%20board%20%E2%80%94%20v2")
            .POST(HttpRequest.BodyPublishers.ofByteArray(document))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String rawAmend(String recordId, long previous, long version) {
    return "{\"type\":\"amend\",\"body\":{\"recordId\":\""
        + recordId
        + "\",\"version\":"
        + version
        + ",\"previousVersion\":"
        + previous
        + ",\"contentHash\":\""
        + "ab".repeat(32)
        + "\",\"size\":123,\"mediaType\":\"application/pdf\",\"envelopeHash\":\""
        + "0e".repeat(32)
        + "\",\"grantEnvelopes\":{}}}";
  }

  /**
   * Several documents of a patient this node has never seen, uploaded at the same moment (a lab and
   * a radiology system sending results together): every upload succeeds and the patient is enrolled
   * once. (The enrolment was check-then-insert in the upload's transaction: all but one of the
   * concurrent uploads failed with a bare 500 on the identity table's primary key, as
   * ResilienceIT's load showed at a restarted node.)
   */
  @Test
  @Order(19)
  void concurrentUploadsForANewPatientAllSucceed() throws Exception {
    String patient =
        "urn:oid:2.16.840.1.113883.2.4.6.3|" + (900_000_000 + RANDOM.nextInt(99_999_999));
    int uploads = 6;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(uploads);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        String recordId = "concurrent-" + i + "-" + Math.abs(RANDOM.nextLong());
        int size = 2048 + i;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return upload(recordId, patient, randomDocument(size));
                }));
      }
      start.countDown();
      for (java.util.concurrent.Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(find(patient, "")).hasSize(uploads);
  }

  @Test
  @Order(18)
  void requestsTheApiCannotTakeAreRefusedWithTheirCodesAndATruncatedUploadStoresNothing()
      throws Exception {
    long filesBefore = storedFileCount();
    long blocksBefore = verify().path("blocksVerified").asLong();
    String records = "/channels/" + CHANNEL + "/records";

    HttpResponse<String> malformed = post("it-ops", "/channels", "{\"channel\":");
    HttpResponse<String> wrongType =
        CLIENT.send(
            request("it-ops", "/channels")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("channel=x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> noSuchPath = get("it-ops", "/no-such-operation");
    HttpResponse<String> wrongMethod =
        CLIENT.send(
            request("it-ops", "/channels").DELETE().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unknownRecord = get("it-ops", records + "/no-such-record/content");
    HttpResponse<String> unknownRequest =
        post(
            "it-ops",
            "/channels/" + CHANNEL + "/requests/" + java.util.UUID.randomUUID() + "/grant",
            "{}");
    HttpResponse<String> oversizedTitle =
        CLIENT.send(
            request("it-ops", records + "?recordId=lab-long-title&documentClass=11502-2")
                .header("Content-Type", "application/pdf")
                .header("CareLedger-Patient-Id", PATIENT_ID)
                .header("CareLedger-Title", "x".repeat(501))
                .POST(HttpRequest.BodyPublishers.ofByteArray(randomDocument(2000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertProblem(malformed, 400, "CL-1800");
    assertProblem(wrongType, 415, "CL-1801");
    assertProblem(noSuchPath, 404, "CL-1803");
    assertProblem(wrongMethod, 405, "CL-1802");
    assertProblem(unknownRecord, 404, "CL-1172");
    assertProblem(unknownRequest, 404, "CL-1711");
    assertProblem(oversizedTitle, 400, "CL-1702");

    // An upload cut off half-way (the client announces 1 MiB, sends 64 KiB, and hangs up): the
    // node stores no ciphertext, keeps no partial file and commits nothing.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", 8080 + OFFSET)) {
      String head =
          "POST /careledger/api/v1"
              + records
              + "?recordId=lab-truncated&documentClass=11502-2 HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\n"
              + "Authorization: Basic "
              + Base64.getEncoder()
                  .encodeToString(("it-ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8))
              + "\r\nContent-Type: application/pdf\r\nCareLedger-Patient-Id: "
              + PATIENT_ID
              + "\r\nContent-Length: 1048576\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(randomDocument(64 * 1024));
      socket.getOutputStream().flush();
      Thread.sleep(1000);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (storedFileCount() != filesBefore && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertThat(storedFileCount()).as("files in the document store").isEqualTo(filesBefore);
    assertProblem(get("it-ops", records + "/lab-truncated/content"), 404, "CL-1172");
    assertProblem(get("it-ops", records + "/lab-long-title/content"), 404, "CL-1172");
    assertThat(verify().path("blocksVerified").asLong()).isEqualTo(blocksBefore);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Http.json(response).path("code").asText()).as(response.body()).isEqualTo(code);
  }

  private static Path storedFile(String hash) {
    return documents().resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash);
  }

  /** A made-up identifier of the form hospitals send (a national id with its issuing system). */
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private static final String PATIENT_ID = "urn:oid:2.16.840.1.113883.2.4.6.3|999990042";

  private static HttpResponse<String> upload(String recordId, String patientId, byte[] document)
      throws Exception {
    return CLIENT.send(
        request(
                "it-ops",
                "/channels/" + CHANNEL + "/records?recordId=" + recordId + "&documentClass=11502-2")
            .header("Content-Type", "application/pdf")
            .header("CareLedger-Patient-Id", patientId)
            .header("CareLedger-Title", "Tumour%20board%20%E2%80%94%20summary")
            .header("CareLedger-Document-Date", "1970-02-03")
            .POST(HttpRequest.BodyPublishers.ofByteArray(document))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode find(String patientId, String query) throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            request("it-ops", "/channels/" + CHANNEL + "/records?" + query)
                .header("CareLedger-Patient-Id", patientId)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }

  /** Every block of the channel as the node serves it (headers and transactions, base64). */
  private static String allBlocks() throws Exception {
    long height = Http.json(get("it-ops", "/channels/" + CHANNEL)).path("height").asLong();
    StringBuilder all = new StringBuilder();
    for (long h = 0; h <= height; h++) {
      all.append(get("it-ops", "/channels/" + CHANNEL + "/blocks/" + h).body());
    }
    return all.toString();
  }

  /** The transactions of every block, decoded from base64, as UTF-8 text. */
  private static String blockTransactions() throws Exception {
    long height = Http.json(get("it-ops", "/channels/" + CHANNEL)).path("height").asLong();
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (long h = 0; h <= height; h++) {
      for (JsonNode tx :
          Http.json(get("it-ops", "/channels/" + CHANNEL + "/blocks/" + h)).path("transactions")) {
        all.writeBytes(Base64.getDecoder().decode(tx.asText()));
      }
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  private static byte[] randomDocument(int size) {
    byte[] bytes = new byte[size];
    new java.util.Random(size).nextBytes(bytes);
    return bytes;
  }

  private static Path documents() {
    return Path.of(
        System.getProperty("it.nodes"), DB.equals("h2") ? "h2" : "postgresql-node", "documents");
  }

  private static Path storedDocument() throws java.io.IOException {
    try (var files = Files.walk(documents())) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getParent().getFileName().toString().equals("incoming"))
          .findFirst()
          .orElseThrow();
    }
  }

  private static long storedFileCount() throws java.io.IOException {
    // The server deletes a failed upload's temporary file when it likes, perhaps between the walk
    // listing a directory and reading an entry's attributes (NoSuchFileException, as in a CI run
    // of 2026-12-07): that count is moot, so count again.
    for (int attempt = 1; ; attempt++) {
      if (!Files.exists(documents())) {
        return 0;
      }
      try (var files = Files.walk(documents())) {
        return files.filter(Files::isRegularFile).count();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * A chain committed before V8 has its sharing references indexed at start, in parts of a bounded
   * number of transactions, each a database transaction of its own (V9): here the channel's index
   * is emptied and its backfill row put back, as V8 leaves a chain, and the application redeployed
   * with parts of 2 transactions. The index must come back row for row, the row must be gone.
   */
  @Test
  @Order(20)
  void theReferencesOfAChainFromBeforeV8AreIndexedInPartsAtStart() throws Exception {
    assumeTrue(
        DB.equals("postgresql"), "the test reaches the server's database on PostgreSQL only");
    try (Connection db = database()) {
      java.util.Set<String> before = sharingRefs(db);
      // The registrations, documents, amendments and erasures of the tests before.
      assertThat(before).hasSizeGreaterThan(6);
      try (PreparedStatement delete =
              db.prepareStatement("DELETE FROM cl_sharing_ref WHERE channel_id = ?");
          PreparedStatement pending =
              db.prepareStatement(
                  "INSERT INTO cl_sharing_ref_backfill (channel_id, up_to_height)"
                      + " SELECT channel_id, MAX(height) FROM cl_block WHERE channel_id = ?"
                      + " GROUP BY channel_id")) {
        delete.setString(1, CHANNEL);
        assertThat(delete.executeUpdate()).isEqualTo(before.size());
        pending.setString(1, CHANNEL);
        assertThat(pending.executeUpdate()).isEqualTo(1);
      }
      ManagementCli.run(
          "/system-property=careledger.sharing-refs.backfill-part:add(value=2)",
          "/deployment=careledger.ear:redeploy");
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        HttpResponse<String> channel = get("it-ops", "/channels/" + CHANNEL);
        while (channel.statusCode() != 200 && System.nanoTime() < deadline) {
          Thread.sleep(500);
          channel = get("it-ops", "/channels/" + CHANNEL);
        }
        assertThat(channel.statusCode()).as(channel.body()).isEqualTo(200);
        assertThat(sharingRefs(db)).isEqualTo(before);
        try (Statement s = db.createStatement();
            ResultSet left = s.executeQuery("SELECT COUNT(*) FROM cl_sharing_ref_backfill")) {
          assertThat(left.next()).isTrue();
          assertThat(left.getLong(1)).isZero();
        }
      } finally {
        ManagementCli.run("/system-property=careledger.sharing-refs.backfill-part:remove");
      }
    }
    assertThat(verify().path("ok").asBoolean()).isTrue();
  }

  private static java.util.Set<String> sharingRefs(Connection db) throws SQLException {
    java.util.Set<String> refs = new java.util.HashSet<>();
    try (PreparedStatement read =
        db.prepareStatement("SELECT ref_key, tx_id FROM cl_sharing_ref WHERE channel_id = ?")) {
      read.setString(1, CHANNEL);
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          refs.add(rs.getString(1) + " " + rs.getString(2));
        }
      }
    }
    return refs;
  }

  /**
   * Changes one stored value behind the server's back, expects verify to name it, then restores.
   */
  private void assertTamperingFound(
      String table, String column, long height, UnaryOperator<byte[]> change, String expectedCheck)
      throws Exception {
    assumeTrue(
        DB.equals("postgresql"), "the test reaches the server's database on PostgreSQL only");
    try (Connection db = database()) {
      byte[] original;
      try (PreparedStatement read =
          db.prepareStatement(
              "SELECT " + column + " FROM " + table + " WHERE channel_id = ? AND height = ?")) {
        read.setString(1, CHANNEL);
        read.setLong(2, height);
        try (ResultSet rs = read.executeQuery()) {
          assertThat(rs.next()).isTrue();
          original = rs.getBytes(1);
        }
      }
      write(db, table, column, height, change.apply(original.clone()));
      try {
        JsonNode result = verify();
        assertThat(result.path("ok").asBoolean()).isFalse();
        assertThat(result.path("failure").path("height").asLong()).isEqualTo(height);
        assertThat(result.path("failure").path("check").asText()).isEqualTo(expectedCheck);
      } finally {
        write(db, table, column, height, original);
      }
      assertThat(verify().path("ok").asBoolean()).as("restored chain verifies again").isTrue();
    }
  }

  private static void write(Connection db, String table, String column, long height, byte[] value)
      throws SQLException {
    try (Statement sql = db.createStatement()) {
      // What an attacker with the table owner's rights could do: switch the guard off.
      sql.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
      try (PreparedStatement update =
          db.prepareStatement(
              "UPDATE " + table + " SET " + column + " = ? WHERE channel_id = ? AND height = ?")) {
        update.setBytes(1, value);
        update.setString(2, CHANNEL);
        update.setLong(3, height);
        assertThat(update.executeUpdate()).isEqualTo(1);
      } finally {
        sql.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
      }
    }
  }

  private static byte[] replaceFirst(byte[] bytes, String from, String to) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    return text.replaceFirst(java.util.regex.Pattern.quote(from), to)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bumpDigitAfter(byte[] bytes, String marker) {
    int at = new String(bytes, StandardCharsets.UTF_8).indexOf(marker) + marker.length() + 3;
    bytes[at] = (byte) (bytes[at] == '9' ? '0' : bytes[at] + 1);
    return bytes;
  }

  private static byte[] flipCharAfter(byte[] bytes, String marker) {
    int at = new String(bytes, StandardCharsets.UTF_8).indexOf(marker) + marker.length() + 5;
    // Swap one base64url letter for another: still well-formed, different signature bits.
    bytes[at] = (byte) (bytes[at] == 'A' ? 'B' : 'A');
    return bytes;
  }

  private static Connection database() throws Exception {
    Properties pg = new Properties();
    try (var in =
        Files.newInputStream(
            Path.of(System.getProperty("it.nodes"), "postgresql", "postgresql.properties"))) {
      pg.load(in);
    }
    return DriverManager.getConnection(pg.getProperty("url"), pg.getProperty("user"), "");
  }

  private static String register(String recordId) {
    return "{\"type\":\"register\",\"body\":{\"recordId\":\""
        + recordId
        + "\",\"version\":1,\"contentHash\":\""
        + "ab".repeat(32)
        + "\",\"size\":123,\"mediaType\":\"application/pdf\",\"documentClass\":\"11502-2\","
        + "\"patient\":\""
        + "cd".repeat(32)
        + "\"}}";
  }

  private static JsonNode verify() throws Exception {
    HttpResponse<String> response = post("it-ops", "/channels/" + CHANNEL + "/verify", "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }

  private static HttpResponse<String> get(String user, String path) throws Exception {
    return CLIENT.send(request(user, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String user, String path, String json) throws Exception {
    return CLIENT.send(
        request(user, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String user, String path) {
    String token =
        Base64.getEncoder()
            .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(API + path)).header("Authorization", "Basic " + token);
  }
}
