package org.careledger.federation.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
  void descriptorNamingAStrangerInAChannelIsRefused() {
    String json = BridgeCliTest.fourMembers().toJson().replace("\"insurer-d\"\n", "\"mallory\"\n");

    assertThatThrownBy(() -> Descriptor.parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mallory");
  }

  @Test
  void eachPairGetsOnePasswordKnownOnlyToItsTwoHomes() throws Exception {
    Descriptor d = BridgeCliTest.fourMembers();
    for (Descriptor.Member m : d.members()) {
      Files.createDirectories(homes.resolve(m.institution()).resolve("server/configuration"));
      Files.writeString(homes.resolve(m.institution()).resolve("node.properties"), "x=y\n");
    }

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
        .contains("bridge-hospital-a=guest");
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
  }

  @Test
  void lostCredentialsOfOneNodeAreRegeneratedOnBothSidesOfItsPairsOnly() throws Exception {
    Descriptor d = BridgeCliTest.fourMembers();
    for (Descriptor.Member m : d.members()) {
      Files.createDirectories(homes.resolve(m.institution()).resolve("server/configuration"));
      Files.writeString(homes.resolve(m.institution()).resolve("node.properties"), "x=y\n");
    }
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

  private static String secret(String cli, String alias) {
    Matcher m =
        Pattern.compile("set-secret\\(alias=" + alias + ", secret-value=\"([^\"]+)\"\\)")
            .matcher(cli);
    assertThat(m.find()).as("secret for " + alias).isTrue();
    return m.group(1);
  }
}
