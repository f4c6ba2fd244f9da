package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;

/**
 * Fuzzes {@link EnvelopeVerifier#accept} with the fixed membership of {@link
 * FederationEnvelopeTest#D} (five members; channels care-bft and lab-pair). Each input is a short
 * delivery sequence for one fresh {@link ReplayGuard} (a small capacity, clocks that wander and
 * step back): envelopes built from fuzzed fields and signed by a member, an outsider or the wrong
 * key, replays of earlier ones, earlier ones with bytes changed, and raw bytes. Checked: every
 * rejection carries a FEDERATION_ENVELOPE_* code or FEDERATION_REPLAY_GUARD_FULL; an envelope whose
 * federation, channel, sender or signature is wrong is refused with that check's code, before the
 * guard; nothing is written on a rejection (the guard, the verifier's only state, holds no more ids
 * than before); and an admitted envelope offered again at once is a duplicate.
 */
class EnvelopeVerifierFuzzTest {

  private static final Set<ErrorCode> REJECTIONS =
      EnumSet.of(
          ErrorCode.FEDERATION_ENVELOPE_MALFORMED,
          ErrorCode.FEDERATION_ENVELOPE_TOO_LARGE,
          ErrorCode.FEDERATION_ENVELOPE_VERSION_UNSUPPORTED,
          ErrorCode.FEDERATION_ENVELOPE_WRONG_FEDERATION,
          ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_CHANNEL,
          ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER,
          ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID,
          ErrorCode.FEDERATION_ENVELOPE_DUPLICATE,
          ErrorCode.FEDERATION_ENVELOPE_EXPIRED,
          ErrorCode.FEDERATION_ENVELOPE_FROM_THE_FUTURE,
          ErrorCode.FEDERATION_REPLAY_GUARD_FULL);

  private static final Set<ErrorCode> GUARD_CODES =
      EnumSet.of(
          ErrorCode.FEDERATION_ENVELOPE_DUPLICATE,
          ErrorCode.FEDERATION_ENVELOPE_EXPIRED,
          ErrorCode.FEDERATION_ENVELOPE_FROM_THE_FUTURE,
          ErrorCode.FEDERATION_REPLAY_GUARD_FULL);

  private static final FederationFixture OUTSIDER = new FederationFixture("outsider");
  private static final String[] SENDERS = {
    "hospital-a", "clinic-b", "pharmacy-c", "insurer-d", "lab-e", "outsider"
  };
  private static final String[] CHANNELS = {"care-bft", "lab-pair", "other-channel", null};
  private static final String[] FEDERATIONS = {"local-demo", "other-federation"};
  private static final long MINUTE = 60_000;

  /** What an envelope built from fuzzed fields must be refused for, or null. */
  private record Built(byte[] wire, ErrorCode authentication) {}

  @FuzzTest
  void accept(FuzzedDataProvider data) {
    ReplayGuard guard =
        new ReplayGuard(
            Duration.ofMinutes(data.consumeInt(5, 15)),
            Duration.ofMinutes(data.consumeInt(5, 15)),
            data.consumeInt(1, 4));
    EnvelopeVerifier verifier = new EnvelopeVerifier(FederationEnvelopeTest.D, guard);
    long now = FederationEnvelopeTest.NOW;
    List<byte[]> delivered = new ArrayList<>();
    int deliveries = data.consumeInt(1, 6);
    for (int d = 0; d < deliveries && data.remainingBytes() > 0; d++) {
      now += data.consumeLong(-2 * MINUTE, 5 * MINUTE);
      byte[] wire;
      ErrorCode authentication = null;
      boolean built = false;
      switch (delivered.isEmpty() ? 0 : data.consumeInt(0, 3)) {
        case 0 -> {
          Built b = build(data, now);
          wire = b.wire();
          authentication = b.authentication();
          built = true;
        }
        case 1 -> wire = pick(data, delivered).clone();
        case 2 -> wire = damage(data, pick(data, delivered));
        default -> wire = data.consumeBytes(data.consumeInt(0, 300));
      }
      delivered.add(wire);
      int before = guard.size();
      FederationEnvelope admitted;
      try {
        admitted = verifier.accept(wire, now);
      } catch (CareLedgerException e) {
        FederationEnvelopeFuzzTest.requireDocumented(e, REJECTIONS);
        if (built && authentication != null) {
          assertThat(e.errorCode()).isEqualTo(authentication);
        } else if (built) {
          assertThat(e.errorCode()).isIn(GUARD_CODES);
        }
        assertThat(guard.size()).as("ids held after a rejection").isLessThanOrEqualTo(before);
        continue;
      }
      if (built && authentication != null) {
        fail("admitted an envelope that should fail with " + authentication);
      }
      assertThat(admitted.encoded()).isEqualTo(wire);
      assertThat(guard.size()).isBetween(1, before + 1);
      try {
        verifier.accept(wire, now);
        fail("the same envelope was admitted twice");
      } catch (CareLedgerException e) {
        assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENVELOPE_DUPLICATE);
      }
    }
  }

  private static Built build(FuzzedDataProvider data, long now) {
    String federation = data.pickValue(FEDERATIONS);
    String channel = data.pickValue(CHANNELS);
    String sender = data.pickValue(SENDERS);
    String signer = data.consumeBoolean() ? sender : data.pickValue(SENDERS);
    MessageType type = channel == null ? MessageType.PING : data.pickValue(MessageType.values());
    byte[] id = FederationEnvelopeTest.id(data.consumeInt(0, 3));
    long createdAt =
        data.consumeBoolean()
            ? Math.max(0, now + data.consumeLong(-20 * MINUTE, 20 * MINUTE))
            : data.consumeLong(0, Long.MAX_VALUE);
    byte[] payload = data.consumeBytes(data.consumeInt(0, 64));
    FederationFixture keys = signer.equals("outsider") ? OUTSIDER : FederationEnvelopeTest.F;
    byte[] wire =
        FederationEnvelope.sign(
                new FederationId(federation),
                channel == null ? null : new ChannelId(channel),
                new InstitutionId(sender),
                type,
                id,
                createdAt,
                payload,
                keys.signingKey(signer))
            .encoded();
    return new Built(wire, expectedRefusal(federation, channel, sender, signer));
  }

  /** EnvelopeVerifier's checks in its order, from what the descriptor says. */
  private static ErrorCode expectedRefusal(
      String federation, String channel, String sender, String signer) {
    FederationDescriptor d = FederationEnvelopeTest.D;
    if (!federation.equals(d.federation().value())) {
      return ErrorCode.FEDERATION_ENVELOPE_WRONG_FEDERATION;
    }
    InstitutionId from = new InstitutionId(sender);
    if (channel != null) {
      var spec = d.channel(new ChannelId(channel));
      if (spec.isEmpty()) {
        return ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_CHANNEL;
      }
      if (!spec.get().hasMember(from)) {
        return ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER;
      }
    } else if (d.members().stream().noneMatch(m -> m.institution().equals(from))) {
      return ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER;
    }
    return signer.equals(sender) ? null : ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID;
  }

  private static byte[] pick(FuzzedDataProvider data, List<byte[]> delivered) {
    return delivered.get(data.consumeInt(0, delivered.size() - 1));
  }

  private static byte[] damage(FuzzedDataProvider data, byte[] wire) {
    byte[] out = wire.clone();
    if (out.length == 0) {
      return data.consumeBytes(8);
    }
    int changes = data.consumeInt(1, 3);
    for (int i = 0; i < changes; i++) {
      out[data.consumeInt(0, out.length - 1)] ^= (byte) data.consumeInt(1, 255);
    }
    return out;
  }
}
