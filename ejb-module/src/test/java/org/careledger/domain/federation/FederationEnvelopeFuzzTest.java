package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.FuzzContract;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link FederationEnvelope#decode}, the first thing a node does with bytes from a peer's
 * bridge. Any input is an envelope or a rejection with FEDERATION_ENVELOPE_MALFORMED, _TOO_LARGE or
 * _VERSION_UNSUPPORTED (never the decoder's "unreadable envelope" safety net, which would mean an
 * unexpected exception inside it), and an envelope that decodes has exactly one byte form: its
 * fields, signed again, give the same bytes up to the signature. Decoding is pure, so there is no
 * partial write to look for. Seeds: an envelope of every type, here and under {@code
 * FederationEnvelopeFuzzTestInputs/decode/}.
 */
class FederationEnvelopeFuzzTest {

  private static final Set<ErrorCode> REJECTIONS =
      EnumSet.of(
          ErrorCode.FEDERATION_ENVELOPE_MALFORMED,
          ErrorCode.FEDERATION_ENVELOPE_TOO_LARGE,
          ErrorCode.FEDERATION_ENVELOPE_VERSION_UNSUPPORTED);

  /** decode does not check signatures, so any key makes seeds; and re-signing leaves them out. */
  private static final Ed25519PrivateKeyParameters KEY =
      new Ed25519PrivateKeyParameters(new byte[32]);

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    long n = 0;
    for (MessageType type : MessageType.values()) {
      seeds.add(
          FederationEnvelope.sign(
                  new FederationId("local-demo"),
                  type == MessageType.PING ? null : new ChannelId("care-bft"),
                  new InstitutionId("hospital-a"),
                  type,
                  FederationEnvelopeTest.id(++n),
                  FederationEnvelopeTest.NOW,
                  ("payload of a " + type).getBytes(StandardCharsets.US_ASCII),
                  KEY)
              .encoded());
    }
    return seeds;
  }

  /**
   * {@link FuzzContract#requireDocumented}, and not the decoder's safety net, which keeps only the
   * name of the exception it caught.
   */
  static void requireDocumented(CareLedgerException e, Set<ErrorCode> codes) {
    FuzzContract.requireDocumented(e, codes);
    if (e.getMessage()
        .startsWith(ErrorCode.FEDERATION_ENVELOPE_MALFORMED.code() + ": unreadable envelope (")) {
      throw new AssertionError("the safety net turned a crash into " + e.errorCode().name(), e);
    }
  }

  @MethodSource("seeds")
  @FuzzTest
  void decode(byte[] input) {
    FederationEnvelope envelope;
    try {
      envelope = FederationEnvelope.decode(input);
    } catch (CareLedgerException e) {
      requireDocumented(e, REJECTIONS);
      return;
    }
    assertThat(envelope.encoded()).isEqualTo(input);
    byte[] again =
        FederationEnvelope.sign(
                envelope.federation(),
                envelope.channel().orElse(null),
                envelope.sender(),
                envelope.type(),
                envelope.messageId(),
                envelope.createdAt(),
                envelope.payload(),
                KEY)
            .encoded();
    assertThat(Arrays.copyOf(again, again.length - 64))
        .isEqualTo(Arrays.copyOf(input, input.length - 64));
  }
}
