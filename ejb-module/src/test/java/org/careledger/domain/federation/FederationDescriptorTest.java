package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.federation.FederationFixture.at;
import static org.careledger.domain.federation.FederationFixture.list;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.Membership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FederationDescriptorTest {

  private static final FederationFixture F = FederationFixture.standard();
  private static final InstitutionId HOSPITAL = new InstitutionId("hospital-a");
  private static final InstitutionId LAB = new InstitutionId("lab-e");

  @Test
  void readsMembersChannelsAndTheirSettings() {
    FederationDescriptor d = FederationFixture.parse(F.descriptor());

    assertThat(d.federation().value()).isEqualTo("local-demo");
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.createdAt()).isEqualTo(FederationFixture.CREATED_AT);
    assertThat(d.members())
        .extracting(m -> m.institution().value())
        .containsExactly("clinic-b", "hospital-a", "insurer-d", "lab-e", "pharmacy-c");
    FederationMember hospital = d.member(HOSPITAL).orElseThrow();
    assertThat(hospital.signingCertificate())
        .isEqualTo(F.identities.get("hospital-a").signingCertificate());
    assertThat(hospital.artemis()).isEqualTo(new ArtemisEndpoint("127.0.0.1", 8180));
    FederationChannel bft = d.channel(new ChannelId("care-bft")).orElseThrow();
    assertThat(bft.consensus()).isEqualTo(Membership.Mode.BFT);
    assertThat(bft.members())
        .extracting(InstitutionId::value)
        .containsExactly("clinic-b", "hospital-a", "insurer-d", "pharmacy-c");
    assertThat(bft.batch()).isEqualTo(new BatchBounds(500, 50));
    assertThat(bft.consentPolicy()).containsKeys("roles", "rules");
    assertThat(d.membership(new ChannelId("care-bft")).quorum()).isEqualTo(3);
  }

  @Test
  void channelsOfAndPeersOfFollowSharedChannels() {
    FederationDescriptor d = FederationFixture.parse(F.descriptor());

    assertThat(d.channelsOf(HOSPITAL))
        .extracting(c -> c.id().value())
        .containsExactly("care-bft", "lab-pair");
    assertThat(d.channelsOf(LAB)).extracting(c -> c.id().value()).containsExactly("lab-pair");
    assertThat(d.peersOf(HOSPITAL))
        .extracting(m -> m.institution().value())
        .containsExactly("clinic-b", "insurer-d", "lab-e", "pharmacy-c");
    assertThat(d.peersOf(LAB))
        .extracting(m -> m.institution().value())
        .containsExactly("hospital-a");
    assertThat(d.peersOf(new InstitutionId("clinic-b")))
        .extracting(m -> m.institution().value())
        .containsExactly("hospital-a", "insurer-d", "pharmacy-c");
    assertThat(d.peersOf(new InstitutionId("not-a-member"))).isEmpty();
  }

  @Test
  void aMemberThatLeftStopsRunningTheChannelAndTheGenesisStaysTheSame() {
    Map<String, Object> json = F.descriptor();
    Block before = Genesis.of(FederationFixture.parse(json), new ChannelId("care-bft"));
    at(json, "channels", 0).put("joined", new ArrayList<Object>(List.of("lab-e")));
    at(json, "channels", 0).put("left", new ArrayList<Object>(List.of("lab-e", "insurer-d")));
    FederationDescriptor d = FederationFixture.parse(json);
    InstitutionId insurer = new InstitutionId("insurer-d");

    FederationChannel bft = d.channel(new ChannelId("care-bft")).orElseThrow();
    assertThat(bft.runsOn(insurer)).isFalse();
    assertThat(bft.runsOn(LAB)).isFalse();
    assertThat(bft.hasMember(insurer)).as("still a genesis member").isTrue();
    assertThat(d.channelsOf(insurer)).isEmpty();
    assertThat(d.peersOf(new InstitutionId("clinic-b")))
        .extracting(m -> m.institution().value())
        .containsExactly("hospital-a", "pharmacy-c");
    assertThat(Genesis.of(d, new ChannelId("care-bft")).header().hashHex())
        .isEqualTo(before.header().hashHex());
    assertThat(FederationDescriptor.parse(d.toJson())).isEqualTo(d);

    at(json, "channels", 0).put("left", new ArrayList<Object>(List.of("radiology-f")));
    assertThatThrownBy(() -> FederationFixture.parse(json))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageContaining("left");
  }

  @Test
  void anInstitutionThatJoinedAChannelRunsItButTheGenesisIsStillTheGenesisMembers() {
    Map<String, Object> json = F.descriptor();
    Block before = Genesis.of(FederationFixture.parse(json), new ChannelId("care-bft"));
    at(json, "channels", 0).put("joined", new ArrayList<Object>(List.of("lab-e")));
    FederationDescriptor d = FederationFixture.parse(json);

    assertThat(d.channelsOf(LAB)).extracting(c -> c.id().value()).contains("care-bft");
    assertThat(d.peersOf(LAB))
        .extracting(m -> m.institution().value())
        .containsExactly("clinic-b", "hospital-a", "insurer-d", "pharmacy-c");
    FederationChannel bft = d.channel(new ChannelId("care-bft")).orElseThrow();
    assertThat(bft.hasMember(LAB)).isFalse();
    assertThat(bft.runsOn(LAB)).isTrue();
    assertThat(Genesis.of(d, new ChannelId("care-bft")).header().hashHex())
        .as("the genesis is derived from the genesis members only")
        .isEqualTo(before.header().hashHex());
    assertThat(d.membership(new ChannelId("care-bft")).size()).isEqualTo(4);
    assertThat(FederationDescriptor.parse(d.toJson())).isEqualTo(d);
    assertThat(FederationFixture.text(d.toJson())).contains("\"joined\"");

    at(json, "channels", 0).put("joined", new ArrayList<Object>(List.of("clinic-b")));
    assertThatThrownBy(() -> FederationFixture.parse(json))
        .hasMessageContaining("lists clinic-b twice");
    at(json, "channels", 0).put("joined", new ArrayList<Object>(List.of("nobody-x")));
    assertThatThrownBy(() -> FederationFixture.parse(json))
        .hasMessageContaining("not a declared member");
  }

  @Test
  void toJsonParsesBackEqualAndIsStableAcrossLayoutAndOrder() {
    Map<String, Object> json = F.descriptor();
    FederationDescriptor d = FederationFixture.parse(json);

    Map<String, Object> shuffled = reversed(json);
    Collections.reverse(list(shuffled, "members"));
    Collections.reverse(list(shuffled, "channels"));
    Collections.reverse(list(at(shuffled, "channels", 1), "members"));
    FederationDescriptor other = FederationDescriptor.parse(d.toJson());
    FederationDescriptor reordered = FederationFixture.parse(shuffled);

    assertThat(other).isEqualTo(d);
    assertThat(other.toJson()).isEqualTo(d.toJson());
    assertThat(reordered.toJson()).isEqualTo(d.toJson());
    assertThat(reordered.fingerprint()).isEqualTo(d.fingerprint());
    assertThat(FederationFixture.text(d.toJson()))
        .startsWith("{\n  \"federation\": \"local-demo\",\n  \"version\": 1,\n")
        .endsWith("}\n");
  }

  @Test
  void theCommittedTestDescriptorParses() throws Exception {
    byte[] file = getClass().getResourceAsStream("/federation/test-descriptor.json").readAllBytes();
    FederationDescriptor d = FederationDescriptor.parse(file);
    assertThat(d.toJson()).isEqualTo(file);
  }

  @Test
  void aMemberNamesItsHttpsListenerOrGetsWildFlysLayout() {
    Map<String, Object> json = F.descriptor();
    artemis(json).put("tlsPort", 443L);
    FederationDescriptor named = FederationFixture.parse(json);
    artemis(json).remove("tlsPort");
    FederationDescriptor defaulted = FederationFixture.parse(json);

    String first = (String) at(json, "members", 0).get("institution");
    ArtemisEndpoint given = named.member(new InstitutionId(first)).orElseThrow().artemis();
    ArtemisEndpoint layout = defaulted.member(new InstitutionId(first)).orElseThrow().artemis();
    assertThat(given.tlsPort()).isEqualTo(443);
    assertThat(layout.tlsPort()).isEqualTo(layout.port() + 363);
    assertThat(FederationDescriptor.parse(named.toJson())).isEqualTo(named);
    assertThat(FederationFixture.text(named.toJson())).contains("\"tlsPort\": 443");
  }

  static Stream<Arguments> brokenDescriptors() {
    return Stream.of(
        broken(
            "unknown top field",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> j.put("extra", 1L)),
        broken(
            "missing createdAt",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> j.remove("createdAt")),
        broken(
            "createdAt a string",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> j.put("createdAt", "now")),
        broken(
            "negative createdAt",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> j.put("createdAt", -1L)),
        broken(
            "version 2",
            ErrorCode.FEDERATION_DESCRIPTOR_VERSION_UNSUPPORTED,
            j -> j.put("version", 2L)),
        broken(
            "bad federation id",
            ErrorCode.FEDERATION_ID_INVALID,
            j -> j.put("federation", "Local Demo")),
        broken(
            "no members",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> {
              list(j, "members").clear();
              list(j, "channels").clear();
            }),
        broken(
            "no channels",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> list(j, "channels").clear()),
        broken(
            "unknown member field",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> at(j, "members", 0).put("name", "x")),
        broken(
            "member lacks tls",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> at(j, "members", 0).remove("tlsCertificate")),
        broken(
            "bad institution id",
            ErrorCode.FEDERATION_ID_INVALID,
            j -> at(j, "members", 0).put("institution", "Hospital_A")),
        broken(
            "duplicate institution",
            ErrorCode.FEDERATION_MEMBER_DUPLICATE,
            j -> list(j, "members").add(F.member("hospital-a", 9999))),
        broken(
            "signing certificate copied from another member",
            ErrorCode.FEDERATION_CERTIFICATE_INVALID,
            j ->
                at(j, "members", 1)
                    .put("signingCertificate", at(j, "members", 0).get("signingCertificate"))),
        broken(
            "shared TLS certificate",
            ErrorCode.FEDERATION_MEMBER_DUPLICATE,
            j ->
                at(j, "members", 1)
                    .put("tlsCertificate", at(j, "members", 0).get("tlsCertificate"))),
        broken(
            "federation id is a member",
            ErrorCode.FEDERATION_ID_CLASHES_WITH_MEMBER,
            j -> j.put("federation", "lab-e")),
        broken(
            "signing cert not base64",
            ErrorCode.FEDERATION_CERTIFICATE_INVALID,
            j -> at(j, "members", 0).put("signingCertificate", "not base64!")),
        broken(
            "signing cert not a cert",
            ErrorCode.FEDERATION_CERTIFICATE_INVALID,
            j -> at(j, "members", 0).put("signingCertificate", "AAECAwQF")),
        broken(
            "signing cert of another institution",
            ErrorCode.FEDERATION_CERTIFICATE_INVALID,
            j ->
                at(j, "members", 0)
                    .put(
                        "signingCertificate",
                        FederationFixture.base64(
                            FederationFixture.generate("outsider").signingCertificate()))),
        broken(
            "signing cert holds X25519",
            ErrorCode.FEDERATION_CERTIFICATE_WRONG_KEY_TYPE,
            j ->
                at(j, "members", 0)
                    .put("signingCertificate", at(j, "members", 0).get("agreementCertificate"))),
        broken(
            "agreement cert holds Ed25519",
            ErrorCode.FEDERATION_CERTIFICATE_WRONG_KEY_TYPE,
            j ->
                at(j, "members", 0)
                    .put("agreementCertificate", at(j, "members", 0).get("signingCertificate"))),
        broken(
            "tls cert holds Ed25519",
            ErrorCode.FEDERATION_CERTIFICATE_WRONG_KEY_TYPE,
            j ->
                at(j, "members", 0)
                    .put("tlsCertificate", at(j, "members", 0).get("signingCertificate"))),
        broken(
            "bad host",
            ErrorCode.FEDERATION_ENDPOINT_INVALID,
            j -> artemis(j).put("host", "bad host!")),
        broken(
            "bad IPv4 host",
            ErrorCode.FEDERATION_ENDPOINT_INVALID,
            j -> artemis(j).put("host", "256.1.1.1")),
        broken("port 0", ErrorCode.FEDERATION_ENDPOINT_INVALID, j -> artemis(j).put("port", 0L)),
        broken(
            "port 65536",
            ErrorCode.FEDERATION_ENDPOINT_INVALID,
            j -> artemis(j).put("port", 65536L)),
        broken(
            "port a string",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> artemis(j).put("port", "8180")),
        broken(
            "shared endpoint",
            ErrorCode.FEDERATION_ENDPOINT_INVALID,
            j -> artemis(j).put("port", 8280L)),
        broken(
            "tlsPort 0", ErrorCode.FEDERATION_ENDPOINT_INVALID, j -> artemis(j).put("tlsPort", 0L)),
        broken(
            "tlsPort is the HTTP port",
            ErrorCode.FEDERATION_ENDPOINT_INVALID,
            j -> artemis(j).put("tlsPort", artemis(j).get("port"))),
        broken(
            "tlsPort on another member's listener",
            ErrorCode.FEDERATION_ENDPOINT_INVALID,
            j -> artemis(j).put("tlsPort", 8280L)),
        broken(
            "tlsPort a string",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> artemis(j).put("tlsPort", "8543")),
        broken(
            "duplicate channel",
            ErrorCode.FEDERATION_CHANNEL_DUPLICATE,
            j ->
                list(j, "channels")
                    .add(FederationFixture.channel("care-bft", List.of("hospital-a"), "single"))),
        broken(
            "bad channel id",
            ErrorCode.FEDERATION_ID_INVALID,
            j -> at(j, "channels", 0).put("id", "Care BFT")),
        broken(
            "undeclared channel member",
            ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED,
            j -> list(at(j, "channels", 1), "members").add("outsider")),
        broken(
            "channel member twice",
            ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED,
            j -> list(at(j, "channels", 1), "members").add("lab-e")),
        broken(
            "bft with 3 members",
            ErrorCode.FEDERATION_CONSENSUS_MISMATCH,
            j -> list(at(j, "channels", 0), "members").remove("insurer-d")),
        broken(
            "unanimity with 4 members",
            ErrorCode.FEDERATION_CONSENSUS_MISMATCH,
            j -> at(j, "channels", 0).put("consensus", "unanimity")),
        broken(
            "single with 2 members",
            ErrorCode.FEDERATION_CONSENSUS_MISMATCH,
            j -> at(j, "channels", 1).put("consensus", "single")),
        broken(
            "unknown consensus",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> at(j, "channels", 0).put("consensus", "raft")),
        broken(
            "policy not an object",
            ErrorCode.FEDERATION_CONSENT_POLICY_INVALID,
            j -> at(j, "channels", 0).put("consentPolicy", "open")),
        broken(
            "maxTransactions 0",
            ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE,
            j -> batch(j).put("maxTransactions", 0L)),
        broken(
            "maxTransactions too large",
            ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE,
            j -> batch(j).put("maxTransactions", 10_001L)),
        broken(
            "maxTransactions beyond int",
            ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE,
            j -> batch(j).put("maxTransactions", 1L << 40)),
        broken(
            "maxDelayMillis 0",
            ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE,
            j -> batch(j).put("maxDelayMillis", 0L)),
        broken(
            "maxDelayMillis above a minute",
            ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE,
            j -> batch(j).put("maxDelayMillis", 60_001L)),
        broken(
            "unknown batch field",
            ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED,
            j -> batch(j).put("maxBytes", 1L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDescriptors")
  void eachBrokenRuleHasItsCode(
      String rule, ErrorCode code, Consumer<Map<String, Object>> breakIt) {
    Map<String, Object> json = F.descriptor();
    breakIt.accept(json);

    assertThatThrownBy(() -> FederationFixture.parse(json))
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "{", "{\"federation\": 1.5}", "\"text\""})
  void bytesThatAreNoDescriptorObjectAreRejectedWithACode(String text) {
    assertThatThrownBy(() -> FederationDescriptor.parse(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CareLedgerException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "node-1.example.org",
        "10.0.0.1",
        "::1",
        "fe80::1",
        "2001:db8::8a2e:370:7334",
        "::ffff:10.0.0.1"
      })
  void acceptsHostNamesAndAddressLiterals(String host) {
    assertThat(new ArtemisEndpoint(host, 8080).host()).isEqualTo(host);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-node",
        "node-",
        "a..b",
        "1.2.3",
        "01.2.3.4",
        "1.2.3.4.5",
        "host:80",
        "fe80::1::2",
        "gg::1",
        "[::1]",
        "a b",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.org"
      })
  void rejectsHostsOfNoValidForm(String host) {
    assertThatThrownBy(() -> new ArtemisEndpoint(host, 8080))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENDPOINT_INVALID));
  }

  private static Arguments broken(
      String rule, ErrorCode code, Consumer<Map<String, Object>> breakIt) {
    return Arguments.of(rule, code, breakIt);
  }

  private static Map<String, Object> artemis(Map<String, Object> json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> artemis = (Map<String, Object>) at(json, "members", 0).get("artemis");
    return artemis;
  }

  private static Map<String, Object> batch(Map<String, Object> json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> batch = (Map<String, Object>) at(json, "channels", 0).get("batch");
    return batch;
  }

  /** A deep copy with every object's members in reverse order. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> reversed(Map<String, Object> json) {
    List<String> keys = new ArrayList<>(json.keySet());
    Collections.reverse(keys);
    Map<String, Object> copy = new LinkedHashMap<>();
    for (String key : keys) {
      Object value = json.get(key);
      if (value instanceof Map<?, ?> map) {
        value = reversed((Map<String, Object>) map);
      } else if (value instanceof List<?> items) {
        List<Object> list = new ArrayList<>();
        for (Object item : items) {
          list.add(item instanceof Map<?, ?> m ? reversed((Map<String, Object>) m) : item);
        }
        value = list;
      }
      copy.put(key, value);
    }
    return copy;
  }
}
