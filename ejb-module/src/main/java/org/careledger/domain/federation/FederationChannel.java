package org.careledger.domain.federation;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * A channel as the descriptor declares it. Members are kept sorted by institution id, so the same
 * channel reads the same whatever order a file lists them in. The consensus mode must be the one
 * {@link Membership.Mode#forSize} gives for the member count: it is declared anyway so an operator
 * who means a BFT channel and lists three members is told, instead of silently getting unanimity.
 * The consent policy is any JSON object of the canonical model, kept as it is (deep-copied, its
 * members in canonical order) for the sharing policy to read.
 *
 * <p>{@code members} are the channel's members at its genesis, from which every node derives the
 * same genesis block; {@code joined} (optional in the file, empty by default) names institutions
 * admitted later by the channel's own governance ({@code ChannelConfig}): their nodes run the
 * channel, take its chain from genesis by synchronisation and vote from the height the chain admits
 * them. {@code left} (optional, empty by default) names genesis or joined members the channel's
 * governance removed: their nodes stop running the channel (they keep the chain they hold, and take
 * nothing new of it). Who may sign at a height is the chain's to say, never the descriptor's: these
 * two lists only tell each node which channels to run and whom to bridge to.
 */
public record FederationChannel(
    ChannelId id,
    List<InstitutionId> members,
    Membership.Mode consensus,
    Map<String, Object> consentPolicy,
    BatchBounds batch,
    List<InstitutionId> joined,
    List<InstitutionId> left) {

  public FederationChannel(
      ChannelId id,
      List<InstitutionId> members,
      Membership.Mode consensus,
      Map<String, Object> consentPolicy,
      BatchBounds batch,
      List<InstitutionId> joined) {
    this(id, members, consensus, consentPolicy, batch, joined, List.of());
  }

  public FederationChannel(
      ChannelId id,
      List<InstitutionId> members,
      Membership.Mode consensus,
      Map<String, Object> consentPolicy,
      BatchBounds batch) {
    this(id, members, consensus, consentPolicy, batch, List.of(), List.of());
  }

  @SuppressWarnings("unchecked")
  public FederationChannel {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(consensus, "consensus");
    Objects.requireNonNull(batch, "batch");
    if (members == null || members.isEmpty()) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED, "channel " + id + " lists no member");
    }
    Set<InstitutionId> seen = new HashSet<>();
    for (InstitutionId member : members) {
      if (!seen.add(Objects.requireNonNull(member, "member"))) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED,
            "channel " + id + " lists " + member + " twice");
      }
    }
    members = members.stream().sorted((a, b) -> a.value().compareTo(b.value())).toList();
    joined = joined == null ? List.of() : joined;
    for (InstitutionId later : joined) {
      if (!seen.add(Objects.requireNonNull(later, "joined"))) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED,
            "channel " + id + " lists " + later + " twice (members and joined)");
      }
    }
    joined = joined.stream().sorted((a, b) -> a.value().compareTo(b.value())).toList();
    left = left == null ? List.of() : left;
    Set<InstitutionId> gone = new HashSet<>();
    for (InstitutionId removed : left) {
      if (!seen.contains(Objects.requireNonNull(removed, "left")) || !gone.add(removed)) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_CHANNEL_MEMBER_UNDECLARED,
            "channel "
                + id
                + " lists "
                + removed
                + " as left, which is not one of its members or joined, or is listed twice");
      }
    }
    left = left.stream().sorted((a, b) -> a.value().compareTo(b.value())).toList();
    Membership.Mode expected = Membership.Mode.forSize(members.size());
    if (consensus != expected) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_CONSENSUS_MISMATCH,
          "channel "
              + id
              + " declares consensus '"
              + consensus.wireName()
              + "' but its "
              + members.size()
              + " members call for '"
              + expected.wireName()
              + "' (single: 1, unanimity: 2-3, bft: 4 or more)");
    }
    if (consentPolicy == null) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_CONSENT_POLICY_INVALID,
          "channel " + id + " needs a consentPolicy object");
    }
    try {
      consentPolicy =
          (Map<String, Object>) CanonicalJson.decode(CanonicalJson.encode(consentPolicy));
    } catch (CareLedgerException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_CONSENT_POLICY_INVALID,
          "channel "
              + id
              + " has a consentPolicy outside the canonical JSON model: "
              + e.getMessage(),
          e);
    }
    // The sharing policy every member evaluates while validating blocks: a descriptor whose
    // policy cannot be read is refused here, before any genesis is derived from it.
    org.careledger.domain.sharing.SharingPolicy.parse(consentPolicy);
  }

  /** Whether {@code institution} is a genesis member. */
  public boolean hasMember(InstitutionId institution) {
    return members.contains(institution);
  }

  /**
   * Whether {@code institution}'s node runs the channel: a genesis member or one that joined, and
   * has not left.
   */
  public boolean runsOn(InstitutionId institution) {
    return (members.contains(institution) || joined.contains(institution))
        && !left.contains(institution);
  }

  /** Whether {@code institution} took part in the channel and left it (descriptor {@code left}). */
  public boolean hasLeft(InstitutionId institution) {
    return left.contains(institution);
  }

  /** Genesis members, then those that joined, less those that left. */
  public List<InstitutionId> participants() {
    List<InstitutionId> all = new java.util.ArrayList<>(members);
    all.addAll(joined);
    all.removeAll(left);
    return List.copyOf(all);
  }
}
