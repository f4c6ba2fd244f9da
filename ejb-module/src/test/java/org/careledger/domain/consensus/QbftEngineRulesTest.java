package org.careledger.domain.consensus;

import static org.careledger.domain.consensus.EngineHarness.broadcasts;
import static org.careledger.domain.consensus.EngineHarness.commits;
import static org.careledger.domain.consensus.EngineHarness.drops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.Test;

/** The engine's individual rules, on a channel of four (a, b, c, d; b proposes round 0). */
class QbftEngineRulesTest {

  private static final long T0 = ConsensusFixture.T0;
  private final EngineHarness h = new EngineHarness(4);
  private final SignedTransaction tx0 = ConsensusFixture.POOL.get(0);
  private final SignedTransaction tx1 = ConsensusFixture.POOL.get(1);

  @Test
  void proposersRotateRoundRobinOverHeightAndRound() {
    QbftEngine engine = h.engine(0, null);
    assertEquals(h.id(1), engine.proposer(1, 0));
    assertEquals(h.id(2), engine.proposer(1, 1));
    assertEquals(h.id(2), engine.proposer(2, 0));
    assertEquals(h.id(1), engine.proposer(1, 4));
  }

  @Test
  void countsEachSenderOnceAndPersistsBeforeSending() {
    QbftEngine engine = h.engine(2, null);
    ProposedBlock a = h.block(1, 10, tx0);
    assertEquals(
        1, broadcasts(engine.onMessage(h.proposal(1, 0, a), T0 + 10), MessageType.PREPARE).size());
    for (int i = 0; i < 3; i++) {
      List<Output> out = engine.onMessage(h.prepare(3, 0, a), T0 + 11);
      assertTrue(broadcasts(out, MessageType.COMMIT).isEmpty(), "d's repeated PREPARE counts once");
    }
    List<Output> out = engine.onMessage(h.prepare(0, 0, a), T0 + 12);
    List<ConsensusMessage> commit = broadcasts(out, MessageType.COMMIT);
    assertEquals(1, commit.size());
    Output.Persist persist = (Output.Persist) out.get(0);
    assertEquals(0, persist.state().lockedRound(), "the lock is persisted with the COMMIT");
    assertTrue(out.indexOf(persist) < out.indexOf(new Output.Broadcast(commit.get(0))));

    for (int i = 0; i < 3; i++) {
      assertTrue(commits(engine.onMessage(h.commit(3, 0, a), T0 + 13)).isEmpty());
    }
    List<Block> committed = commits(engine.onMessage(h.commit(0, 0, a), T0 + 14));
    assertEquals(1, committed.size());
    Block block = committed.get(0);
    assertEquals(3, block.certificate().signatures().size());
    assertNull(
        BlockChecks.certificateProblem(block.header(), block.certificate(), h.membership, h.hmac));
    assertEquals(2, engine.height());
  }

  @Test
  void rejectsAProposalFromAnyoneButTheRoundsProposer() {
    QbftEngine engine = h.engine(2, null);
    List<Output> out = engine.onMessage(h.proposal(0, 0, h.block(0, 10, tx0)), T0 + 10);
    assertEquals(List.of(ErrorCode.CONSENSUS_WRONG_PROPOSER), drops(out));
    assertTrue(broadcasts(out, MessageType.PREPARE).isEmpty());
  }

  @Test
  void dropsMessagesWhoseSignatureIsNotTheSenders() {
    QbftEngine engine = h.engine(2, null);
    ProposedBlock a = h.block(1, 10, tx0);
    engine.onMessage(h.proposal(1, 0, a), T0 + 10);
    Payload claimed = Payload.prepare(ConsensusFixture.CHANNEL, 1, 0, h.id(3), a.digest());
    SignedPayload forged = new SignedPayload(claimed, h.signer(0).sign(claimed.signedBytes()));
    List<Output> out = engine.onMessage(ConsensusMessage.of(forged), T0 + 11);
    assertEquals(List.of(ErrorCode.CONSENSUS_SIGNATURE_INVALID), drops(out));
  }

  @Test
  void aBlockThatDoesNotMatchItsHeaderIsNotPrepared() {
    QbftEngine engine = h.engine(2, null);
    ProposedBlock honest = h.block(1, 10, tx0);
    ProposedBlock swapped = new ProposedBlock(honest.header(), List.of(tx1));
    List<Output> out = engine.onMessage(h.proposal(1, 0, swapped), T0 + 10);
    assertEquals(List.of(ErrorCode.CONSENSUS_PROPOSAL_INVALID), drops(out));
  }

  @Test
  void aLaterRoundProposalNeedsAQuorumOfRoundChanges() {
    QbftEngine engine = h.engine(3, null);
    ProposedBlock b = h.block(2, 20, tx1);
    List<SignedPayload> two = List.of(h.roundChange(0, 1).signed(), h.roundChange(1, 1).signed());
    List<Output> out = engine.onMessage(h.proposal(2, 1, b, two, List.of()), T0 + 20);
    assertEquals(List.of(ErrorCode.CONSENSUS_JUSTIFICATION_INVALID), drops(out));

    List<SignedPayload> three = new ArrayList<>(two);
    three.add(h.roundChange(2, 1).signed());
    out = engine.onMessage(h.proposal(2, 1, b, three, List.of()), T0 + 21);
    assertEquals(1, broadcasts(out, MessageType.PREPARE).size());
    assertEquals(
        1, engine.round(), "a justified proposal for a later round moves the member there");
  }

  @Test
  void theNextProposerReproposesAPreparedValue() {
    ProposedBlock a = h.block(1, 10, tx0);
    List<SignedPayload> certificate =
        List.of(h.preparePayload(0, 0, a), h.preparePayload(1, 0, a), h.preparePayload(3, 0, a));
    QbftEngine leader = h.engine(2, null); // c proposes round 1
    leader.onTransactions(List.of(tx1), T0 + 1);
    leader.onMessage(h.roundChange(0, 1, 0, a, certificate), T0 + 30);
    List<Output> out = leader.onMessage(h.roundChange(1, 1), T0 + 31);
    out = new ArrayList<>(out);
    out.addAll(leader.onMessage(h.roundChange(3, 1), T0 + 32));
    List<ConsensusMessage> proposals = broadcasts(out, MessageType.PROPOSAL);
    assertEquals(1, proposals.size());
    assertArrayEquals(
        a.digest(), proposals.get(0).payload().digest(), "re-proposes the prepared block");
    assertEquals(certificate.size(), proposals.get(0).prepares().size());
  }

  @Test
  void aProposalThatIgnoresAPreparedValueIsRejected() {
    ProposedBlock a = h.block(1, 10, tx0);
    ProposedBlock fresh = h.block(2, 30, tx1);
    List<SignedPayload> certificate =
        List.of(h.preparePayload(0, 0, a), h.preparePayload(1, 0, a), h.preparePayload(3, 0, a));
    List<SignedPayload> roundChanges =
        List.of(
            h.roundChange(0, 1, 0, a, certificate).signed(),
            h.roundChange(1, 1).signed(),
            h.roundChange(2, 1).signed());
    QbftEngine engine = h.engine(3, null);
    List<Output> out = engine.onMessage(h.proposal(2, 1, fresh, roundChanges, List.of()), T0 + 30);
    assertEquals(List.of(ErrorCode.CONSENSUS_JUSTIFICATION_INVALID), drops(out));
    out = engine.onMessage(h.proposal(2, 1, a, roundChanges, certificate), T0 + 31);
    assertEquals(1, broadcasts(out, MessageType.PREPARE).size());
  }

  @Test
  void aRestartedMemberNeverSignsAConflictingPrepareWhereANaiveOneWould() {
    QbftEngine engine = h.engine(2, null);
    ProposedBlock a = h.block(1, 10, tx0);
    ProposedBlock b = h.block(1, 11, tx1); // b equivocates: another block for the same round
    List<Output> out = engine.onMessage(h.proposal(1, 0, a), T0 + 10);
    SignedState persisted = lastPersisted(out);

    QbftEngine restarted =
        h.engine(2, MessageCodec.decodeState(MessageCodec.encodeState(persisted)));
    List<Output> after = restarted.onMessage(h.proposal(1, 0, b), T0 + 20);
    assertTrue(broadcasts(after, MessageType.PREPARE).isEmpty());
    assertEquals(List.of(ErrorCode.CONSENSUS_CONFLICTING_SIGNATURE), drops(after));

    QbftEngine naive = h.engine(2, persisted, QbftEngine.Fault.IGNORE_PERSISTED_STATE);
    List<ConsensusMessage> naivePrepares =
        broadcasts(naive.onMessage(h.proposal(1, 0, b), T0 + 20), MessageType.PREPARE);
    assertEquals(1, naivePrepares.size(), "without its state a member would prepare B too");
  }

  @Test
  void theLockSurvivesARestartAndTravelsInTheRoundChange() {
    QbftEngine engine = h.engine(2, null);
    ProposedBlock a = h.block(1, 10, tx0);
    engine.onMessage(h.proposal(1, 0, a), T0 + 10);
    engine.onMessage(h.prepare(1, 0, a), T0 + 11);
    SignedState persisted = lastPersisted(engine.onMessage(h.prepare(3, 0, a), T0 + 12));
    assertEquals(0, persisted.lockedRound());

    QbftEngine restarted = h.engine(2, persisted);
    List<Output> out = restarted.onTimer(new TimerEvent(TimerEvent.Kind.ROUND, 1, 0), T0 + 5000);
    ConsensusMessage rc = broadcasts(out, MessageType.ROUND_CHANGE).get(0);
    assertEquals(0, rc.payload().preparedRound());
    assertArrayEquals(a.digest(), rc.payload().digest());
    assertEquals(3, rc.prepares().size());
  }

  @Test
  void synchronisationAdoptsOnlyBlocksWithAQuorumOfValidSeals() {
    ProposedBlock a = h.block(1, 10, tx0);
    List<CommitCertificate.Signature> seals = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      seals.add(h.commit(m, 0, a).payload().seal());
    }
    QbftEngine engine = h.engine(3, null);
    Block short1 = a.withCertificate(new CommitCertificate(seals.subList(0, 2)));
    List<Output> out = engine.onBlocksReceived(h.id(0), List.of(short1), T0 + 100);
    assertEquals(List.of(ErrorCode.CONSENSUS_SYNC_BLOCK_INVALID), drops(out));
    List<CommitCertificate.Signature> forged = new ArrayList<>(seals.subList(0, 2));
    forged.add(
        new CommitCertificate.Signature(
            h.id(2),
            ConsensusFixture.MEMBERS.get(2).signingFingerprint(),
            h.signer(0).sign(CommitCertificate.signedMessage(a.header()))));
    out =
        engine.onBlocksReceived(
            h.id(0), List.of(a.withCertificate(new CommitCertificate(forged))), T0 + 100);
    assertEquals(List.of(ErrorCode.CONSENSUS_SYNC_BLOCK_INVALID), drops(out));
    assertEquals(1, engine.height());

    out =
        engine.onBlocksReceived(
            h.id(0), List.of(a.withCertificate(new CommitCertificate(seals))), T0 + 100);
    assertEquals(1, commits(out).size());
    assertEquals(2, engine.height());
  }

  @Test
  void aMessageFromAHigherHeightTriggersSynchronisationFromItsSender() {
    QbftEngine engine = h.engine(3, null);
    List<Output> timeout = engine.onTimer(new TimerEvent(TimerEvent.Kind.ROUND, 1, 0), T0 + 5000);
    assertTrue(timeout.stream().anyMatch(o -> o instanceof Output.RequestSync), "timeouts sync");
    ProposedBlock a = h.block(1, 10, tx0);
    List<CommitCertificate.Signature> seals = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      seals.add(h.commit(m, 0, a).payload().seal());
    }
    engine.onBlocksReceived(
        h.id(0), List.of(a.withCertificate(new CommitCertificate(seals))), T0 + 5001);
    Payload future = Payload.prepare(ConsensusFixture.CHANNEL, 4, 0, h.id(1), new byte[32]);
    List<Output> out = engine.onMessage(ConsensusMessage.of(h.signed(1, future)), T0 + 5002);
    assertTrue(out.contains(new Output.RequestSync(h.id(1), 2)), out.toString());
  }

  @Test
  void unanimityNeedsEveryMembersPrepare() {
    EngineHarness three = new EngineHarness(3);
    QbftEngine engine = three.engine(0, null);
    ProposedBlock a = three.block(1, 10, tx0);
    engine.onMessage(three.proposal(1, 0, a), T0 + 10);
    List<Output> out = engine.onMessage(three.prepare(1, 0, a), T0 + 11);
    assertTrue(broadcasts(out, MessageType.COMMIT).isEmpty(), "two of three do not suffice");
    out = engine.onMessage(three.prepare(2, 0, a), T0 + 12);
    assertEquals(1, broadcasts(out, MessageType.COMMIT).size());
  }

  @Test
  void aSingleMemberCommitsWithItsOwnSeal() {
    EngineHarness one = new EngineHarness(1);
    QbftEngine engine = one.engine(0, null);
    List<Output> out = engine.onTransactions(List.of(tx0, ConsensusFixture.POOL.get(2)), T0 + 5);
    List<Block> committed = commits(out);
    assertEquals(1, committed.size());
    assertEquals(2, committed.get(0).transactions().size());
    assertNull(
        BlockChecks.certificateProblem(
            committed.get(0).header(), committed.get(0).certificate(), one.membership, one.hmac));
  }

  private static SignedState lastPersisted(List<Output> outputs) {
    SignedState last = null;
    for (Output output : outputs) {
      if (output instanceof Output.Persist p) {
        last = p.state();
      }
    }
    return last;
  }
}
