package org.careledger.domain.federation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * A federation's descriptor: its members, where they listen, and its channels. Every member node
 * holds the same descriptor; the genesis of each channel is derived from it ({@link Genesis}), and
 * federation messages are checked against it ({@link EnvelopeVerifier}). One JSON file per
 * federation (docs/federation-descriptor.md):
 *
 * <pre>{
 *   "federation": "local-demo",
 *   "version": 1,
 *   "createdAt": 1763900000000,
 *   "members": [
 *     { "institution": "hospital-a",
 *       "signingCertificate": "&lt;base64 DER X.509, Ed25519&gt;",
 *       "agreementCertificate": "&lt;base64 DER X.509, X25519&gt;",
 *       "tlsCertificate": "&lt;base64 DER X.509, P-256 or RSA&gt;",
 *       "artemis": { "host": "127.0.0.1", "port": 8180, "tlsPort": 8543 } }, ...],
 *   "channels": [
 *     { "id": "care-bft", "members": ["hospital-a", "clinic-b", "pharmacy-c", "insurer-d"],
 *       "consensus": "bft",
 *       "consentPolicy": { ... },
 *       "batch": { "maxTransactions": 500, "maxDelayMillis": 50 } }, ...]
 * }</pre>
 *
 * <p>The file need not be canonical (any whitespace and member order), but its values must lie in
 * the canonical JSON model of {@link CanonicalJson} (integers only, no repeated names). Every
 * object has exactly the fields shown: a missing or unknown one is rejected, so a typo never passes
 * as a default. {@code createdAt} (ms since the epoch) becomes the genesis time of every channel,
 * so no node's clock enters a genesis. There must be at least one member and one channel.
 *
 * <p>Members and channels are held sorted by id, so two files that differ only in layout or order
 * give equal descriptors, the same {@link #toJson()} bytes and the same {@link #fingerprint()}.
 * Immutable and thread-safe.
 *
 * <p>Rejections carry a FEDERATION_* code naming the rule (see {@link ErrorCode}); bytes that are
 * not JSON of the model keep the ENCODING_* code of {@link CanonicalJson#parse}; a channel whose
 * genesis would exceed the transaction size limit fails with TX_TOO_LARGE.
 */
public final class FederationDescriptor {

  public static final int VERSION = 1;

  private final FederationId federation;
  private final long createdAt;
  private final Map<InstitutionId, FederationMember> members;
  private final Map<ChannelId, FederationChannel> channels;

  public FederationDescriptor(
      FederationId federation,
      long createdAt,
      List<FederationMember> members,
      List<FederationChannel> channels) {
    this.federation = Objects.requireNonNull(federation, "federation");
    if (createdAt < 0 || createdAt > CanonicalJson.MAX_SAFE_INTEGER) {
      throw malformed("createdAt must be milliseconds since the epoch, not " + createdAt);
    }
    this.createdAt = createdAt;
    if (members.isEmpty()) {
      throw malformed("a federation needs at least one member");
    }
    if (channels.isEmpty()) {
      throw malformed("a federation needs at least one channel");
    }
    this.members = indexMembers(federation, members);
    this.channels = indexChannels(channels, this.members);
    for (ChannelId channel : this.channels.keySet()) {
      // Fails now, with its code, rather than when a node first creates the channel.
      Genesis.of(this, channel);
    }
  }

  private static Map<InstitutionId, FederationMember> indexMembers(
      FederationId federation, List<FederationMember> members) {
    Map<InstitutionId, FederationMember> byId = new LinkedHashMap<>();
    Map<Object, InstitutionId> owners = new HashMap<>();
    for (FederationMember member :
        members.stream()
            .sorted((a, b) -> a.institution().value().compareTo(b.institution().value()))
            .toList()) {
      InstitutionId id = member.institution();
      if (id.value().equals(federation.value())) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_ID_CLASHES_WITH_MEMBER,
            "institution " + id + " has the federation's id; the federation id is reserved");
      }
      if (byId.put(id, member) != null) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_MEMBER_DUPLICATE, "institution " + id + " is listed twice");
      }
      claim(owners, List.of("signing", Fingerprint.of(member.signingCertificate()).hex()), id);
      claim(owners, List.of("agreement", Fingerprint.of(member.agreementCertificate()).hex()), id);
      claim(owners, List.of("tls", Fingerprint.of(member.tlsCertificate()).hex()), id);
      claim(
          owners,
          List.of(
              "signing key",
              HexFormat.of().formatHex(member.signingCertificate().getPublicKey().getEncoded())),
          id);
      claim(
          owners,
          List.of(
              "agreement key",
              HexFormat.of().formatHex(member.agreementCertificate().getPublicKey().getEncoded())),
          id);
      ArtemisEndpoint artemis = member.artemis();
      for (int port : new int[] {artemis.port(), artemis.tlsPort()}) {
        List<Object> address = List.of("listener", artemis.host(), port);
        if (owners.putIfAbsent(address, id) != null) {
          throw new CareLedgerException(
              ErrorCode.FEDERATION_ENDPOINT_INVALID,
              "institutions "
                  + owners.get(address)
                  + " and "
                  + id
                  + " share the listener "
                  + artemis.host()
                  + " port "
                  + port);
        }
      }
    }
    return Map.copyOf(byId);
  }

  private static void claim(
      Map<Object, InstitutionId> owners, List<String> what, InstitutionId id) {
    InstitutionId owner = owners.putIfAbsent(what, id);
    if (owner != null) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_MEMBER_DUPLICATE,
          "institutions " + owner + " and " + id + " share the same " + what.get(0));
    }
  }

  private static Map<ChannelId, FederationChannel> indexChannels(
      List<FederationChannel> channels, Map<InstitutionId, FederationMember> members) {
    Map<ChannelId, FederationChannel> byId = new HashMap<>();
    for (FederationChannel channel : channels) {
      if (byId.put(channel.id(), channel) != null) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_CHANNEL_DUPLICATE, "channel " + channel.id() + " is listed twice");
      }
      // Every genesis member too, even one that left: the genesis block names its certificates.
      List<InstitutionId> named = new java.util.ArrayList<>(channel.members());
      named.addAll(channel.joined());
      for (InstitutionId member : named) {
        if (!members.containsKey(member)) {
          throw new CareLedgerException(
              ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED,
              "channel " + channel.id() + " lists " + member + ", which is not a declared member");
        }
      }
    }
    return Map.copyOf(byId);
  }

  /**
   * Reads and validates a descriptor file (UTF-8 JSON, any layout).
   *
   * @throws CareLedgerException with the code of the first rule broken
   */
  public static FederationDescriptor parse(byte[] json) {
    Objects.requireNonNull(json, "json");
    return DescriptorJson.read(CanonicalJson.parse(json));
  }

  /**
   * The descriptor as pretty-printed UTF-8 JSON in the documented field order; parses back equal.
   */
  public byte[] toJson() {
    return DescriptorJson.write(this);
  }

  /** SHA-256 of the canonical encoding of the descriptor: equal exactly for equal descriptors. */
  public String fingerprint() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(CanonicalJson.encode(DescriptorJson.value(this))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public FederationId federation() {
    return federation;
  }

  public int version() {
    return VERSION;
  }

  public long createdAt() {
    return createdAt;
  }

  /** Every member, sorted by institution id. */
  public List<FederationMember> members() {
    return members.values().stream()
        .sorted((a, b) -> a.institution().value().compareTo(b.institution().value()))
        .toList();
  }

  /** Every channel, sorted by id. */
  public List<FederationChannel> channels() {
    return channels.values().stream()
        .sorted((a, b) -> a.id().value().compareTo(b.id().value()))
        .toList();
  }

  public Optional<FederationMember> member(InstitutionId institution) {
    return Optional.ofNullable(members.get(institution));
  }

  public Optional<FederationChannel> channel(ChannelId channel) {
    return Optional.ofNullable(channels.get(channel));
  }

  /** The channels {@code institution} is a member of, sorted by id. */
  public List<FederationChannel> channelsOf(InstitutionId institution) {
    return channels().stream().filter(c -> c.runsOn(institution)).toList();
  }

  /**
   * The other members that share at least one channel with {@code institution}, sorted by id: the
   * peers its node needs bridges to.
   */
  public List<FederationMember> peersOf(InstitutionId institution) {
    TreeSet<String> peers = new TreeSet<>();
    for (FederationChannel channel : channelsOf(institution)) {
      channel.participants().forEach(m -> peers.add(m.value()));
    }
    peers.remove(institution.value());
    return peers.stream().map(id -> members.get(new InstitutionId(id))).toList();
  }

  /** The ledger membership of a channel: its members with their signing certificates. */
  public Membership membership(ChannelId channel) {
    FederationChannel spec =
        channel(channel)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.FEDERATION_CHANNEL_UNKNOWN,
                        "federation " + federation + " has no channel " + channel));
    List<org.careledger.domain.ledger.Member> list = new ArrayList<>();
    for (InstitutionId id : spec.members()) {
      list.add(members.get(id).ledgerMember());
    }
    return new Membership(list);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FederationDescriptor that && fingerprint().equals(that.fingerprint());
  }

  @Override
  public int hashCode() {
    return fingerprint().hashCode();
  }

  @Override
  public String toString() {
    return "FederationDescriptor["
        + federation
        + ", "
        + members.size()
        + " members, "
        + channels.size()
        + " channels]";
  }

  static CareLedgerException malformed(String why) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_DESCRIPTOR_MALFORMED, "federation descriptor: " + why);
  }
}
