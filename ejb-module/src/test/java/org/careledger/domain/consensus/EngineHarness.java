package org.careledger.domain.consensus;

import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;

/** Builds engines and hand-made messages from any member of a channel of n, for rule tests. */
final class EngineHarness {

  static final EngineConfig CONFIG = new EngineConfig(2, 50, 1000, 4, 10_000, 16, 8);
  final int n;
  final Membership membership;
  final HmacSignatures hmac = new HmacSignatures(42);
  final Block genesis;

  EngineHarness(int n) {
    this.n = n;
    this.membership = ConsensusFixture.membership(n);
    this.genesis = ConsensusFixture.genesis(n);
  }

  ConsensusSigner signer(int member) {
    return hmac.signer(ConsensusFixture.MEMBERS.get(member));
  }

  InstitutionId id(int member) {
    return ConsensusFixture.MEMBERS.get(member).institution();
  }

  QbftEngine engine(int member, SignedState state) {
    return engine(member, state, QbftEngine.Fault.NONE);
  }

  QbftEngine engine(int member, SignedState state, QbftEngine.Fault fault) {
    return engine(member, state, fault, id -> false);
  }

  QbftEngine engineOver(int member, LedgerView ledger) {
    return engine(member, null, QbftEngine.Fault.NONE, ledger);
  }

  QbftEngine engine(int member, SignedState state, QbftEngine.Fault fault, LedgerView ledger) {
    return engine(member, state, fault, ledger, BlockValidator.STRUCTURAL_ONLY);
  }

  /** An engine whose channel has rules of its own beside the structural checks. */
  QbftEngine engineWith(int member, BlockValidator rules) {
    return engine(member, null, QbftEngine.Fault.NONE, id -> false, rules);
  }

  QbftEngine engine(
      int member,
      SignedState state,
      QbftEngine.Fault fault,
      LedgerView ledger,
      BlockValidator rules) {
    QbftEngine engine =
        new QbftEngine(
            signer(member),
            membership,
            genesis.header(),
            state,
            CONFIG,
            new QbftEngine.Services(hmac, ConsensusFixture.TX_VERIFIER, rules, ledger),
            fault);
    engine.start(ConsensusFixture.T0);
    return engine;
  }

  int index(InstitutionId id) {
    for (int i = 0; i < n; i++) {
      if (id(i).equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException(id.value());
  }

  ProposedBlock block(int proposer, long timeOffset, SignedTransaction... txs) {
    BlockHeader header =
        Block.header(
            ConsensusFixture.CHANNEL,
            genesis.header(),
            List.of(txs),
            ConsensusFixture.T0 + timeOffset,
            id(proposer));
    return new ProposedBlock(header, List.of(txs));
  }

  SignedPayload signed(int member, Payload payload) {
    return SignedPayload.sign(payload, signer(member));
  }

  ConsensusMessage proposal(int proposer, int round, ProposedBlock block) {
    return proposal(proposer, round, block, List.of(), List.of());
  }

  ConsensusMessage proposal(
      int proposer,
      int round,
      ProposedBlock block,
      List<SignedPayload> roundChanges,
      List<SignedPayload> prepares) {
    return new ConsensusMessage(
        signed(
            proposer,
            Payload.proposal(ConsensusFixture.CHANNEL, 1, round, id(proposer), block.digest())),
        block,
        roundChanges,
        prepares);
  }

  SignedPayload preparePayload(int member, int round, ProposedBlock block) {
    return signed(
        member, Payload.prepare(ConsensusFixture.CHANNEL, 1, round, id(member), block.digest()));
  }

  ConsensusMessage prepare(int member, int round, ProposedBlock block) {
    return ConsensusMessage.of(preparePayload(member, round, block));
  }

  ConsensusMessage commit(int member, int round, ProposedBlock block) {
    CommitCertificate.Signature seal =
        new CommitCertificate.Signature(
            id(member),
            ConsensusFixture.MEMBERS.get(member).signingFingerprint(),
            signer(member).sign(CommitCertificate.signedMessage(block.header())));
    return ConsensusMessage.of(
        signed(
            member,
            Payload.commit(ConsensusFixture.CHANNEL, 1, round, id(member), block.digest(), seal)));
  }

  ConsensusMessage roundChange(int member, int round) {
    return ConsensusMessage.of(
        signed(
            member, Payload.roundChange(ConsensusFixture.CHANNEL, 1, round, id(member), -1, null)));
  }

  ConsensusMessage roundChange(
      int member, int round, int preparedRound, ProposedBlock block, List<SignedPayload> cert) {
    return new ConsensusMessage(
        signed(
            member,
            Payload.roundChange(
                ConsensusFixture.CHANNEL, 1, round, id(member), preparedRound, block.digest())),
        block,
        List.of(),
        cert);
  }

  static List<ConsensusMessage> broadcasts(List<Output> outputs, MessageType type) {
    List<ConsensusMessage> found = new ArrayList<>();
    for (Output output : outputs) {
      if (output instanceof Output.Broadcast b && b.message().type() == type) {
        found.add(b.message());
      }
    }
    return found;
  }

  static List<ErrorCode> drops(List<Output> outputs) {
    List<ErrorCode> codes = new ArrayList<>();
    for (Output output : outputs) {
      if (output instanceof Output.Dropped d) {
        codes.add(d.code());
      }
    }
    return codes;
  }

  static List<Block> commits(List<Output> outputs) {
    List<Block> blocks = new ArrayList<>();
    for (Output output : outputs) {
      if (output instanceof Output.Commit c) {
        blocks.add(c.block());
      }
    }
    return blocks;
  }
}
