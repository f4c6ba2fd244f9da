package org.careledger.domain.consensus;

import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * The consensus fixtures ({@link ConsensusFixture}, {@link EngineHarness}) for tests in other
 * packages: a channel of four members (a, b, c, d; b proposes height 1, round 0) with real Ed25519
 * keys, as a node has, and honest engines that check signatures with {@link
 * Ed25519Signatures#VERIFIER}.
 */
public final class ConsensusTestKit {

  public static final int N = 4;
  public static final long T0 = ConsensusFixture.T0;

  private ConsensusTestKit() {}

  public static Membership membership() {
    return ConsensusFixture.membership(N);
  }

  public static Member member(int index) {
    return ConsensusFixture.MEMBERS.get(index);
  }

  public static InstitutionId id(int index) {
    return member(index).institution();
  }

  public static ConsensusSigner signer(int index) {
    return ConsensusFixture.ed25519Signer(index);
  }

  public static SignedTransaction transaction(int serial) {
    return ConsensusFixture.POOL.get(serial);
  }

  /** An honest, started engine for member {@code index}. */
  public static QbftEngine engine(int index) {
    QbftEngine engine =
        new QbftEngine(
            signer(index),
            membership(),
            ConsensusFixture.genesis(N).header(),
            null,
            EngineHarness.CONFIG,
            new QbftEngine.Services(
                Ed25519Signatures.VERIFIER,
                ConsensusFixture.TX_VERIFIER,
                BlockValidator.STRUCTURAL_ONLY,
                id -> false));
    engine.start(T0);
    return engine;
  }

  /** A block at height 1 on the channel's genesis. */
  public static ProposedBlock block(int proposer, long timeOffset, SignedTransaction... txs) {
    BlockHeader header =
        Block.header(
            ConsensusFixture.CHANNEL,
            ConsensusFixture.genesis(N).header(),
            List.of(txs),
            T0 + timeOffset,
            id(proposer));
    return new ProposedBlock(header, List.of(txs));
  }

  public static ConsensusMessage proposal(int proposer, int round, ProposedBlock block) {
    return new ConsensusMessage(
        SignedPayload.sign(
            Payload.proposal(ConsensusFixture.CHANNEL, 1, round, id(proposer), block.digest()),
            signer(proposer)),
        block,
        List.of(),
        List.of());
  }

  public static ConsensusMessage prepare(int member, int round, ProposedBlock block) {
    return ConsensusMessage.of(
        SignedPayload.sign(
            Payload.prepare(ConsensusFixture.CHANNEL, 1, round, id(member), block.digest()),
            signer(member)));
  }

  public static ConsensusMessage commit(int member, int round, ProposedBlock block) {
    CommitCertificate.Signature seal =
        new CommitCertificate.Signature(
            id(member),
            member(member).signingFingerprint(),
            signer(member).sign(CommitCertificate.signedMessage(block.header())));
    return ConsensusMessage.of(
        SignedPayload.sign(
            Payload.commit(ConsensusFixture.CHANNEL, 1, round, id(member), block.digest(), seal),
            signer(member)));
  }

  public static ConsensusMessage roundChange(int member, int round) {
    return ConsensusMessage.of(
        SignedPayload.sign(
            Payload.roundChange(ConsensusFixture.CHANNEL, 1, round, id(member), -1, null),
            signer(member)));
  }

  /** Whether the message's own signature is its claimed sender's, as an honest engine checks it. */
  public static boolean signatureValid(ConsensusMessage message) {
    Member sender = membership().byInstitution(message.sender()).orElse(null);
    return sender != null
        && Ed25519Signatures.VERIFIER.verify(
            sender, message.payload().signedBytes(), message.signed().signature());
  }

  /** Whether a COMMIT's seal is its sender's, over the block with the commit's digest. */
  public static boolean sealValid(ConsensusMessage commit) {
    return BlockChecks.sealValid(
        commit.payload().seal(),
        commit.payload().digest(),
        membership(),
        Ed25519Signatures.VERIFIER);
  }

  public static List<ConsensusMessage> broadcasts(List<Output> outputs, MessageType type) {
    return EngineHarness.broadcasts(outputs, type);
  }

  public static List<ErrorCode> drops(List<Output> outputs) {
    return EngineHarness.drops(outputs);
  }

  /** The messages of one type among {@code messages}. */
  public static List<ConsensusMessage> ofType(List<ConsensusMessage> messages, MessageType type) {
    List<ConsensusMessage> found = new ArrayList<>();
    for (ConsensusMessage m : messages) {
      if (m.type() == type) {
        found.add(m);
      }
    }
    return found;
  }
}
