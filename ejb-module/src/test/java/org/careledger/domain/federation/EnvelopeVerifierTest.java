package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.federation.FederationEnvelopeTest.CARE;
import static org.careledger.domain.federation.FederationEnvelopeTest.D;
import static org.careledger.domain.federation.FederationEnvelopeTest.F;
import static org.careledger.domain.federation.FederationEnvelopeTest.NOW;
import static org.careledger.domain.federation.FederationEnvelopeTest.envelope;
import static org.careledger.domain.federation.FederationEnvelopeTest.id;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.junit.jupiter.api.Test;

class EnvelopeVerifierTest {

  private final EnvelopeVerifier verifier = new EnvelopeVerifier(D, new ReplayGuard());

  @Test
  void acceptsAChannelMembersEnvelopeOnceAndDropsTheDuplicate() {
    byte[] wire = envelope("clinic-b", MessageType.CONSENSUS, NOW, id(1)).encoded();

    assertThat(verifier.accept(wire, NOW).sender().value()).isEqualTo("clinic-b");
    assertRejected(() -> verifier.accept(wire, NOW + 1), ErrorCode.FEDERATION_ENVELOPE_DUPLICATE);
  }

  @Test
  void aPingFromAnyFederationMemberIsAccepted() {
    assertThat(verifier.accept(envelope("lab-e", MessageType.PING, NOW, id(2)).encoded(), NOW))
        .isNotNull();
  }

  @Test
  void aFederationMemberOutsideTheChannelIsAnUnknownSender() {
    byte[] wire = envelope("lab-e", MessageType.CONSENSUS, NOW, id(3)).encoded();
    assertRejected(() -> verifier.accept(wire, NOW), ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER);
  }

  @Test
  void forAChannelTheNodeRunsTheChainsMembershipDecidesNotTheDescriptor() {
    // As the node's channel runs: lab-e admitted by a config update, clinic-b removed by one.
    Membership chain = members("hospital-a", "pharmacy-c", "insurer-d", "lab-e");
    EnvelopeVerifier live =
        new EnvelopeVerifier(D, new ReplayGuard(), channel -> channel.equals(CARE) ? chain : null);

    assertThat(live.accept(envelope("lab-e", MessageType.CONSENSUS, NOW, id(20)).encoded(), NOW))
        .isNotNull();
    byte[] removed = envelope("clinic-b", MessageType.SYNC_REQUEST, NOW, id(21)).encoded();
    assertRejected(() -> live.accept(removed, NOW), ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER);
  }

  @Test
  void aMemberTheDescriptorDoesNotKnowIsHeardUnderItsChainCertificate() {
    // A descriptor written before radiology-f was admitted: the node knows it from the chain only.
    FederationFixture newcomer = new FederationFixture("radiology-f");
    Membership chain =
        new Membership(
            java.util.List.of(
                member("hospital-a"),
                new Member(
                    new InstitutionId("radiology-f"),
                    newcomer.identities.get("radiology-f").signingCertificate())));
    EnvelopeVerifier live =
        new EnvelopeVerifier(D, new ReplayGuard(), channel -> channel.equals(CARE) ? chain : null);

    byte[] wire =
        FederationEnvelope.sign(
                D.federation(),
                CARE,
                new InstitutionId("radiology-f"),
                MessageType.SYNC_REQUEST,
                id(22),
                NOW,
                new byte[0],
                newcomer.signingKey("radiology-f"))
            .encoded();
    assertThat(live.accept(wire, NOW).sender().value()).isEqualTo("radiology-f");
  }

  @Test
  void aMemberThatRenewedItsKeyIsHeardUnderTheNewKeyOnly() {
    // clinic-b renewed its signing certificate with a new key on the chain; the descriptor still
    // holds the old one.
    FederationFixture renewed = new FederationFixture("clinic-b");
    Membership chain =
        new Membership(
            java.util.List.of(
                member("hospital-a"),
                new Member(
                    new InstitutionId("clinic-b"),
                    renewed.identities.get("clinic-b").signingCertificate())));
    EnvelopeVerifier live =
        new EnvelopeVerifier(D, new ReplayGuard(), channel -> channel.equals(CARE) ? chain : null);

    byte[] oldKey = envelope("clinic-b", MessageType.CONSENSUS, NOW, id(23)).encoded();
    assertRejected(() -> live.accept(oldKey, NOW), ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID);
    byte[] newKey =
        FederationEnvelope.sign(
                D.federation(),
                CARE,
                new InstitutionId("clinic-b"),
                MessageType.CONSENSUS,
                id(24),
                NOW,
                new byte[0],
                renewed.signingKey("clinic-b"))
            .encoded();
    assertThat(live.accept(newKey, NOW).sender().value()).isEqualTo("clinic-b");
  }

  private static Member member(String institution) {
    return new Member(
        new InstitutionId(institution), F.identities.get(institution).signingCertificate());
  }

  private static Membership members(String... institutions) {
    java.util.List<Member> list = new java.util.ArrayList<>();
    for (String institution : institutions) {
      list.add(member(institution));
    }
    return new Membership(list);
  }

  @Test
  void anInstitutionOutsideTheFederationIsAnUnknownSender() {
    FederationFixture outsider = new FederationFixture("outsider");
    byte[] wire =
        FederationEnvelope.sign(
                D.federation(),
                CARE,
                new InstitutionId("outsider"),
                MessageType.CONSENSUS,
                id(4),
                NOW,
                new byte[0],
                outsider.signingKey("outsider"))
            .encoded();
    byte[] ping =
        FederationEnvelope.sign(
                D.federation(),
                null,
                new InstitutionId("outsider"),
                MessageType.PING,
                id(5),
                NOW,
                new byte[0],
                outsider.signingKey("outsider"))
            .encoded();
    assertRejected(() -> verifier.accept(wire, NOW), ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER);
    assertRejected(() -> verifier.accept(ping, NOW), ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_SENDER);
  }

  @Test
  void aMemberSigningInAnothersNameFailsTheSignature() {
    byte[] wire =
        FederationEnvelope.sign(
                D.federation(),
                CARE,
                new InstitutionId("hospital-a"),
                MessageType.CONSENSUS,
                id(6),
                NOW,
                new byte[0],
                F.signingKey("clinic-b"))
            .encoded();
    assertRejected(
        () -> verifier.accept(wire, NOW), ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID);
  }

  @Test
  void anotherFederationOrAnUnknownChannelIsRejected() {
    byte[] otherFederation =
        FederationEnvelope.sign(
                new FederationId("other-demo"),
                CARE,
                new InstitutionId("hospital-a"),
                MessageType.CONSENSUS,
                id(7),
                NOW,
                new byte[0],
                F.signingKey("hospital-a"))
            .encoded();
    byte[] unknownChannel =
        FederationEnvelope.sign(
                D.federation(),
                new ChannelId("nope"),
                new InstitutionId("hospital-a"),
                MessageType.CONSENSUS,
                id(8),
                NOW,
                new byte[0],
                F.signingKey("hospital-a"))
            .encoded();
    assertRejected(
        () -> verifier.accept(otherFederation, NOW),
        ErrorCode.FEDERATION_ENVELOPE_WRONG_FEDERATION);
    assertRejected(
        () -> verifier.accept(unknownChannel, NOW), ErrorCode.FEDERATION_ENVELOPE_UNKNOWN_CHANNEL);
  }

  @Test
  void aRejectedForgeryDoesNotBlockTheGenuineEnvelopeWithTheSameId() {
    byte[] forged =
        FederationEnvelope.sign(
                D.federation(),
                CARE,
                new InstitutionId("hospital-a"),
                MessageType.CONSENSUS,
                id(9),
                NOW,
                new byte[0],
                F.signingKey("clinic-b"))
            .encoded();
    assertRejected(
        () -> verifier.accept(forged, NOW), ErrorCode.FEDERATION_ENVELOPE_SIGNATURE_INVALID);

    assertThat(
            verifier.accept(
                envelope("hospital-a", MessageType.CONSENSUS, NOW, id(9)).encoded(), NOW))
        .isNotNull();
  }

  @Test
  void clocksFiveMinutesApartStillTalk() {
    long fiveMinutes = 5 * 60_000L;
    assertThat(
            verifier.accept(
                envelope("hospital-a", MessageType.CONSENSUS, NOW + fiveMinutes, id(10)).encoded(),
                NOW))
        .isNotNull();
    assertThat(
            verifier.accept(
                envelope("hospital-a", MessageType.CONSENSUS, NOW - fiveMinutes, id(11)).encoded(),
                NOW))
        .isNotNull();
  }

  private static void assertRejected(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
