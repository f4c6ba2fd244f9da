package org.careledger.domain.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelId;
import org.junit.jupiter.api.Test;

class EquivocationWatchTest {

  private static final ChannelId CHANNEL = new ChannelId("care-bft");
  private static final InstitutionId CLINIC = new InstitutionId("clinic-b");
  private static final InstitutionId HOSPITAL = new InstitutionId("hospital-a");

  private static byte[] digest(int b) {
    byte[] d = new byte[32];
    d[0] = (byte) b;
    return d;
  }

  @Test
  void twoPreparesOfOneMemberForDifferentBlocksInOneRoundAreAConflict() {
    EquivocationWatch watch = new EquivocationWatch(10);

    assertThat(watch.observe(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(1)))).isEmpty();
    var conflict = watch.observe(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(2)));

    assertThat(conflict).isPresent();
    assertThat(conflict.get().member()).isEqualTo(CLINIC);
    assertThat(conflict.get().type()).isEqualTo(MessageType.PREPARE);
    assertThat(conflict.get().height()).isEqualTo(5);
    assertThat(watch.counts()).containsExactly(java.util.Map.entry("clinic-b", 1L));
    assertThat(watch.evidence()).hasSize(1);
  }

  @Test
  void copiesOtherRoundsOtherKindsAndOtherMembersAreNot() {
    EquivocationWatch watch = new EquivocationWatch(10);

    watch.observe(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(1)));
    assertThat(watch.observe(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(1))))
        .as("the same payload again (a bridge's duplicate, a resend)")
        .isEmpty();
    assertThat(watch.observe(Payload.prepare(CHANNEL, 5, 1, CLINIC, digest(2))))
        .as("another round")
        .isEmpty();
    assertThat(watch.observe(Payload.proposal(CHANNEL, 5, 0, CLINIC, digest(2))))
        .as("another kind")
        .isEmpty();
    assertThat(watch.observe(Payload.prepare(CHANNEL, 5, 0, HOSPITAL, digest(2))))
        .as("another member")
        .isEmpty();
    assertThat(watch.observe(Payload.prepare(CHANNEL, 6, 0, CLINIC, digest(2))))
        .as("another height")
        .isEmpty();
    assertThat(watch.counts()).isEmpty();
  }

  @Test
  void twoDifferentRoundChangesForOneRoundAreAConflict() {
    EquivocationWatch watch = new EquivocationWatch(10);

    watch.observe(Payload.roundChange(CHANNEL, 7, 2, HOSPITAL, -1, null));
    assertThat(watch.observe(Payload.roundChange(CHANNEL, 7, 2, HOSPITAL, 1, digest(3))))
        .isPresent();
    assertThat(watch.counts()).containsEntry("hospital-a", 1L);
  }

  @Test
  void aForgedPayloadIsEvidenceAgainstNobody() {
    EquivocationWatch watch = new EquivocationWatch(10);
    var keys = new org.careledger.domain.identity.NodeIdentityGenerator();
    var clinic = keys.generate(CLINIC, java.time.Instant.now(), java.util.List.of());
    var member = new org.careledger.domain.ledger.Member(CLINIC, clinic.signingCertificate());
    var membership = new org.careledger.domain.ledger.Membership(java.util.List.of(member));
    ConsensusSigner signer =
        Ed25519Signatures.signer(
            member, org.careledger.domain.crypto.Ed25519.privateKey(clinic.signingKey()));
    SignatureVerifier verifier = Ed25519Signatures.VERIFIER;

    var signed = SignedPayload.sign(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(1)), signer);
    var other = SignedPayload.sign(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(2)), signer);
    var forged = new SignedPayload(Payload.prepare(CHANNEL, 5, 0, CLINIC, digest(3)), new byte[64]);

    assertThat(watch.observe(signed, membership, verifier)).isEmpty();
    assertThat(watch.observe(forged, membership, verifier)).as("a broken signature").isEmpty();
    assertThat(watch.observe(other, membership, verifier)).as("really signed").isPresent();
  }

  @Test
  void heightsFarBelowTheHighestAreForgottenSoMemoryStaysBounded() {
    EquivocationWatch watch = new EquivocationWatch(3);

    watch.observe(Payload.prepare(CHANNEL, 1, 0, CLINIC, digest(1)));
    watch.observe(Payload.prepare(CHANNEL, 10, 0, CLINIC, digest(1)));

    assertThat(watch.observe(Payload.prepare(CHANNEL, 1, 0, CLINIC, digest(2))))
        .as("too old to judge: not kept")
        .isEmpty();
    assertThat(watch.observe(Payload.prepare(CHANNEL, 10, 0, CLINIC, digest(2)))).isPresent();
  }
}
