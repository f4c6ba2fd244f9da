package org.careledger.application.internal;

import static org.careledger.domain.consensus.ConsensusTestKit.T0;
import static org.careledger.domain.consensus.ConsensusTestKit.block;
import static org.careledger.domain.consensus.ConsensusTestKit.broadcasts;
import static org.careledger.domain.consensus.ConsensusTestKit.drops;
import static org.careledger.domain.consensus.ConsensusTestKit.id;
import static org.careledger.domain.consensus.ConsensusTestKit.membership;
import static org.careledger.domain.consensus.ConsensusTestKit.signatureValid;
import static org.careledger.domain.consensus.ConsensusTestKit.signer;
import static org.careledger.domain.consensus.ConsensusTestKit.transaction;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.application.internal.ByzantineMode.Behaviour;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.consensus.ConsensusMessage;
import org.careledger.domain.consensus.ConsensusSigner;
import org.careledger.domain.consensus.ConsensusTestKit;
import org.careledger.domain.consensus.MessageType;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.consensus.QbftEngine;
import org.careledger.domain.ledger.ChannelId;
import org.junit.jupiter.api.Test;

/**
 * The Byzantine test mode on a channel of four with real Ed25519 keys (a, b, c, d; b proposes
 * height 1, round 0), against honest engines.
 */
class ByzantineModeTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final int D = 3;

  private static ByzantineMode mode(Behaviour... behaviours) {
    return new ByzantineMode(EnumSet.copyOf(List.of(behaviours)), 7);
  }

  /** What each peer of {@code self} receives when the engine broadcasts {@code message}. */
  private static Map<Integer, List<ConsensusMessage>> broadcast(
      ByzantineMode mode, int self, ConsensusMessage message) {
    Map<Integer, List<ConsensusMessage>> sent = new LinkedHashMap<>();
    for (int peer = 0; peer < ConsensusTestKit.N; peer++) {
      if (peer != self) {
        sent.put(peer, mode.outbound(message, id(peer), membership(), signer(self)));
      }
    }
    return sent;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  // ---- parse

  @Test
  void parsesACommaSeparatedListIgnoringCaseAndBlanks() {
    ByzantineMode all = ByzantineMode.parse(" Equivocate,FORGE , replay");
    assertTrue(all.active());
    assertEquals(EnumSet.allOf(Behaviour.class), all.behaviours());
    assertEquals("equivocate,forge,replay", all.describe());
    assertEquals(Set.of(Behaviour.FORGE), ByzantineMode.parse("forge").behaviours());
  }

  @Test
  void blankOrNullIsInactive() {
    for (String spec : new String[] {null, "", "   ", " , "}) {
      ByzantineMode mode = ByzantineMode.parse(spec);
      assertFalse(mode.active(), "'" + spec + "'");
      assertTrue(mode.behaviours().isEmpty());
    }
  }

  @Test
  void anUnknownWordIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ByzantineMode.parse("forge,lie"));
    assertTrue(e.getMessage().contains("'lie'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ByzantineMode.parse("silent"));
  }

  // ---- inactive

  @Test
  void inactivePassesEverythingThroughUnchanged() {
    ByzantineMode honest = ByzantineMode.parse("");
    ConsensusMessage proposal = ConsensusTestKit.proposal(B, 0, block(B, 10, transaction(0)));
    for (int peer : new int[] {A, C, D}) {
      List<ConsensusMessage> out = honest.outbound(proposal, id(peer), membership(), signer(B));
      assertEquals(1, out.size());
      assertSame(proposal, out.get(0));
    }
    assertTrue(honest.inbound(proposal, signer(D)).isEmpty());
  }

  // ---- equivocate

  @Test
  void anEquivocatingProposerSendsTwoValidConflictingProposalsToDifferentPeers() {
    ByzantineMode mode = mode(Behaviour.EQUIVOCATE);
    ProposedBlock real = block(B, 10, transaction(0), transaction(1));
    ConsensusMessage proposal = ConsensusTestKit.proposal(B, 0, real);
    Map<Integer, List<ConsensusMessage>> sent = broadcast(mode, B, proposal);

    // Peers of b in member order: a, c, d; every second one (c) gets the alternative.
    assertEquals(List.of(proposal), sent.get(A));
    assertEquals(List.of(proposal), sent.get(D));
    List<ConsensusMessage> toC = sent.get(C);
    ConsensusMessage alternative = toC.get(0);
    assertEquals(MessageType.PROPOSAL, alternative.type());
    assertEquals(proposal.height(), alternative.height());
    assertEquals(proposal.round(), alternative.round());
    assertEquals(id(B), alternative.sender());
    assertNotEquals(hex(proposal.payload().digest()), hex(alternative.payload().digest()));
    assertTrue(signatureValid(proposal));
    assertTrue(signatureValid(alternative), "the alternative is properly signed by b");
    assertEquals(List.of(transaction(0)), alternative.block().transactions());
    assertEquals(real.header().time() + 1, alternative.block().header().time());
    assertArrayEquals(real.header().previousHash(), alternative.block().header().previousHash());
    // b also votes for its alternative.
    assertEquals(
        List.of(MessageType.PREPARE, MessageType.COMMIT),
        toC.subList(1, 3).stream().map(ConsensusMessage::type).toList());
    for (ConsensusMessage vote : toC.subList(1, 3)) {
      assertArrayEquals(alternative.payload().digest(), vote.payload().digest());
      assertTrue(signatureValid(vote));
    }
    assertTrue(ConsensusTestKit.sealValid(toC.get(2)));

    // Both are valid proposals: an honest member prepares whichever it receives.
    QbftEngine honestA = ConsensusTestKit.engine(A);
    List<ConsensusMessage> prepA =
        broadcasts(honestA.onMessage(sent.get(A).get(0), T0 + 20), MessageType.PREPARE);
    QbftEngine honestC = ConsensusTestKit.engine(C);
    List<ConsensusMessage> prepC =
        broadcasts(honestC.onMessage(alternative, T0 + 20), MessageType.PREPARE);
    assertEquals(1, prepA.size());
    assertEquals(1, prepC.size());
    assertArrayEquals(real.digest(), prepA.get(0).payload().digest());
    assertArrayEquals(alternative.block().digest(), prepC.get(0).payload().digest());
  }

  @Test
  void onlyFreshOwnProposalsAreRewritten() {
    ByzantineMode mode = mode(Behaviour.EQUIVOCATE);
    ProposedBlock real = block(B, 10, transaction(0));
    ConsensusMessage prepare = ConsensusTestKit.prepare(B, 0, real);
    assertEquals(List.of(prepare), mode.outbound(prepare, id(C), membership(), signer(B)));
    // Someone else's proposal relayed by d is not d's to equivocate on.
    ConsensusMessage others = ConsensusTestKit.proposal(B, 0, real);
    assertEquals(List.of(others), mode.outbound(others, id(B), membership(), signer(D)));
  }

  @Test
  void inboundEquivocationVotesForTwoConflictingProposalsAtOneHeightAndRound() {
    ByzantineMode mode = mode(Behaviour.EQUIVOCATE);
    ConsensusSigner d = signer(D);
    ConsensusMessage first = ConsensusTestKit.proposal(B, 0, block(B, 10, transaction(0)));
    ConsensusMessage second = ConsensusTestKit.proposal(B, 0, block(B, 11, transaction(1)));
    List<ConsensusMessage> votes = new ArrayList<>(mode.inbound(first, d));
    votes.addAll(mode.inbound(second, d));
    assertTrue(mode.inbound(first, d).isEmpty(), "once per (height, round, digest)");

    assertEquals(4, votes.size());
    for (MessageType type : List.of(MessageType.PREPARE, MessageType.COMMIT)) {
      List<ConsensusMessage> ofType = ConsensusTestKit.ofType(votes, type);
      assertEquals(2, ofType.size(), type.toString());
      for (ConsensusMessage vote : ofType) {
        assertEquals(id(D), vote.sender());
        assertEquals(1, vote.height());
        assertEquals(0, vote.round());
        assertTrue(signatureValid(vote));
      }
      assertArrayEquals(first.payload().digest(), ofType.get(0).payload().digest());
      assertArrayEquals(second.payload().digest(), ofType.get(1).payload().digest());
    }
    for (ConsensusMessage commit : ConsensusTestKit.ofType(votes, MessageType.COMMIT)) {
      assertTrue(ConsensusTestKit.sealValid(commit), "each commit carries d's valid seal");
    }
  }

  // ---- forge

  @Test
  void forgedCopiesAreSentBesideTheRealMessageAndHonestEnginesDropThem() {
    ByzantineMode mode = mode(Behaviour.FORGE);
    ProposedBlock real = block(B, 10, transaction(0));
    ConsensusMessage proposal = ConsensusTestKit.proposal(B, 0, real);
    ConsensusMessage prepare = ConsensusTestKit.prepare(D, 0, real);
    List<ConsensusMessage> out = mode.outbound(prepare, id(C), membership(), signer(D));
    assertEquals(3, out.size());
    assertSame(prepare, out.get(0));

    ConsensusMessage forged = out.get(1);
    assertEquals(MessageType.PREPARE, forged.type());
    assertNotEquals(id(D), forged.sender(), "claims another member");
    assertTrue(membership().byInstitution(forged.sender()).isPresent());
    assertArrayEquals(real.digest(), forged.payload().digest());
    assertFalse(signatureValid(forged));

    ConsensusMessage flipped = out.get(2);
    assertEquals(prepare.payload(), flipped.payload());
    byte[] good = prepare.signed().signature();
    byte[] bad = flipped.signed().signature();
    assertEquals(good.length, bad.length);
    int differing = 0;
    for (int i = 0; i < good.length; i++) {
      differing += good[i] != bad[i] ? 1 : 0;
    }
    assertEquals(1, differing, "exactly one byte of the consensus signature differs");
    assertFalse(signatureValid(flipped));

    QbftEngine honest = ConsensusTestKit.engine(C);
    assertTrue(drops(honest.onMessage(proposal, T0 + 20)).isEmpty());
    assertEquals(
        List.of(ErrorCode.CONSENSUS_SIGNATURE_INVALID), drops(honest.onMessage(forged, T0 + 21)));
    assertEquals(
        List.of(ErrorCode.CONSENSUS_SIGNATURE_INVALID), drops(honest.onMessage(flipped, T0 + 22)));
    assertTrue(drops(honest.onMessage(prepare, T0 + 23)).isEmpty(), "the real one counts");
  }

  @Test
  void forgedCommitsAndRoundChangesAreDroppedToo() {
    ByzantineMode mode = mode(Behaviour.FORGE);
    ProposedBlock real = block(B, 10, transaction(0));
    ConsensusMessage commit = ConsensusTestKit.commit(D, 0, real);
    ConsensusMessage roundChange = ConsensusTestKit.roundChange(D, 1);
    QbftEngine honest = ConsensusTestKit.engine(C);
    honest.onMessage(ConsensusTestKit.proposal(B, 0, real), T0 + 20);
    for (ConsensusMessage message : List.of(commit, roundChange)) {
      List<ConsensusMessage> out = mode.outbound(message, id(C), membership(), signer(D));
      assertEquals(3, out.size());
      for (ConsensusMessage copy : out.subList(1, 3)) {
        assertFalse(signatureValid(copy), copy.toString());
        assertEquals(
            List.of(ErrorCode.CONSENSUS_SIGNATURE_INVALID),
            drops(honest.onMessage(copy, T0 + 21)),
            copy.toString());
      }
    }
  }

  // ---- replay

  @Test
  void replayResendsAnEarlierMessageByteForByte() {
    ByzantineMode mode = mode(Behaviour.REPLAY);
    ChannelId channel = ConsensusTestKit.roundChange(B, 1).payload().channel();
    ConsensusMessage first = ConsensusTestKit.roundChange(B, 1);
    Map<Integer, List<ConsensusMessage>> sent = broadcast(mode, B, first);
    for (List<ConsensusMessage> toPeer : sent.values()) {
      assertEquals(List.of(first), toPeer, "nothing earlier to replay yet");
    }
    assertEquals(1, mode.logged(channel), "a broadcast is logged once");

    ConsensusMessage second = ConsensusTestKit.roundChange(B, 2);
    List<ConsensusMessage> out = mode.outbound(second, id(A), membership(), signer(B));
    assertEquals(2, out.size());
    assertSame(second, out.get(0));
    assertArrayEquals(first.encoded(), out.get(1).encoded());

    // Received messages are replayed as well; the log stays bounded.
    ConsensusMessage received = ConsensusTestKit.roundChange(C, 1);
    assertTrue(mode.inbound(received, signer(B)).isEmpty());
    assertEquals(3, mode.logged(channel));
    Set<String> replayed = new java.util.HashSet<>();
    for (int r = 3; r < 3 + ByzantineMode.LOG_SIZE + 20; r++) {
      List<ConsensusMessage> each =
          mode.outbound(ConsensusTestKit.roundChange(B, r), id(A), membership(), signer(B));
      assertEquals(2, each.size());
      replayed.add(hex(each.get(1).encoded()));
    }
    assertEquals(ByzantineMode.LOG_SIZE, mode.logged(channel));
    assertTrue(replayed.size() > 1, "chosen at random");
  }

  @Test
  void allBehavioursTogether() {
    ByzantineMode mode = ByzantineMode.parse("equivocate,forge,replay");
    ConsensusMessage earlier = ConsensusTestKit.roundChange(B, 1);
    broadcast(mode, B, earlier);
    ConsensusMessage proposal = ConsensusTestKit.proposal(B, 0, block(B, 10, transaction(0)));
    Map<Integer, List<ConsensusMessage>> sent = broadcast(mode, B, proposal);
    // a: the real proposal, a forged prepare, the flipped copy, the replayed round change.
    List<ConsensusMessage> toA = sent.get(A);
    assertEquals(4, toA.size());
    assertSame(proposal, toA.get(0));
    assertNotEquals(id(B), toA.get(1).sender());
    assertEquals(proposal.payload(), toA.get(2).payload());
    assertArrayEquals(earlier.encoded(), toA.get(3).encoded());
    // c: the alternative, its prepare and commit, forged, flipped, replayed.
    List<ConsensusMessage> toC = sent.get(C);
    assertEquals(6, toC.size());
    assertNotEquals(hex(proposal.payload().digest()), hex(toC.get(0).payload().digest()));
    assertArrayEquals(earlier.encoded(), toC.get(5).encoded());
  }
}
