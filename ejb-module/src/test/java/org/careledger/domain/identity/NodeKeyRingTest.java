package org.careledger.domain.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which key a channel is renewed to: an institution renewing its channels one after another gives
 * each the same new key; renewing a channel again (the next year) gives it a newer key; a
 * certificate renewed for an old key never counts as a newer key.
 */
class NodeKeyRingTest {

  private static final Instant T0 = Instant.parse("2026-01-10T09:00:00Z");
  private static final NodeIdentityGenerator GENERATOR = new NodeIdentityGenerator();

  private final NodeIdentity k1 = GENERATOR.generate(new InstitutionId("clinic-b"), T0, List.of());
  private final List<NodeIdentity> renewals = new ArrayList<>();

  private NodeKeyRing ring() {
    return new NodeKeyRing(k1, renewals);
  }

  private NodeIdentity newKey(Instant at) {
    NodeIdentity made = GENERATOR.nextSigningKey(k1, at);
    renewals.add(made);
    return made;
  }

  @Test
  void channelsRenewedInTurnShareTheNewKeyAndARenewedChannelGetsANewerOne() {
    assertThat(ring().newerKeyThan(k1)).as("no renewal yet").isEmpty();
    NodeIdentity k2 = newKey(T0.plusSeconds(86_400));

    // Channel A renewed to k2; channel B, still at k1, is renewed to the same k2.
    assertThat(ring().newerKeyThan(k1)).contains(k2);
    // A year later channel A (at k2) renews again: nothing newer than k2 yet, so a new key k3.
    assertThat(ring().newerKeyThan(k2)).isEmpty();
    NodeIdentity k3 = newKey(T0.plusSeconds(400 * 86_400L));
    assertThat(ring().newerKeyThan(k2)).contains(k3);
    // Channel B, still at k1, goes straight to the newest key.
    assertThat(ring().newerKeyThan(k1)).contains(k3);
    assertThat(ring().newerKeyThan(k3)).isEmpty();
    assertThat(ring().newest()).contains(k3);
  }

  @Test
  void aNewCertificateForAnOldKeyIsNeverTakenForANewerKey() {
    NodeIdentity k2 = newKey(T0.plusSeconds(86_400));
    // Later, a channel still at k1 renews only its certificate (same key).
    NodeIdentity k1Again = GENERATOR.recertify(k1, k1, T0.plusSeconds(200 * 86_400L));
    renewals.add(k1Again);

    assertThat(NodeKeyRing.sameKey(k1Again, k1)).isTrue();
    assertThat(ring().newerKeyThan(k2)).as("k1's new certificate is not newer than k2").isEmpty();
    assertThat(ring().newerKeyThan(k1Again)).contains(k2);
    // Every certificate the node holds is found by its fingerprint, to sign where it is named.
    for (NodeIdentity identity : List.of(k1, k2, k1Again)) {
      assertThat(ring().find(identity.signingFingerprint())).contains(identity);
    }
    assertThat(ring().find(new NodeKeyRing(k1, List.of()).identities().get(0).signingFingerprint()))
        .contains(k1);
  }

  @Test
  void theNewestKeyOfTwoMadeInTheSameSecondIsTheOneMadeLast() {
    Instant at = T0.plusSeconds(3_600);
    NodeIdentity first = newKey(at);
    NodeIdentity second = newKey(at);

    assertThat(ring().newerKeyThan(k1)).contains(second);
    assertThat(ring().newerKeyThan(first)).contains(second);
    assertThat(ring().newerKeyThan(second)).isEmpty();
  }
}
