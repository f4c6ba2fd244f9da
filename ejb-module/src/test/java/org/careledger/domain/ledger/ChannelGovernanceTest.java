package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.ledger.LedgerFixture.T0;
import static org.careledger.domain.ledger.TransactionType.CONFIG_APPROVAL;
import static org.careledger.domain.ledger.TransactionType.CONFIG_UPDATE;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChainVerifier.Check;
import org.careledger.domain.ledger.ChannelConfig.Bridge;
import org.careledger.domain.ledger.LedgerFixture.Identity;
import org.junit.jupiter.api.Test;

/**
 * Channel governance on the chain: config updates and approvals folded by {@link ChannelConfig},
 * and {@link ChainVerifier} checking every block under the membership in force at its height.
 */
class ChannelGovernanceTest {

  private static final int A = 0; // hospital-a
  private static final int B = 1; // clinic-b
  private static final int C = 2; // pharmacy-c
  private static final int D = 3; // insurer-d
  private static final InstitutionId LAB = new InstitutionId("lab-e");
  private static final Bridge LAB_BRIDGE = new Bridge("127.0.0.1", 8530, 8893);

  private final ChainVerifier verifier = new ChainVerifier();

  private static LedgerFixture bft() {
    LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
    f.genesis();
    return f;
  }

  /** The configuration in force after the fixture's last block. */
  private static ChannelConfig config(LedgerFixture f) {
    ChannelConfig config = ChannelConfig.genesis(f.blocks.get(0).transactions().get(0));
    for (int h = 0; h < f.blocks.size(); h++) {
      config = config.next(h, f.blocks.get(h).transactions());
    }
    return config;
  }

  /** hospital-a's proposal to admit lab-e, on the configuration {@code base}. */
  private static SignedTransaction addLab(LedgerFixture f, String base, Identity lab) {
    return f.tx(
        A,
        CONFIG_UPDATE,
        ChannelConfig.addMember(base, lab.member(), lab.agreementCertificate(), LAB_BRIDGE));
  }

  private static SignedTransaction approve(LedgerFixture f, int member, SignedTransaction update) {
    return f.tx(member, CONFIG_APPROVAL, ChannelConfig.approval(update.idHex()));
  }

  private ChainVerifier.Report verify(LedgerFixture f) {
    return verifier.verify(f.stored());
  }

  private static void assertFails(
      ChainVerifier.Report report, long height, Check check, String detail) {
    assertThat(report.ok()).as("chain verified").isFalse();
    assertThat(report.failure().height()).isEqualTo(height);
    assertThat(report.failure().check()).isEqualTo(check);
    assertThat(report.failure().detail()).contains(detail);
  }

  @Test
  void aNewMemberJoinsWithTheCurrentQuorumAndFromTheNextHeightTheQuorumIsOfFive() {
    LedgerFixture f = bft();
    Identity lab = LedgerFixture.identity("lab-e", T0);
    SignedTransaction add = addLab(f, config(f).id(), lab);
    f.commit(List.of(add, approve(f, B, add)), A, B, C);

    ChannelConfig pending = config(f);
    assertThat(pending.membership().isMember(LAB)).as("two of the three approvals").isFalse();
    assertThat(pending.pending().get(add.idHex()))
        .containsExactlyInAnyOrder(new InstitutionId("hospital-a"), new InstitutionId("clinic-b"));

    f.commit(List.of(approve(f, C, add)), A, B, C);
    ChannelConfig joined = config(f);
    assertThat(joined.id()).isEqualTo(add.idHex());
    assertThat(joined.since()).isEqualTo(3);
    assertThat(joined.membership().size()).isEqualTo(5);
    assertThat(joined.membership().quorum()).isEqualTo(4);
    assertThat(joined.bridges()).containsEntry(LAB, LAB_BRIDGE);
    assertThat(joined.agreementCertificates()).containsKey(LAB);
    assertThat(joined.pending()).isEmpty();
    assertThat(verify(f).ok()).as(verify(f).toString()).isTrue();

    int e = f.use(lab);
    f.commit(List.of(f.register(e, "lab-1")), A, B, C);
    assertFails(verify(f), 3, Check.CERTIFICATE, "needs 4");

    f.blocks.remove(3);
    f.commit(List.of(f.register(e, "lab-1")), A, B, C, e);
    ChainVerifier.Report report = verify(f);
    assertThat(report.ok()).as(report.toString()).isTrue();
    assertThat(report.blocksVerified()).isEqualTo(4);
  }

  @Test
  void aJoiningMembersTransactionsAndSealsCountOnlyFromTheHeightAfterItsAdmission() {
    LedgerFixture f = bft();
    Identity lab = LedgerFixture.identity("lab-e", T0);
    SignedTransaction add = addLab(f, config(f).id(), lab);
    int e = f.use(lab);
    // Admitted by this very block: still not a member in it.
    f.commit(List.of(add, approve(f, B, add), approve(f, C, add), f.register(e, "early")), A, B, C);

    assertFails(verify(f), 1, Check.TRANSACTION_SIGNATURE, "not a member");

    f.blocks.remove(1);
    f.commit(List.of(add, approve(f, B, add), approve(f, C, add)), A, B, C, e);
    assertFails(verify(f), 1, Check.CERTIFICATE, "non-member lab-e");
  }

  @Test
  void aRemovedMemberIsDecidedOnByTheOthersAndItsLaterSignaturesAreRefused() {
    LedgerFixture f = bft();
    SignedTransaction remove =
        f.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.removeMember(config(f).id(), new InstitutionId("insurer-d")));
    // insurer-d's own approval does not count: it does not decide on its removal.
    f.commit(List.of(remove, approve(f, B, remove), approve(f, D, remove)), A, B, C, D);
    assertThat(config(f).membership().size()).isEqualTo(4);
    assertThat(
            config(f).approvalProblem(remove.idHex(), new InstitutionId("insurer-d")).errorCode())
        .isEqualTo(ErrorCode.CONFIG_APPROVAL_INVALID);

    f.commit(List.of(approve(f, C, remove)), A, B, C, D);
    ChannelConfig removed = config(f);
    assertThat(removed.membership().size()).isEqualTo(3);
    assertThat(removed.membership().mode()).isEqualTo(Membership.Mode.UNANIMITY);
    assertThat(removed.membership().quorum()).isEqualTo(3);

    f.commit(List.of(f.register(A, "after")), A, B, C, D);
    assertFails(verify(f), 3, Check.CERTIFICATE, "non-member insurer-d");

    f.blocks.remove(3);
    f.commit(List.of(f.register(D, "after")), A, B, C);
    assertFails(verify(f), 3, Check.TRANSACTION_SIGNATURE, "not a member");

    f.blocks.remove(3);
    f.commit(List.of(f.register(A, "after")), A, B, C);
    assertThat(verify(f).ok()).isTrue();
  }

  @Test
  void aMemberRenewsWithANewKeyAndKeepsSigningWhileItsOldKeyNoLongerCounts() {
    LedgerFixture f = bft();
    Identity renewed = LedgerFixture.identity("clinic-b", T0);
    SignedTransaction renew =
        f.tx(
            B,
            CONFIG_UPDATE,
            ChannelConfig.renewCertificate(
                config(f).id(), renewed.member(), renewed.agreementCertificate()));
    f.commit(List.of(renew, approve(f, A, renew), approve(f, C, renew)), A, B, C, D);
    assertThat(config(f).pending()).as("three of the others must approve").hasSize(1);
    f.commit(List.of(approve(f, D, renew)), A, B, C, D);
    assertThat(config(f).membership().listed(new InstitutionId("clinic-b")).orElseThrow())
        .isEqualTo(renewed.member());

    // The old key's seal, at the next height:
    f.commit(List.of(f.register(A, "r")), A, B, C, D);
    assertFails(verify(f), 3, Check.CERTIFICATE, "not its signing key");

    f.blocks.remove(3);
    f.use(renewed);
    f.commit(List.of(f.register(B, "r")), A, B, C, D);
    ChainVerifier.Report report = verify(f);
    assertThat(report.ok()).as("blocks 0-2 sealed by the old key, 3 by the new").isTrue();
  }

  @Test
  void aRevokedCertificateStopsSigningAtTheRevocationHeightOnlyAndTheMemberComesBackByRenewal() {
    LedgerFixture f = bft();
    Member clinic = f.members.get(B);
    SignedTransaction revoke =
        f.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.revokeCertificate(
                config(f).id(), clinic.institution(), clinic.signingFingerprint()));
    f.commit(List.of(revoke, approve(f, C, revoke), approve(f, D, revoke)), A, B, C, D);
    assertThat(config(f).membership().revoked()).containsExactly(clinic.signingFingerprint());
    assertThat(config(f).membership().byInstitution(clinic.institution())).isEmpty();
    assertThat(config(f).membership().quorum()).as("still a member: n stays 4").isEqualTo(3);

    f.commit(List.of(f.register(B, "late")), A, C, D);
    assertFails(verify(f), 2, Check.TRANSACTION_SIGNATURE, "revoked or expired");
    f.blocks.remove(2);
    f.commit(List.of(f.register(A, "r")), A, B, C, D);
    assertFails(verify(f), 2, Check.CERTIFICATE, "revoked or expired");
    f.blocks.remove(2);
    f.commit(List.of(f.register(A, "r")), A, C, D);
    assertThat(verify(f).ok()).as("block 1, sealed by clinic-b before, stays valid").isTrue();

    // Back by renewal with a new key, decided by the other three.
    Identity renewed = LedgerFixture.identity("clinic-b", T0);
    SignedTransaction renew =
        f.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.renewCertificate(config(f).id(), renewed.member(), null));
    f.commit(List.of(renew, approve(f, C, renew), approve(f, D, renew)), A, C, D);
    f.use(renewed);
    f.commit(List.of(f.register(B, "back")), A, B, C, D);
    assertThat(verify(f).ok()).isTrue();
  }

  @Test
  void anExpiredCertificateSignsNothingInABlockPastItsNotAfter() {
    LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
    // Valid until T0 + 2 s: blocks 0..2 (times T0 + h s) are within, block 3 is past it.
    f.use(LedgerFixture.identity("insurer-d", T0.minus(Duration.ofDays(825)).plusSeconds(2)));
    f.genesis();
    f.commit(List.of(f.register(D, "r1")), A, B, C, D);
    f.commit(List.of(f.register(A, "r2")), A, B, C, D);
    assertThat(verify(f).ok()).isTrue();

    f.commit(List.of(f.register(A, "r3")), A, B, C, D);
    assertFails(verify(f), 3, Check.CERTIFICATE, "revoked or expired");
    f.blocks.remove(3);
    f.commit(List.of(f.register(D, "r3")), A, B, C);
    assertFails(verify(f), 3, Check.TRANSACTION_SIGNATURE, "revoked or expired");
    f.blocks.remove(3);
    f.commit(List.of(f.register(A, "r3")), A, B, C);
    assertThat(verify(f).ok()).as("the expired member is still counted: 3 of 4").isTrue();
  }

  @Test
  void applyingAnUpdateSupersedesTheOthersAndAnUpdateOnAStaleBaseIsVoid() {
    LedgerFixture f = bft();
    String base = config(f).id();
    Identity lab = LedgerFixture.identity("lab-e", T0);
    SignedTransaction add = addLab(f, base, lab);
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("version", 2L);
    SignedTransaction newPolicy = f.tx(B, CONFIG_UPDATE, ChannelConfig.consentPolicy(base, policy));
    f.commit(List.of(add, newPolicy, approve(f, C, newPolicy), approve(f, D, newPolicy)), A, B, C);
    ChannelConfig after = config(f);
    assertThat(after.consentPolicy()).isEqualTo(policy);
    assertThat(after.pending()).as("the add was based on the configuration before").isEmpty();

    f.commit(List.of(approve(f, B, add), approve(f, C, add)), A, B, C);
    assertThat(config(f).membership().isMember(LAB)).isFalse();
    ChannelConfig.Update stale = ChannelConfig.Update.of(add);
    assertThat(config(f).problem(stale)).contains("is in force");
    assertThat(config(f).approvalProblem(add.idHex(), new InstitutionId("clinic-b")).errorCode())
        .isEqualTo(ErrorCode.CONFIG_PROPOSAL_UNKNOWN);
    assertThat(verify(f).ok()).as("void updates stay on the chain without effect").isTrue();
  }

  @Test
  void updatesThatCannotApplySayWhy() {
    LedgerFixture f = bft();
    ChannelConfig config = config(f);
    Member clinic = f.members.get(B);
    Member insurer = f.members.get(D);

    assertThat(problem(f, A, ChannelConfig.addMember(config.id(), clinic, new byte[0], LAB_BRIDGE)))
        .isInstanceOf(CareLedgerException.class); // an agreement certificate that is none
    Identity lab = LedgerFixture.identity("lab-e", T0);
    Identity another = LedgerFixture.identity("clinic-b", T0);
    assertThat(
            config.problem(
                update(
                    f,
                    A,
                    ChannelConfig.addMember(
                        config.id(), another.member(), lab.agreementCertificate(), LAB_BRIDGE))))
        .contains("already a member");
    assertThat(config.problem(update(f, A, ChannelConfig.removeMember(config.id(), LAB))))
        .contains("not a member");
    assertThat(
            config.problem(
                update(
                    f,
                    A,
                    ChannelConfig.revokeCertificate(
                        config.id(), clinic.institution(), insurer.signingFingerprint()))))
        .contains("is not the signing certificate of clinic-b");
    assertThat(
            config.problem(update(f, A, ChannelConfig.renewCertificate(config.id(), clinic, null))))
        .contains("is the one in force");
    assertThat(config.problem(update(f, A, ChannelConfig.consentPolicy(config.id(), Map.of()))))
        .contains("is the one in force");

    Map<String, Object> unknown = ChannelConfig.removeMember(config.id(), LAB);
    unknown.put("change", "merge-channels");
    assertThat(problem(f, A, unknown).getMessage()).contains("unknown change");
    Map<String, Object> extra = ChannelConfig.removeMember(config.id(), LAB);
    extra.put("cert", "AA");
    assertThat(problem(f, A, extra).getMessage()).contains("exactly the body members");
    assertThat(problem(f, A, extra).errorCode()).isEqualTo(ErrorCode.CONFIG_UPDATE_INVALID);
  }

  @Test
  void aUnanimityChannelRemovesAMemberWithBothOthersAndThenNeedsBothSeals() {
    LedgerFixture f = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c");
    f.genesis();
    SignedTransaction remove =
        f.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.removeMember(config(f).id(), new InstitutionId("pharmacy-c")));
    f.commit(List.of(remove), A, B, C);
    assertThat(config(f).membership().size()).as("clinic-b has not approved").isEqualTo(3);
    f.commit(List.of(approve(f, B, remove)), A, B, C);
    assertThat(config(f).membership().size()).isEqualTo(2);

    f.commit(List.of(f.register(A, "r")), A);
    assertFails(verify(f), 3, Check.CERTIFICATE, "needs 2");
    f.blocks.remove(3);
    f.commit(List.of(f.register(A, "r")), A, B);
    assertThat(verify(f).ok()).isTrue();
  }

  private static ChannelConfig.Update update(
      LedgerFixture f, int author, Map<String, Object> body) {
    return ChannelConfig.Update.of(f.tx(author, CONFIG_UPDATE, body));
  }

  private static CareLedgerException problem(
      LedgerFixture f, int author, Map<String, Object> body) {
    try {
      update(f, author, body);
    } catch (CareLedgerException e) {
      return e;
    }
    throw new AssertionError("accepted: " + body);
  }

  @Test
  void aMalformedUpdateIsRefusedWithItsCode() {
    LedgerFixture f = bft();
    Map<String, Object> body = ChannelConfig.removeMember(config(f).id(), LAB);
    body.put("base", "not-hex");
    assertThatThrownBy(() -> update(f, A, body))
        .isInstanceOf(CareLedgerException.class)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.CONFIG_UPDATE_INVALID);
  }
}
