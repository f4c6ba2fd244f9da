package org.careledger.domain.federation;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;

/**
 * Admits federation envelopes received by this node, against the federation descriptor. In this
 * order, cheapest and least trusting first: the envelope decodes; it is for this federation; its
 * channel is one of the descriptor's; its sender is a member of that channel (of the federation,
 * for a channel-less PING); its signature verifies under the sender's signing certificate; and the
 * {@link ReplayGuard} has not seen it and finds it within the acceptance window. The guard comes
 * last so that only authenticated members can occupy it.
 *
 * <p>Whose certificate: for a channel this node runs, the chain's. Its configuration in force
 * ({@link ChannelMembers}) says who is a member and under which signing certificate, so a member
 * admitted by the channel's governance is heard even by a node whose descriptor predates it, and a
 * member that renewed its key is heard under the new key only. For other envelopes (channels this
 * node does not run, channel-less pings) the descriptor answers.
 *
 * <p>Thread-safe, as the descriptor and guard are.
 */
public final class EnvelopeVerifier {

  private final FederationDescriptor descriptor;
  private final ReplayGuard guard;
  private final Map<InstitutionId, Ed25519PublicKeyParameters> keys = new HashMap<>();

  /**
   * A channel's members now, for channels this node runs (their chain's configuration in force);
   * null where the node does not run the channel, and the descriptor answers (its genesis members
   * and those that joined, less those that left, under their descriptor certificates).
   */
  public interface ChannelMembers {
    Membership of(ChannelId channel);
  }

  private final ChannelMembers live;

  public EnvelopeVerifier(FederationDescriptor descriptor, ReplayGuard guard) {
    this(descriptor, guard, channel -> null);
  }

  public EnvelopeVerifier(FederationDescriptor descriptor, ReplayGuard guard, ChannelMembers live) {
    this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.live = Objects.requireNonNull(live, "live");
    for (FederationMember member : descriptor.members()) {
      keys.put(member.institution(), Ed25519.publicKey(member.signingCertificate()));
    }
  }

  /**
   * Decodes, checks and admits an envelope.
   *
   * @param nowMillis this node's clock, ms since the epoch
   * @return the admitted envelope
   * @throws CareLedgerException with a FEDERATION_ENVELOPE_* code (or FEDERATION_REPLAY_GUARD_FULL)
   */
  public FederationEnvelope accept(byte[] wire, long nowMillis) {
    FederationEnvelope envelope = FederationEnvelope.decode(wire);
    authenticate(envelope);
    guard.admit(envelope, nowMillis);
    return envelope;
  }

  /** Every check but the replay guard's. */
  public void authenticate(FederationEnvelope envelope) {
    if (!descriptor.federation().equals(envelope.federation())) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENVELOPE_WRONG_FEDERATION,
          "envelope for federation "
              + envelope.federation()
              + " reached a node of "
              + descriptor.federation());
    }
    InstitutionId sender = envelope.sender();
    Ed25519PublicKeyParameters key = null;
    if (envelope.channel().isPresent()) {
      ChannelId channel = envelope.channel().get();
      FederationChannel spec =
          descriptor
              .channel(channel)
              .orElseThrow(
                  () ->
                      new CareLedgerException(
                          ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_CHANNEL,
                          "envelope for channel " + channel + ", which the federation lacks"));
      Membership now = live.of(channel);
      if (now != null) {
        key = now.listed(sender).map(Member::publicKey).orElse(null);
      } else if (spec.runsOn(sender)) {
        key = keys.get(sender);
      }
      if (key == null) {
        throw unknownSender(sender, "channel " + channel);
      }
    } else {
      key = keys.get(sender);
      if (key == null) {
        throw unknownSender(sender, "federation " + descriptor.federation());
      }
    }
    if (!Ed25519.verify(key, envelope.signedMessage(), envelope.signature())) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID,
          "envelope from " + sender + " does not verify under its signing certificate");
    }
  }

  private static CareLedgerException unknownSender(InstitutionId sender, String scope) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER,
        "envelope from " + sender + ", which is not a member of " + scope);
  }
}
