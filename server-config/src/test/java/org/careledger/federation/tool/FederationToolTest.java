package org.careledger.federation.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The descriptor's form, and how the tool provisions bridge credentials between node homes. */
class FederationToolTest {

  @TempDir Path homes;

  @Test
  void descriptorRoundTripsInTheLeadsFormat() {
    Descriptor d = BridgeCliTest.fourMembers();

    String json = d.toJson();

    assertThat(Descriptor.parse(json)).isEqualTo(d);
    assertThat(json)
        .contains("\"federation\": \"local-demo\"")
        .contains("\"version\": 1")
        .contains("\"createdAt\": 1700000000000")
        .contains("\"artemis\": {")
        .contains("\"consentPolicy\": {")
        .contains("\"maxTransactions\": 500")
        .contains("\"maxDelayMillis\": 50");
  }

  @Test
  void writingTheDescriptorAgainKeepsTheOperatorsConsentPolicyAndBatchBounds() {
    Descriptor written = BridgeCliTest.fourMembers();
    String edited =
        written
            .toJson()
            .replaceFirst(
                "\"consentPolicy\": \\{\\s*}", "\"consentPolicy\": {\"insurer-d\": \"patient\"}")
            .replaceFirst("\"maxTransactions\": 500", "\"maxTransactions\": 2000")
            .replaceFirst("\"maxDelayMillis\": 50", "\"maxDelayMillis\": 20");
    Descriptor operator = Descriptor.parse(edited);
    Descriptor.Channel first = operator.channels().get(0);
    assertThat(first.maxTransactions()).isEqualTo(2000);
    assertThat(first.consentPolicy().getString("insurer-d")).isEqualTo("patient");

    // What the launcher builds from its command line: the defaults, plus a channel not seen yet.
    List<Descriptor.Channel> fresh = new ArrayList<>();
    for (Descriptor.Channel c : written.channels()) {
      fresh.add(new Descriptor.Channel(c.id(), c.members(), c.consensus()));
    }
    fresh.add(new Descriptor.Channel("care-new", List.of("hospital-a"), "bft"));
    List<Descriptor.Channel> kept = Descriptor.keepSettingsOf(operator, fresh);

    assertThat(kept.get(0)).isEqualTo(first);
    assertThat(kept.get(kept.size() - 1).maxTransactions()).isEqualTo(500);
    assertThat(kept.get(kept.size() - 1).consentPolicy()).isEmpty();
    Descriptor again =
        new Descriptor(operator.federation(), operator.createdAt(), operator.members(), kept);
    assertThat(Descriptor.parse(again.toJson()).channels().get(0)).isEqualTo(first);
  }

  @Test
  void aPolicyFileGoesIntoAFreshChannelButAWrittenDescriptorKeepsItsOwn() {
    Descriptor written = BridgeCliTest.fourMembers();
    jakarta.json.JsonObject policy =
        jakarta.json.Json.createObjectBuilder()
            .add("roles", jakarta.json.Json.createObjectBuilder().add("pharmacy-c", "pharmacy"))
            .build();
    List<Descriptor.Channel> fresh =
        Descriptor.withPolicies(written.channels(), java.util.Map.of("care-bft", policy));

    assertThat(fresh.get(0).consentPolicy()).isEqualTo(policy);
    assertThat(fresh.get(1).consentPolicy()).isEqualTo(written.channels().get(1).consentPolicy());
    // Written before with another policy: that one stays.
    assertThat(Descriptor.keepSettingsOf(written, fresh).get(0).consentPolicy())
        .isEqualTo(written.channels().get(0).consentPolicy());
  }

  @Test
  void descriptorNamingAStrangerInAChannelIsRefused() {
    String json = BridgeCliTest.fourMembers().toJson().replace("\"insurer-d\"\n", "\"mallory\"\n");

    assertThatThrownBy(() -> Descriptor.parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mallory");
  }

  @Test
  void eachPairGetsOnePasswordKnownOnlyToItsTwoHomes() throws Exception {
    Descriptor d = localHomesFor(withRealTlsCertificates(BridgeCliTest.fourMembers()));

    List<String> written = FederationTool.plan(d, homes);

    assertThat(written).containsExactly("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
    String cliA = Files.readString(homes.resolve("hospital-a/federation/bridges.cli"));
    assertThat(Files.getPosixFilePermissions(homes.resolve("hospital-a/federation/bridges.cli")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String passwordAtB = secret(cliA, "bridge-to-clinic-b");
    assertThat(passwordAtB).hasSizeGreaterThanOrEqualTo(32);
    String users =
        Files.readString(
            homes.resolve("clinic-b/server/configuration/application-users.properties"));
    assertThat(users)
        .contains("bridge-hospital-a=" + BridgeCredentials.digest("bridge-hospital-a", passwordAtB))
        .doesNotContain(passwordAtB);
    assertThat(
            Files.readString(
                homes.resolve("clinic-b/server/configuration/application-roles.properties")))
        .contains("bridge-hospital-a=careledger-bridge");
    assertThat(secret(cliA, "bridge-to-pharmacy-c")).isNotEqualTo(passwordAtB);
    assertThat(Files.readString(homes.resolve("clinic-b/federation/bridges.cli")))
        .contains("ApplicationRealm:load");

    FederationTool.plan(d, homes);

    assertThat(Files.readString(homes.resolve("hospital-a/federation/bridges.cli")))
        .doesNotContain("secret-value")
        .doesNotContain(":load")
        .contains("careledger-to-clinic-b");
    assertThat(
            Files.readString(
                homes.resolve("clinic-b/server/configuration/application-users.properties")))
        .isEqualTo(users);

    // A home from before the bridge role (its bridge users had "guest", which the inbound queues
    // no longer let send) gets the role on the next run, and the realm is re-read.
    Path rolesAtB = homes.resolve("clinic-b/server/configuration/application-roles.properties");
    Files.writeString(
        rolesAtB,
        Files.readString(rolesAtB)
            .replace("bridge-hospital-a=careledger-bridge", "bridge-hospital-a=guest"));
    FederationTool.plan(d, homes);
    assertThat(Files.readString(rolesAtB))
        .contains("bridge-hospital-a=careledger-bridge")
        .doesNotContain("=guest");
    assertThat(Files.readString(homes.resolve("clinic-b/federation/bridges.cli")))
        .contains("ApplicationRealm:load");
    assertThat(Files.readString(homes.resolve("hospital-a/federation/bridges.cli")))
        .doesNotContain(":load");
  }

  @Test
  void aJoinedInstitutionGetsBridgesAndLosesThemWhenItLeavesWhileOthersStay() throws Exception {
    Descriptor four = BridgeCliTest.fourMembers();
    List<Descriptor.Member> five = new ArrayList<>(four.members());
    five.add(BridgeCliTest.member("lab-e", 9480));
    Descriptor d =
        localHomesFor(
                withRealTlsCertificates(
                    new Descriptor(four.federation(), four.createdAt(), five, four.channels())))
            .withChannel("care-bft", c -> c.join("lab-e"));
    Descriptor.Channel bft = d.channels().get(0);
    assertThat(bft.members()).as("the genesis members stay").hasSize(4);
    assertThat(bft.joined()).containsExactly("lab-e");
    assertThat(Descriptor.parse(d.toJson())).isEqualTo(d);
    // Written again by the launcher from its command line: who joined is kept.
    assertThat(
            Descriptor.keepSettingsOf(
                    d, List.of(new Descriptor.Channel("care-bft", bft.members(), "bft")))
                .get(0)
                .joined())
        .containsExactly("lab-e");

    FederationTool.plan(d, homes);
    assertThat(Files.readString(homes.resolve("hospital-a/federation/bridges.cli")))
        .contains("jms-bridge=careledger-to-lab-e:add(")
        .doesNotContain(":remove");
    assertThat(Files.readString(homes.resolve("lab-e/federation/bridges.cli")))
        .contains("jms-bridge=careledger-to-hospital-a:add(")
        .contains("jms-bridge=careledger-to-insurer-d:add(");
    Path usersAtA = homes.resolve("hospital-a/server/configuration/application-users.properties");
    assertThat(Files.readString(usersAtA)).contains("bridge-lab-e=");

    // lab-e leaves care-bft, and pharmacy-c too: pharmacy-c keeps care-trio with hospital-a and
    // clinic-b, and shares nothing with insurer-d any more.
    Descriptor after = d.withChannel("care-bft", c -> c.leave("lab-e").leave("pharmacy-c"));
    assertThat(after.channels().get(0).participants())
        .containsExactly("hospital-a", "clinic-b", "insurer-d");
    FederationTool.plan(after, homes);

    String cliA = Files.readString(homes.resolve("hospital-a/federation/bridges.cli"));
    assertThat(cliA)
        .contains("jms-bridge=careledger-to-lab-e:remove")
        .contains("jms-queue=CareLedgerOutbound.lab-e:remove")
        .contains("remove-alias(alias=bridge-to-lab-e)")
        .doesNotContain("careledger-to-clinic-b:remove")
        .contains("ApplicationRealm:load");
    assertThat(Files.readString(usersAtA)).doesNotContain("bridge-lab-e=");
    String cliC = Files.readString(homes.resolve("pharmacy-c/federation/bridges.cli"));
    assertThat(cliC)
        .contains("jms-bridge=careledger-to-insurer-d:remove")
        .doesNotContain("careledger-to-hospital-a:remove");
    assertThat(Files.readString(homes.resolve("lab-e/federation/bridges.cli")))
        .contains("jms-bridge=careledger-to-hospital-a:remove");
    assertThat(
            Files.readString(
                homes.resolve("insurer-d/server/configuration/application-users.properties")))
        .doesNotContain("bridge-pharmacy-c=")
        .contains("bridge-hospital-a=");

    // Run again: nothing more to remove.
    FederationTool.plan(after, homes);
    assertThat(Files.readString(homes.resolve("hospital-a/federation/bridges.cli")))
        .doesNotContain(":remove");
    assertThatThrownBy(() -> after.withChannel("care-bft", c -> c.leave("lab-e")))
        .hasMessageContaining("does not take part");
  }

  @Test
  void everyLocalMemberOfAChannelGetsTheSameNewPseudonymKeyOnce() throws Exception {
    Descriptor d = localHomesFor(withRealTlsCertificates(BridgeCliTest.fourMembers()));

    FederationTool.plan(d, homes);

    String bft = secret(cli("hospital-a"), "pseudonym-key-care-bft");
    assertThat(bft).matches("[A-Za-z0-9_-]{43}");
    for (String member : List.of("clinic-b", "pharmacy-c", "insurer-d")) {
      assertThat(secret(cli(member), "pseudonym-key-care-bft")).isEqualTo(bft);
    }
    String trio = secret(cli("hospital-a"), "pseudonym-key-care-trio");
    assertThat(trio).isNotEqualTo(bft);
    assertThat(secret(cli("pharmacy-c"), "pseudonym-key-care-trio")).isEqualTo(trio);
    assertThat(cli("insurer-d")).doesNotContain("pseudonym-key-care-trio");

    // Neither a second run nor a reset of the bridge passwords makes another key.
    Files.delete(homes.resolve("hospital-a/federation/bridge-credentials"));
    FederationTool.plan(d, homes);
    for (String member : List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d")) {
      assertThat(cli(member)).doesNotContain("pseudonym-key");
    }

    // A member that lost the record while the others hold the key cannot get a new one.
    Files.delete(homes.resolve("clinic-b/federation/pseudonym-keys"));
    assertThatThrownBy(() -> FederationTool.plan(d, homes))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("care-bft")
        .hasMessageContaining("[clinic-b]")
        .hasMessageContaining("out of band");
  }

  /** A node home for every member of {@code d} (a node.properties marks a home as local). */
  private Descriptor localHomesFor(Descriptor d) throws IOException {
    for (Descriptor.Member m : d.members()) {
      Files.createDirectories(homes.resolve(m.institution()).resolve("server/configuration"));
      Files.writeString(
          homes.resolve(m.institution()).resolve("node.properties"),
          Truststore.PASSWORD_PROPERTY + "=test-only\n");
    }
    return d;
  }

  private String cli(String member) throws IOException {
    return Files.readString(homes.resolve(member).resolve("federation/bridges.cli"));
  }

  @Test
  void lostCredentialsOfOneNodeAreRegeneratedOnBothSidesOfItsPairsOnly() throws Exception {
    Descriptor d = localHomesFor(withRealTlsCertificates(BridgeCliTest.fourMembers()));
    FederationTool.plan(d, homes);
    Files.delete(homes.resolve("hospital-a/federation/bridge-credentials"));

    FederationTool.plan(d, homes);

    String cliA = Files.readString(homes.resolve("hospital-a/federation/bridges.cli"));
    String newPassword = secret(cliA, "bridge-to-clinic-b");
    assertThat(
            Files.readString(
                homes.resolve("clinic-b/server/configuration/application-users.properties")))
        .contains(
            "bridge-hospital-a=" + BridgeCredentials.digest("bridge-hospital-a", newPassword));
    assertThat(Files.readString(homes.resolve("clinic-b/federation/bridges.cli")))
        .doesNotContain("secret-value");
  }

  @Test
  void truststoreHoldsEveryMembersTlsCertificateAndIsRewrittenOnlyWhenThatChanges()
      throws Exception {
    Descriptor d = withRealTlsCertificates(BridgeCliTest.fourMembers());
    Path home = homes.resolve("hospital-a");
    Files.createDirectories(home);
    Files.writeString(
        home.resolve("node.properties"), Truststore.PASSWORD_PROPERTY + "=test-only\n");

    assertThat(Truststore.update(home, d)).isTrue();
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(home.resolve("federation/truststore.p12"))) {
      store.load(in, "test-only".toCharArray());
    }
    assertThat(java.util.Collections.list(store.aliases()))
        .containsExactlyInAnyOrder("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
    assertThat(store.isCertificateEntry("clinic-b")).isTrue();
    assertThat(Truststore.update(home, d)).isFalse();

    List<Descriptor.Member> fewer = d.members().subList(0, 3);
    Descriptor three =
        new Descriptor(d.federation(), d.createdAt(), fewer, List.of(d.channels().get(1)));
    assertThat(Truststore.update(home, three)).isTrue();
  }

  /**
   * The same real self-signed certificate (made with keytool) as every member's TLS certificate.
   */
  static Descriptor withRealTlsCertificates(Descriptor d) throws Exception {
    if (tlsCertificate == null) {
      Path dir = Files.createTempDirectory("careledger-tool-test");
      Path ks = dir.resolve("k.p12");
      Path der = dir.resolve("c.der");
      run(
          "keytool",
          "-genkeypair",
          "-alias",
          "t",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-dname",
          "CN=test",
          "-keystore",
          ks.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          "test-only",
          "-validity",
          "2");
      run(
          "keytool",
          "-exportcert",
          "-alias",
          "t",
          "-keystore",
          ks.toString(),
          "-storepass",
          "test-only",
          "-file",
          der.toString());
      tlsCertificate = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(der));
    }
    List<Descriptor.Member> members = new java.util.ArrayList<>();
    for (Descriptor.Member m : d.members()) {
      members.add(
          new Descriptor.Member(
              m.institution(),
              m.signingCertificate(),
              m.agreementCertificate(),
              tlsCertificate,
              m.host(),
              m.port(),
              m.tlsPort()));
    }
    return new Descriptor(d.federation(), d.createdAt(), members, d.channels());
  }

  private static String tlsCertificate;

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private static String secret(String cli, String alias) {
    Matcher m =
        Pattern.compile("set-secret\\(alias=" + alias + ", secret-value=\"([^\"]+)\"\\)")
            .matcher(cli);
    assertThat(m.find()).as("secret for " + alias).isTrue();
    return m.group(1);
  }
}
