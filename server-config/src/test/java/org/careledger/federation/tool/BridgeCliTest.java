package org.careledger.federation.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated bridge configuration: right peers, guarded adds only, additive growth. */
class BridgeCliTest {

  static Descriptor.Member member(String name, int port) {
    return new Descriptor.Member(name, "c2ln", "YWdy", "dGxz", "127.0.0.1", port, port + 363);
  }

  static Descriptor fourMembers() {
    return new Descriptor(
        "local-demo",
        1_700_000_000_000L,
        List.of(
            member("hospital-a", 9080),
            member("clinic-b", 9180),
            member("pharmacy-c", 9280),
            member("insurer-d", 9380)),
        List.of(
            new Descriptor.Channel(
                "care-bft", List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d"), "bft"),
            new Descriptor.Channel(
                "care-trio", List.of("hospital-a", "clinic-b", "pharmacy-c"), "unanimity")));
  }

  @Test
  void everyPeerSharingAChannelGetsAQueueAndABridge() {
    String cli = BridgeCli.forNode(fourMembers(), "hospital-a", Map.of(), false, false);

    for (String peer : List.of("clinic-b", "pharmacy-c", "insurer-d")) {
      assertThat(cli)
          .contains(
              "jms-queue=CareLedgerOutbound."
                  + peer
                  + ":add(entries=[\"java:/jms/careledger/outbound/"
                  + peer
                  + "\"]")
          .contains("jms-bridge=careledger-to-" + peer + ":add(")
          .contains("alias=bridge-to-" + peer + "}");
    }
    assertThat(cli)
        .doesNotContain("careledger-to-hospital-a")
        .contains("remote+https://127.0.0.1:9643")
        .contains("target-connection-factory=jms/careledger/RemoteConnectionFactoryTls")
        .contains("target-user=bridge-hospital-a")
        .contains("quality-of-service=DUPLICATES_OK")
        .contains("max-retries=-1")
        .contains("max-batch-size=1")
        .doesNotContain("secret-value")
        .doesNotContain(":load");
  }

  @Test
  void theBridgeGoesToTheHttpsListenerTheDescriptorNames() {
    Descriptor four = fourMembers();
    List<Descriptor.Member> members = new ArrayList<>(four.members());
    members.set(
        1,
        new Descriptor.Member(
            "clinic-b", "c2ln", "YWdy", "dGxz", "ehr.clinic-b.example", 8080, 443));
    Descriptor moved =
        new Descriptor(four.federation(), four.createdAt(), members, four.channels());

    assertThat(BridgeCli.forNode(moved, "hospital-a", Map.of(), false, false))
        .contains("remote+https://ehr.clinic-b.example:443")
        .doesNotContain("ehr.clinic-b.example:8443"); // not WildFly's default layout
  }

  @Test
  void aBridgeToAnInstitutionRunAsAClusterNamesEveryNodeOfIt() {
    String cli =
        BridgeCli.forNode(
            fourMembers(),
            "hospital-a",
            Map.of(),
            false,
            false,
            List.of(),
            Map.of("clinic-b", List.of("127.0.0.1:9593")));

    assertThat(cli)
        .contains(
            "java.naming.provider.url=\"remote+https://127.0.0.1:9543,remote+https://127.0.0.1:9593\"")
        .contains("java.naming.provider.url=\"remote+https://127.0.0.1:9643\"");
  }

  @Test
  void aDescriptorWrittenWithoutTlsPortsMeansWildFlysLayout() {
    String json = fourMembers().toJson().replaceAll(",\\s*\"tlsPort\":\\s*[0-9]+", "");
    assertThat(json).doesNotContain("tlsPort");

    Descriptor read = Descriptor.parse(json);

    assertThat(read.members())
        .extracting(Descriptor.Member::tlsPort)
        .containsExactly(9443, 9543, 9643, 9743);
    assertThat(Descriptor.parse(fourMembers().toJson())).isEqualTo(fourMembers());
  }

  @Test
  void noBridgeToAMemberWithoutACommonChannel() {
    Descriptor d =
        new Descriptor(
            "f",
            1L,
            List.of(member("aa", 1), member("bb", 2), member("cc", 3)),
            List.of(new Descriptor.Channel("x", List.of("aa", "bb"), "unanimity")));

    assertThat(BridgeCli.forNode(d, "aa", Map.of(), false, false))
        .contains("careledger-to-bb")
        .doesNotContain("careledger-to-cc");
    assertThat(BridgeCli.forNode(d, "cc", Map.of(), false, false)).doesNotContain("jms-bridge");
  }

  @Test
  void everyChangeIsAGuardedAddAndNothingIsRemovedOrOverwritten() {
    String cli = BridgeCli.forNode(fourMembers(), "clinic-b", Map.of(), false, false);

    List<String> lines = cli.lines().filter(l -> !l.startsWith("#")).toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.contains(":add(")) {
        String address = line.substring(0, line.indexOf(":add("));
        assertThat(lines.get(i - 1))
            .isEqualTo("if (outcome != success) of " + address + ":read-resource");
      }
    }
    assertThat(cli).doesNotContain(":remove").doesNotContain("write-attribute");
  }

  @Test
  void aFifthMemberOnlyAddsItsOwnBridgesToTheExistingScript() {
    Descriptor four = fourMembers();
    List<Descriptor.Member> members = new ArrayList<>(four.members());
    members.add(member("lab-e", 9480));
    Descriptor five =
        new Descriptor(
            four.federation(),
            four.createdAt(),
            members,
            List.of(
                new Descriptor.Channel(
                    "care-bft",
                    List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d", "lab-e"),
                    "bft"),
                four.channels().get(1)));

    String before = BridgeCli.forNode(four, "hospital-a", Map.of(), false, false);
    String after = BridgeCli.forNode(five, "hospital-a", Map.of(), false, false);

    assertThat(after).startsWith(before);
    assertThat(after.substring(before.length()))
        .contains("careledger-to-lab-e")
        .doesNotContain("clinic-b")
        .doesNotContain("pharmacy-c")
        .doesNotContain("insurer-d");
  }

  @Test
  void newSecretsAreUpsertedAndTheirBridgeRestarted() {
    String cli =
        BridgeCli.forNode(
            fourMembers(), "hospital-a", Map.of("bridge-to-clinic-b", "s3cr3t_Pw-x"), true, false);

    assertThat(cli)
        .contains("/subsystem=elytron/properties-realm=ApplicationRealm:load")
        .contains(
            "if (outcome != success) of /subsystem=elytron/credential-store=careledger:set-secret(alias=bridge-to-clinic-b, secret-value=\"s3cr3t_Pw-x\")")
        .contains("add-alias(alias=bridge-to-clinic-b, secret-value=\"s3cr3t_Pw-x\")")
        .contains("jms-bridge=careledger-to-clinic-b:stop")
        .doesNotContain("careledger-to-pharmacy-c:stop");
  }
}
