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

/**
 * Admits federation envelopes received by this node, against the federation descriptor. In this
 * order, cheapest and least trusting first: the envelope decodes; it is for this federation; its
 * channel is one of the descriptor's; its sender is a member of that channel (of the federation,
 * for a channel-less PING); its signature verifies under the sender's signing certificate from the
 * descriptor; and the {@link ReplayGuard} has not seen it and finds it within the acceptance
 * window. The guard comes last so that only authenticated members can occupy it.
 *
 * <p>Thread-safe, as the descriptor and guard are.
 */
public final class EnvelopeVerifier {

  private final FederationDescriptor descriptor;
  private final ReplayGuard guard;
  private final Map<InstitutionId, Ed25519PublicKeyParameters> keys = new HashMap<>();

  /**
   * Whether an institution belongs to a channel now, for channels this node runs (their chain's
   * configuration in force); null where the node does not run the channel, and the descriptor
   * answers (its genesis members and those that joined).
   */
  public interface ChannelMembers {
    Boolean contains(ChannelId channel, InstitutionId institution);
  }

  private final ChannelMembers live;

  public EnvelopeVerifier(FederationDescriptor descriptor, ReplayGuard guard) {
    this(descriptor, guard, (channel, institution) -> null);
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
      Boolean now = live.contains(channel, sender);
      if (now == null ? !spec.runsOn(sender) : !now) {
        throw unknownSender(sender, "channel " + channel);
      }
    } else if (!keys.containsKey(sender)) {
      throw unknownSender(sender, "federation " + descriptor.federation());
    }
    if (!Ed25519.verify(keys.get(sender), envelope.signedMessage(), envelope.signature())) {
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
