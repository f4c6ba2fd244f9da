package org.careledger.domain.federation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * Reads the JSON value model of a descriptor file into a {@link FederationDescriptor}, strictly
 * (exactly the documented fields, each of its type), and writes one back, pretty-printed.
 */
final class DescriptorJson {

  private static final List<String> TOP =
      List.of("federation", "version", "createdAt", "members", "channels");
  private static final List<String> MEMBER =
      List.of(
          "institution", "signingCertificate", "agreementCertificate", "tlsCertificate", "artemis");
  private static final List<String> ARTEMIS = List.of("host", "port");
  private static final List<String> ARTEMIS_OPTIONAL = List.of("tlsPort");
  private static final List<String> CHANNEL =
      List.of("id", "members", "consensus", "consentPolicy", "batch");
  private static final List<String> CHANNEL_OPTIONAL = List.of("joined", "left");
  private static final List<String> BATCH = List.of("maxTransactions", "maxDelayMillis");

  private DescriptorJson() {}

  static FederationDescriptor read(Object value) {
    Map<String, Object> top = object(value, "descriptor");
    // The version first: a newer file should say so, not list its new fields as unknown.
    if (top.containsKey("version")
        && !(top.get("version") instanceof Long v && v == FederationDescriptor.VERSION)) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_DESCRIPTOR_VERSION_UNSUPPORTED,
          "federation descriptor version "
              + top.get("version")
              + " is not supported; this node reads version "
              + FederationDescriptor.VERSION);
    }
    fields(top, TOP, "descriptor");
    FederationId federation = new FederationId(string(top, "federation", "descriptor"));
    long createdAt = integer(top, "createdAt", "descriptor");
    List<FederationMember> members = new ArrayList<>();
    List<Object> memberList = array(top, "members", "descriptor");
    for (int i = 0; i < memberList.size(); i++) {
      members.add(member(memberList.get(i), "members[" + i + "]"));
    }
    List<FederationChannel> channels = new ArrayList<>();
    List<Object> channelList = array(top, "channels", "descriptor");
    for (int i = 0; i < channelList.size(); i++) {
      channels.add(channel(channelList.get(i), "channels[" + i + "]"));
    }
    return new FederationDescriptor(federation, createdAt, members, channels);
  }

  private static FederationMember member(Object value, String where) {
    Map<String, Object> json = object(value, where);
    fields(json, MEMBER, where);
    InstitutionId institution = id(string(json, "institution", where), InstitutionId::new, where);
    Map<String, Object> artemis = object(json.get("artemis"), where + ".artemis");
    fields(artemis, ARTEMIS, ARTEMIS_OPTIONAL, where + ".artemis");
    long port = port(artemis, "port", where);
    long tlsPort =
        artemis.containsKey("tlsPort")
            ? port(artemis, "tlsPort", where)
            : port + ArtemisEndpoint.DEFAULT_TLS_PORT_DISTANCE;
    try {
      return new FederationMember(
          institution,
          FederationMember.certificate(
              string(json, "signingCertificate", where), where + ".signingCertificate"),
          FederationMember.certificate(
              string(json, "agreementCertificate", where), where + ".agreementCertificate"),
          FederationMember.certificate(
              string(json, "tlsCertificate", where), where + ".tlsCertificate"),
          new ArtemisEndpoint(
              string(artemis, "host", where + ".artemis"), (int) port, (int) tlsPort));
    } catch (CareLedgerException e) {
      throw new CareLedgerException(e.errorCode(), where + " (" + institution + "): " + bare(e), e);
    }
  }

  private static long port(Map<String, Object> artemis, String field, String where) {
    long port = integer(artemis, field, where + ".artemis");
    if (port < 1 || port > 65535) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENDPOINT_INVALID,
          where + ".artemis: " + field + " " + port + " is not within 1-65535");
    }
    return port;
  }

  private static FederationChannel channel(Object value, String where) {
    Map<String, Object> json = object(value, where);
    fields(json, CHANNEL, CHANNEL_OPTIONAL, where);
    ChannelId id = id(string(json, "id", where), ChannelId::new, where);
    List<InstitutionId> members = institutions(json, "members", where);
    List<InstitutionId> joined =
        json.containsKey("joined") ? institutions(json, "joined", where) : List.of();
    List<InstitutionId> left =
        json.containsKey("left") ? institutions(json, "left", where) : List.of();
    String mode = string(json, "consensus", where);
    Membership.Mode consensus =
        Membership.Mode.ofWireName(mode)
            .orElseThrow(
                () ->
                    FederationDescriptor.malformed(
                        where + ".consensus '" + mode + "' is not single, unanimity or bft"));
    if (!(json.get("consentPolicy") instanceof Map<?, ?>)) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_CONSENT_POLICY_INVALID, where + ".consentPolicy must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> policy = (Map<String, Object>) json.get("consentPolicy");
    Map<String, Object> batchJson = object(json.get("batch"), where + ".batch");
    fields(batchJson, BATCH, where + ".batch");
    BatchBounds batch =
        new BatchBounds(
            boundedInt(batchJson, "maxTransactions", where + ".batch"),
            boundedInt(batchJson, "maxDelayMillis", where + ".batch"));
    return new FederationChannel(id, members, consensus, policy, batch, joined, left);
  }

  private static List<InstitutionId> institutions(
      Map<String, Object> json, String key, String where) {
    List<InstitutionId> list = new ArrayList<>();
    for (Object member : array(json, key, where)) {
      if (!(member instanceof String name)) {
        throw FederationDescriptor.malformed(where + "." + key + " must hold institution ids");
      }
      list.add(id(name, InstitutionId::new, where + "." + key));
    }
    return list;
  }

  /** The descriptor as the value model, fields in documented order. */
  static Map<String, Object> value(FederationDescriptor descriptor) {
    Map<String, Object> top = new LinkedHashMap<>();
    top.put("federation", descriptor.federation().value());
    top.put("version", (long) descriptor.version());
    top.put("createdAt", descriptor.createdAt());
    List<Object> members = new ArrayList<>();
    for (FederationMember member : descriptor.members()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("institution", member.institution().value());
      json.put("signingCertificate", FederationMember.base64(member.signingCertificate()));
      json.put("agreementCertificate", FederationMember.base64(member.agreementCertificate()));
      json.put("tlsCertificate", FederationMember.base64(member.tlsCertificate()));
      Map<String, Object> artemis = new LinkedHashMap<>();
      artemis.put("host", member.artemis().host());
      artemis.put("port", (long) member.artemis().port());
      artemis.put("tlsPort", (long) member.artemis().tlsPort());
      json.put("artemis", artemis);
      members.add(json);
    }
    top.put("members", members);
    List<Object> channels = new ArrayList<>();
    for (FederationChannel channel : descriptor.channels()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", channel.id().value());
      json.put("members", channel.members().stream().map(m -> (Object) m.value()).toList());
      json.put("consensus", channel.consensus().wireName());
      json.put("consentPolicy", channel.consentPolicy());
      Map<String, Object> batch = new LinkedHashMap<>();
      batch.put("maxTransactions", (long) channel.batch().maxTransactions());
      batch.put("maxDelayMillis", (long) channel.batch().maxDelayMillis());
      json.put("batch", batch);
      if (!channel.joined().isEmpty()) {
        json.put("joined", channel.joined().stream().map(m -> (Object) m.value()).toList());
      }
      if (!channel.left().isEmpty()) {
        json.put("left", channel.left().stream().map(m -> (Object) m.value()).toList());
      }
      channels.add(json);
    }
    top.put("channels", channels);
    return top;
  }

  static byte[] write(FederationDescriptor descriptor) {
    StringBuilder out = new StringBuilder();
    pretty(value(descriptor), 0, out);
    return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Two-space indentation; scalars and strings exactly as RFC 8785 writes them. */
  private static void pretty(Object value, int indent, StringBuilder out) {
    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
      out.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> member : map.entrySet()) {
        out.append("  ".repeat(indent + 1)).append(scalar(member.getKey())).append(": ");
        pretty(member.getValue(), indent + 1, out);
        out.append(++i < map.size() ? ",\n" : "\n");
      }
      out.append("  ".repeat(indent)).append('}');
    } else if (value instanceof List<?> list && !list.isEmpty()) {
      out.append("[\n");
      for (int i = 0; i < list.size(); i++) {
        out.append("  ".repeat(indent + 1));
        pretty(list.get(i), indent + 1, out);
        out.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      out.append("  ".repeat(indent)).append(']');
    } else {
      out.append(scalar(value));
    }
  }

  private static String scalar(Object value) {
    return new String(CanonicalJson.encode(value), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String where) {
    if (!(value instanceof Map<?, ?> map)) {
      throw FederationDescriptor.malformed(where + " must be a JSON object");
    }
    return (Map<String, Object>) map;
  }

  private static void fields(Map<String, Object> json, List<String> expected, String where) {
    fields(json, expected, List.of(), where);
  }

  private static void fields(
      Map<String, Object> json, List<String> expected, List<String> optional, String where) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(json.keySet());
    if (!missing.isEmpty()) {
      throw FederationDescriptor.malformed(where + " lacks " + missing);
    }
    Set<String> unknown = new TreeSet<>(json.keySet());
    expected.forEach(unknown::remove);
    optional.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw FederationDescriptor.malformed(
          where
              + " has unknown fields "
              + unknown
              + "; expected exactly "
              + expected
              + (optional.isEmpty() ? "" : " and optionally " + optional));
    }
  }

  private static String string(Map<String, Object> json, String key, String where) {
    if (!(json.get(key) instanceof String value)) {
      throw FederationDescriptor.malformed(where + "." + key + " must be a string");
    }
    return value;
  }

  private static long integer(Map<String, Object> json, String key, String where) {
    if (!(json.get(key) instanceof Long value)) {
      throw FederationDescriptor.malformed(where + "." + key + " must be an integer");
    }
    return value;
  }

  /** An int field whose out-of-int values are batch bounds errors, not wrapped-around ints. */
  private static int boundedInt(Map<String, Object> json, String key, String where) {
    long value = integer(json, key, where);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE,
          where + "." + key + " " + value + " is out of range");
    }
    return (int) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> array(Map<String, Object> json, String key, String where) {
    if (!(json.get(key) instanceof List<?> list)) {
      throw FederationDescriptor.malformed(where + "." + key + " must be an array");
    }
    return (List<Object>) list;
  }

  private static <T> T id(String value, Function<String, T> constructor, String where) {
    try {
      return constructor.apply(value);
    } catch (CareLedgerException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ID_INVALID,
          where
              + ": '"
              + value
              + "' is not a valid id (2-63 lower-case letters, digits, inner hyphens)");
    }
  }

  /** The message without its "CL-xxxx: " prefix, for re-wrapping with context. */
  private static String bare(CareLedgerException e) {
    String message = e.getMessage();
    String prefix = e.errorCode().code() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
