package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.junit.jupiter.api.Test;

class FederationEnvelopeTest {

  static final FederationFixture F = FederationFixture.standard();
  static final FederationDescriptor D = FederationFixture.parse(F.descriptor());
  static final ChannelId CARE = new ChannelId("care-bft");
  static final long NOW = FederationFixture.CREATED_AT + 3_600_000;

  static FederationEnvelope envelope(String sender, MessageType type, long createdAt, byte[] id) {
    return FederationEnvelope.sign(
        D.federation(),
        type == MessageType.PING ? null : CARE,
        new InstitutionId(sender),
        type,
        id,
        createdAt,
        "opaque payload".getBytes(StandardCharsets.US_ASCII),
        F.signingKey(sender));
  }

  static byte[] id(long n) {
    return ByteBuffer.allocate(16).putLong(0x5eed).putLong(n).array();
  }

  @Test
  void roundTripsEveryFieldThroughItsWireForm() {
    FederationEnvelope sent = envelope("hospital-a", MessageType.CONSENSUS, NOW, id(7));

    FederationEnvelope received = FederationEnvelope.decode(sent.encoded());

    assertThat(received).isEqualTo(sent);
    assertThat(received.federation().value()).isEqualTo("local-demo");
    assertThat(received.channel()).contains(CARE);
    assertThat(received.sender().value()).isEqualTo("hospital-a");
    assertThat(received.type()).isEqualTo(MessageType.CONSENSUS);
    assertThat(received.messageId()).isEqualTo(id(7));
    assertThat(received.createdAt()).isEqualTo(NOW);
    assertThat(new String(received.payload(), StandardCharsets.US_ASCII))
        .isEqualTo("opaque payload");
    assertThat(received.hash()).isEqualTo(sent.hash());
    assertThat(new String(sent.encoded(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("CLFE");
    // The same inputs give the same bytes: Ed25519 is deterministic and each field has one form.
    assertThat(envelope("hospital-a", MessageType.CONSENSUS, NOW, id(7)).encoded())
        .isEqualTo(sent.encoded());
  }

  @Test
  void aPingMayNameNoChannelButNothingElseMay() {
    FederationEnvelope ping = envelope("lab-e", MessageType.PING, NOW, id(1));
    assertThat(FederationEnvelope.decode(ping.encoded()).channel()).isEmpty();

    assertThatThrownBy(
            () ->
                FederationEnvelope.sign(
                    D.federation(),
                    null,
                    new InstitutionId("lab-e"),
                    MessageType.SYNC_REQUEST,
                    id(2),
                    NOW,
                    new byte[0],
                    F.signingKey("lab-e")))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENVELOPE_MALFORMED));
  }

  @Test
  void payloadsBeyondTheLimitAreRefusedOnBothSides() {
    byte[] big = new byte[FederationEnvelope.MAX_PAYLOAD_BYTES + 1];
    assertThatThrownBy(
            () ->
                FederationEnvelope.sign(
                    D.federation(),
                    CARE,
                    new InstitutionId("hospital-a"),
                    MessageType.SYNC_RESPONSE,
                    id(3),
                    NOW,
                    big,
                    F.signingKey("hospital-a")))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENVELOPE_TOO_LARGE));

    byte[] wire = envelope("hospital-a", MessageType.CONSENSUS, NOW, id(4)).encoded();
    int lengthAt = wire.length - 64 - 14 - 4;
    ByteBuffer.wrap(wire).putInt(lengthAt, Integer.MAX_VALUE);
    assertThatThrownBy(() -> FederationEnvelope.decode(wire))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENVELOPE_TOO_LARGE));
  }

  @Test
  void anotherVersionAndTrailingBytesAreRejectedWithTheirCodes() {
    byte[] wire = envelope("hospital-a", MessageType.CONSENSUS, NOW, id(5)).encoded();
    byte[] v2 = wire.clone();
    v2[4] = 2;
    byte[] longer = Arrays.copyOf(wire, wire.length + 1);

    assertThatThrownBy(() -> FederationEnvelope.decode(v2))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e ->
                assertThat(e.errorCode())
                    .isEqualTo(ErrorCode.FEDERATION_ENVELOPE_VERSION_UNSUPPORTED));
    assertThatThrownBy(() -> FederationEnvelope.decode(longer))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_ENVELOPE_MALFORMED));
  }

  /**
   * 100,000 seeded inputs: random bytes, truncations and bit flips of valid envelopes. Decoding
   * must answer each with an envelope or a coded rejection, and no altered envelope may pass
   * authentication.
   */
  @Test
  void arbitraryBytesOnlyEverYieldCodedRejectionsAndNoAlteredEnvelopeAuthenticates() {
    Random random = new Random(20261122L);
    EnvelopeVerifier verifier = new EnvelopeVerifier(D, new ReplayGuard());
    byte[][] valid = {
      envelope("hospital-a", MessageType.CONSENSUS, NOW, id(10)).encoded(),
      envelope("lab-e", MessageType.PING, NOW, id(11)).encoded(),
      FederationEnvelope.sign(
              D.federation(),
              CARE,
              new InstitutionId("clinic-b"),
              MessageType.SYNC_RESPONSE,
              id(12),
              NOW,
              new byte[0],
              F.signingKey("clinic-b"))
          .encoded()
    };
    Map<ErrorCode, Integer> codes = new EnumMap<>(ErrorCode.class);
    int decodedAltered = 0;
    for (int i = 0; i < 100_000; i++) {
      byte[] base = valid[random.nextInt(valid.length)];
      byte[] input;
      switch (i % 4) {
        case 0 -> {
          input = new byte[random.nextInt(200)];
          random.nextBytes(input);
          if (input.length >= 5 && random.nextBoolean()) {
            System.arraycopy(base, 0, input, 0, 5); // past the magic and version
          }
        }
        case 1 -> input = Arrays.copyOf(base, random.nextInt(base.length));
        default -> {
          input = base.clone();
          int flips = 1 + random.nextInt(i % 4 == 2 ? 1 : 8);
          for (int f = 0; f < flips; f++) {
            input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
      }
      try {
        FederationEnvelope decoded = FederationEnvelope.decode(input);
        if (!Arrays.equals(input, base)) {
          decodedAltered++;
          try {
            verifier.authenticate(decoded);
            fail("an altered envelope authenticated: iteration " + i);
          } catch (CareLedgerException expected) {
            codes.merge(expected.errorCode(), 1, Integer::sum);
          }
        }
      } catch (CareLedgerException e) {
        codes.merge(e.errorCode(), 1, Integer::sum);
      } catch (RuntimeException e) {
        throw new AssertionError("iteration " + i + " threw " + e, e);
      }
    }
    assertThat(decodedAltered).isPositive();
    assertThat(codes)
        .containsKeys(
            ErrorCode.FEDERATION_ENVELOPE_MALFORMED,
            ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID);
    assertThat(codes.keySet())
        .allMatch(code -> code.name().startsWith("FEDERATION_ENVELOPE_"), "only envelope codes");
  }
}
