package org.careledger.federation.tool;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The federation descriptor as the launcher writes and the bridge generator reads it (format fixed
 * by the lead, version 1): members with their certificates and broker address, channels with their
 * members and consensus.
 *
 * <p>TODO(federation merge): reading here is a minimal JSON-P reader of the fields the bridge
 * generator needs. Replace it with org.careledger.domain.federation.FederationDescriptor (the real
 * parser, with its validation and error codes) once that is merged.
 */
record Descriptor(String federation, long createdAt, List<Member> members, List<Channel> channels) {

  private static final Pattern INSTITUTION = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])");

  record Member(
      String institution,
      String signingCertificate,
      String agreementCertificate,
      String tlsCertificate,
      String host,
      int port,
      int tlsPort) {}

  /**
   * A channel. Its consent policy and batch bounds are the operator's to edit in the written
   * descriptor; {@link #keepSettingsOf} carries them over when the launcher writes it again, with
   * the institutions that {@code joined} it or {@code left} it by the channel's governance after
   * its genesis (which stays derived from {@code members}).
   */
  record Channel(
      String id,
      List<String> members,
      String consensus,
      JsonObject consentPolicy,
      int maxTransactions,
      int maxDelayMillis,
      List<String> joined,
      List<String> left) {

    Channel {
      members = List.copyOf(members);
      joined = List.copyOf(joined);
      left = List.copyOf(left);
    }

    Channel(
        String id,
        List<String> members,
        String consensus,
        JsonObject consentPolicy,
        int maxTransactions,
        int maxDelayMillis) {
      this(
          id,
          members,
          consensus,
          consentPolicy,
          maxTransactions,
          maxDelayMillis,
          List.of(),
          List.of());
    }

    /** Defaults: no consent rules yet, blocks of at most 500 transactions or 50 ms. */
    Channel(String id, List<String> members, String consensus) {
      this(id, members, consensus, JsonValue.EMPTY_JSON_OBJECT, 500, 50);
    }

    /** Whose nodes run the channel: genesis members and those that joined, less those that left. */
    List<String> participants() {
      Set<String> all = new LinkedHashSet<>(members);
      all.addAll(joined);
      all.removeAll(left);
      return List.copyOf(all);
    }

    /**
     * This channel after {@code institution} joined it by the channel's governance: listed in
     * {@code joined} unless a genesis member, and no longer in {@code left}.
     */
    Channel join(String institution) {
      List<String> j = new ArrayList<>(joined);
      if (!members.contains(institution) && !j.contains(institution)) {
        j.add(institution);
      }
      List<String> l = new ArrayList<>(left);
      l.remove(institution);
      return new Channel(
          id, members, consensus, consentPolicy, maxTransactions, maxDelayMillis, j, l);
    }

    /** This channel after its governance removed {@code institution}: listed in {@code left}. */
    Channel leave(String institution) {
      check(
          participants().contains(institution),
          institution + " does not take part in channel " + id);
      List<String> l = new ArrayList<>(left);
      l.add(institution);
      return new Channel(
          id, members, consensus, consentPolicy, maxTransactions, maxDelayMillis, joined, l);
    }

    Channel withSettings(
        JsonObject policy, int maxTx, int maxDelay, List<String> j, List<String> l) {
      return new Channel(id, members, consensus, policy, maxTx, maxDelay, j, l);
    }
  }

  /**
   * This descriptor without {@code institution}, which takes part in no channel any more (it left
   * those it had joined; it is no genesis member of any: a genesis needs its certificates).
   */
  Descriptor without(String institution) {
    member(institution);
    List<Channel> kept = new ArrayList<>();
    for (Channel c : channels) {
      check(
          !c.participants().contains(institution) && !c.members().contains(institution),
          institution
              + (c.members().contains(institution)
                  ? " is a genesis member of channel "
                  : " still takes part in channel ")
              + c.id());
      List<String> j = new ArrayList<>(c.joined());
      List<String> l = new ArrayList<>(c.left());
      j.remove(institution);
      l.remove(institution);
      kept.add(c.withSettings(c.consentPolicy(), c.maxTransactions(), c.maxDelayMillis(), j, l));
    }
    return new Descriptor(
        federation,
        createdAt,
        members.stream().filter(m -> !m.institution().equals(institution)).toList(),
        kept);
  }

  /** This descriptor with channel {@code id} replaced by what {@code change} makes of it. */
  Descriptor withChannel(String id, java.util.function.UnaryOperator<Channel> change) {
    check(channels.stream().anyMatch(c -> c.id().equals(id)), "no channel " + id);
    return new Descriptor(
        federation,
        createdAt,
        members,
        channels.stream().map(c -> c.id().equals(id) ? change.apply(c) : c).toList());
  }

  /** {@code channels} with the sharing policies given by channel id; the others as they are. */
  static List<Channel> withPolicies(List<Channel> channels, Map<String, JsonObject> policies) {
    List<Channel> result = new ArrayList<>();
    for (Channel c : channels) {
      JsonObject policy = policies.get(c.id());
      result.add(
          policy == null
              ? c
              : c.withSettings(
                  policy, c.maxTransactions(), c.maxDelayMillis(), c.joined(), c.left()));
    }
    return result;
  }

  /**
   * {@code fresh} channels (from the launcher's command line) with the consent policy and batch
   * bounds of the same-named channels of {@code previous}, the descriptor already written: running
   * the launcher again must not undo an operator's edits (and the genesis, which is derived from
   * them, must not change under the members), nor who joined or left the channel since.
   */
  static List<Channel> keepSettingsOf(Descriptor previous, List<Channel> fresh) {
    List<Channel> kept = new ArrayList<>();
    for (Channel c : fresh) {
      Channel old =
          previous.channels().stream().filter(o -> o.id().equals(c.id())).findFirst().orElse(null);
      kept.add(
          old == null
              ? c
              : c.withSettings(
                  old.consentPolicy(),
                  old.maxTransactions(),
                  old.maxDelayMillis(),
                  old.joined(),
                  old.left()));
    }
    return kept;
  }

  Descriptor {
    members = List.copyOf(members);
    channels = List.copyOf(channels);
    Set<String> names = new LinkedHashSet<>();
    for (Member m : members) {
      check(
          INSTITUTION.matcher(m.institution()).matches(), "bad institution id " + m.institution());
      check(names.add(m.institution()), "member " + m.institution() + " is listed twice");
      check(m.port() > 0 && m.port() < 65536, "bad port for " + m.institution());
      check(!m.host().isBlank(), "no host for " + m.institution());
    }
    for (Channel c : channels) {
      check(c.members().size() >= 1, "channel " + c.id() + " has no members");
      check(
          new LinkedHashSet<>(c.members()).size() == c.members().size(),
          "channel " + c.id() + " lists a member twice");
      for (String m : c.members()) {
        check(names.contains(m), "channel " + c.id() + " names " + m + ", who is not a member");
      }
      for (String m : c.joined()) {
        check(names.contains(m), "channel " + c.id() + " names " + m + ", who is not a member");
        check(!c.members().contains(m), "channel " + c.id() + " lists " + m + " twice");
      }
      for (String m : c.left()) {
        check(
            c.members().contains(m) || c.joined().contains(m),
            "channel " + c.id() + " lists " + m + " as left but never had it");
      }
    }
  }

  Member member(String institution) {
    return members.stream()
        .filter(m -> m.institution().equals(institution))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(institution + " is not a member"));
  }

  /** The members sharing at least one channel with {@code institution}, in descriptor order. */
  List<Member> peersOf(String institution) {
    Set<String> peers = new LinkedHashSet<>();
    for (Channel c : channels) {
      if (c.participants().contains(institution)) {
        peers.addAll(c.participants());
      }
    }
    peers.remove(institution);
    List<Member> result = new ArrayList<>();
    for (Member m : members) {
      if (peers.contains(m.institution())) {
        result.add(m);
      }
    }
    return result;
  }

  static Descriptor read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  static Descriptor parse(String json) {
    try (JsonReader reader = Json.createReader(new StringReader(json))) {
      JsonObject root = reader.readObject();
      check(root.getInt("version", 0) == 1, "only descriptor version 1 is read");
      List<Member> members = new ArrayList<>();
      for (JsonValue v : root.getJsonArray("members")) {
        JsonObject m = v.asJsonObject();
        JsonObject artemis = m.getJsonObject("artemis");
        members.add(
            new Member(
                m.getString("institution"),
                m.getString("signingCertificate"),
                m.getString("agreementCertificate"),
                m.getString("tlsCertificate"),
                artemis.getString("host"),
                artemis.getInt("port"),
                // Written before the descriptor named the HTTPS listener: WildFly's layout.
                artemis.getInt("tlsPort", artemis.getInt("port") + (8443 - 8080))));
      }
      List<Channel> channels = new ArrayList<>();
      for (JsonValue v : root.getJsonArray("channels")) {
        JsonObject c = v.asJsonObject();
        channels.add(
            new Channel(
                c.getString("id"),
                c.getJsonArray("members").getValuesAs(JsonString.class).stream()
                    .map(JsonString::getString)
                    .toList(),
                c.getString("consensus"),
                c.containsKey("consentPolicy")
                    ? c.getJsonObject("consentPolicy")
                    : JsonValue.EMPTY_JSON_OBJECT,
                c.containsKey("batch") ? c.getJsonObject("batch").getInt("maxTransactions") : 500,
                c.containsKey("batch") ? c.getJsonObject("batch").getInt("maxDelayMillis") : 50,
                names(c, "joined"),
                names(c, "left")));
      }
      return new Descriptor(
          root.getString("federation"),
          root.getJsonNumber("createdAt").longValueExact(),
          members,
          channels);
    } catch (JsonException | NullPointerException | ClassCastException | ArithmeticException e) {
      throw new IllegalArgumentException("not a valid federation descriptor: " + e.getMessage(), e);
    }
  }

  private static List<String> names(JsonObject channel, String key) {
    return channel.containsKey(key)
        ? channel.getJsonArray(key).getValuesAs(JsonString.class).stream()
            .map(JsonString::getString)
            .toList()
        : List.of();
  }

  String toJson() {
    JsonArrayBuilder memberArray = Json.createArrayBuilder();
    for (Member m : members) {
      memberArray.add(
          Json.createObjectBuilder()
              .add("institution", m.institution())
              .add("signingCertificate", m.signingCertificate())
              .add("agreementCertificate", m.agreementCertificate())
              .add("tlsCertificate", m.tlsCertificate())
              .add(
                  "artemis",
                  Json.createObjectBuilder()
                      .add("host", m.host())
                      .add("port", m.port())
                      .add("tlsPort", m.tlsPort())));
    }
    JsonArrayBuilder channelArray = Json.createArrayBuilder();
    for (Channel c : channels) {
      JsonObjectBuilder channel =
          Json.createObjectBuilder()
              .add("id", c.id())
              .add("members", Json.createArrayBuilder(c.members()))
              .add("consensus", c.consensus())
              .add("consentPolicy", c.consentPolicy())
              .add(
                  "batch",
                  Json.createObjectBuilder()
                      .add("maxTransactions", c.maxTransactions())
                      .add("maxDelayMillis", c.maxDelayMillis()));
      if (!c.joined().isEmpty()) {
        channel.add("joined", Json.createArrayBuilder(c.joined()));
      }
      if (!c.left().isEmpty()) {
        channel.add("left", Json.createArrayBuilder(c.left()));
      }
      channelArray.add(channel);
    }
    JsonObject root =
        Json.createObjectBuilder()
            .add("federation", federation)
            .add("version", 1)
            .add("createdAt", createdAt)
            .add("members", memberArray)
            .add("channels", channelArray)
            .build();
    StringWriter out = new StringWriter();
    try (JsonWriter writer =
        Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
      writer.writeObject(root);
    }
    return out.toString().strip() + "\n";
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException("federation descriptor: " + problem);
    }
  }
}
