package org.careledger.domain.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.domain.consensus.EngineHarness.broadcasts;
import static org.careledger.domain.consensus.EngineHarness.commits;
import static org.careledger.domain.consensus.EngineHarness.drops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.ChainVerifier.Check;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.sharing.AccessLedger;
import org.careledger.domain.sharing.RecordRules;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, item 4: a grant replayed after its revocation fails. Member a (the provider) registers a
 * record, member b requests it, a grants it to b and then revokes the grant; all four commit in
 * block 1. Every channel member holds the signed grant (it is on the chain), so a hostile one can
 * send the very same bytes again. A transaction's id is the hash of its transaction alone (not of
 * the signature), so the replay has the grant's id whatever is done to its signature, and:
 *
 * <ul>
 *   <li>an honest engine refuses it into its pool, so it never proposes it;
 *   <li>an honest engine does not prepare a block that holds it;
 *   <li>a chain into which it was appended anyway fails verification at that block;
 *   <li>and were it on the chain anyway, access would not come back.
 * </ul>
 *
 * The channel of four members (a, b, c, d) has real Ed25519 keys; the engines check messages with
 * {@link Ed25519Signatures#VERIFIER} and run the record rules every channel runs ({@link
 * RecordRules}) over the committed chain, with a {@link LedgerView} over it, as a node restarted at
 * height 1 has. At height 2 c proposes round 0.
 */
class GrantReplayTest {

  private static final int N = 4;
  private static final int PROVIDER = 0;
  private static final int GRANTEE = 1;
  private static final int PROPOSER_2 = 2; // proposer of height 2, round 0: members[(2+0) % 4]
  private static final int HONEST = 3;
  private static final String RECORD = "replay-rec-1";
  private static final String REQUEST = "replay-req-1";
  private static final long T0 = ConsensusFixture.T0;

  private final SignedTransaction register = register(RECORD, 1001);
  private final SignedTransaction request =
      ConsensusFixture.tx(
          GRANTEE,
          TransactionType.REQUEST,
          body("requestId", REQUEST, "scope", "record", "recordId", RECORD, "purpose", "TREAT"),
          1002);
  private final SignedTransaction grant =
      ConsensusFixture.tx(
          PROVIDER,
          TransactionType.GRANT,
          body(
              "requestId",
              REQUEST,
              "recordId",
              RECORD,
              "grantee",
              id(GRANTEE).value(),
              "envelopeHash",
              "e".repeat(64)),
          1003);
  private final SignedTransaction revoke =
      ConsensusFixture.tx(PROVIDER, TransactionType.REVOKE, body("grantTx", grant.idHex()), 1004);

  /** Unrelated fresh transactions, which honest members do take at height 2. */
  private final SignedTransaction fresh1 = register("replay-rec-2", 1005);

  private final SignedTransaction fresh2 = register("replay-rec-3", 1006);

  private final Block genesis = ConsensusFixture.genesis(N);
  private final Block block1 =
      sealed(genesis.header(), List.of(register, request, grant, revoke), T0 + 1000, 1);

  /** The committed chain's transactions, in chain order, as the record rules read them. */
  private final List<SignedTransaction> committed = new ArrayList<>(block1.transactions());

  // ---- 1. the pool (relay) path

  @Test
  void anHonestEngineRefusesTheReplayedGrantIntoItsPoolAndNeverProposesIt() {
    QbftEngine proposer = engineAtHeight2(PROPOSER_2);

    List<Output> out = proposer.onTransactions(List.of(grant), block1.header().time() + 1);

    assertThat(drops(out)).containsExactly(ErrorCode.CONSENSUS_TRANSACTION_REJECTED);
    assertThat(details(out))
        .singleElement()
        .asString()
        .contains(grant.idHex(), "already committed");
    assertThat(proposer.pendingTransactions()).isZero();
    assertThat(broadcasts(out, MessageType.PROPOSAL)).isEmpty();

    // Relayed together with fresh transactions (two fill a batch): the block it proposes holds
    // those, never the replay.
    out = proposer.onTransactions(List.of(fresh1, grant, fresh2), block1.header().time() + 2);

    assertThat(drops(out)).containsExactly(ErrorCode.CONSENSUS_TRANSACTION_REJECTED);
    List<ConsensusMessage> proposals = broadcasts(out, MessageType.PROPOSAL);
    assertThat(proposals).hasSize(1);
    assertThat(proposals.get(0).block().header().height()).isEqualTo(2);
    assertThat(proposals.get(0).block().transactions()).containsExactly(fresh1, fresh2);
  }

  @Test
  void
      anEngineThatCommittedTheGrantItselfRefusesTheReplayFromMemoryEvenIfItsLedgerViewKnowsNothing() {
    // Started at genesis with a ledger view that answers "not committed" to everything: the engine
    // commits block 1 by consensus and remembers what it committed.
    committed.clear();
    QbftEngine engine = engine(HONEST, genesis.header(), id -> false);
    ProposedBlock proposed = new ProposedBlock(block1.header(), block1.transactions());
    long now = block1.header().time() + 1;
    List<Output> out = engine.onMessage(message(proposal(1, 1, 0, proposed), proposed), now);
    assertThat(broadcasts(out, MessageType.PREPARE)).as("block 1 is valid").hasSize(1);
    for (int member = 0; member < 3; member++) {
      engine.onMessage(ConsensusMessage.of(prepare(member, 1, 0, proposed)), now);
    }
    List<Block> done = new ArrayList<>();
    for (int member = 0; member < 3 && done.isEmpty(); member++) {
      done.addAll(commits(engine.onMessage(commit(member, 1, 0, proposed), now)));
    }
    assertThat(done).as("height 1 commits").hasSize(1);
    committed.addAll(done.get(0).transactions()); // the driver stores the block

    out = engine.onTransactions(List.of(grant), now + 1);

    assertThat(drops(out)).containsExactly(ErrorCode.CONSENSUS_TRANSACTION_REJECTED);
    assertThat(details(out)).singleElement().asString().contains("already committed");
    assertThat(engine.pendingTransactions()).isZero();
  }

  // ---- 2. the proposal (block validation) path

  @Test
  void aProposalHoldingTheReplayedGrantIsNotPreparedByAnHonestEngine() {
    long now = block1.header().time() + 20;
    ProposedBlock replay = block2(now - 10, fresh1, grant);

    List<Output> out =
        engineAtHeight2(HONEST).onMessage(message(proposal(PROPOSER_2, 2, 0, replay), replay), now);

    assertThat(broadcasts(out, MessageType.PREPARE)).as("no PREPARE for the replay").isEmpty();
    assertThat(drops(out)).containsExactly(ErrorCode.CONSENSUS_PROPOSAL_INVALID);
    assertThat(details(out))
        .singleElement()
        .asString()
        .contains("transaction " + grant.idHex() + " is already included");

    // The same proposer's block without the replay is prepared at once.
    ProposedBlock clean = block2(now - 10, fresh1);
    out = engineAtHeight2(HONEST).onMessage(message(proposal(PROPOSER_2, 2, 0, clean), clean), now);
    assertThat(broadcasts(out, MessageType.PREPARE)).hasSize(1);
    assertThat(drops(out)).isEmpty();
  }

  // ---- 3. the chain verifier

  @Test
  void aChainIntoWhichTheReplayedGrantWasAppendedFailsDuplicateTransactionAtThatBlock() {
    Block clean = sealed(block1.header(), List.of(fresh1), T0 + 2000, PROPOSER_2);
    assertThat(verify(genesis, block1, clean).ok()).as("the honest chain verifies").isTrue();

    // A malicious member appends the replay behind a fresh transaction, with every member's seal
    // (as a quorum of colluding members, or a forger holding the keys, would have to).
    Block forged = sealed(block1.header(), List.of(fresh1, grant), T0 + 2000, PROPOSER_2);
    ChainVerifier.Report report = verify(genesis, block1, forged);

    assertThat(report.ok()).isFalse();
    ChainVerifier.Failure failure = report.failure();
    assertThat(failure.check()).isEqualTo(Check.DUPLICATE_TRANSACTION);
    assertThat(failure.height()).isEqualTo(2);
    assertThat(failure.transactionIndex()).isEqualTo(1);
    assertThat(failure.code()).isEqualTo(ErrorCode.CHAIN_INVALID);
    assertThat(failure.detail()).contains(grant.idHex());
    assertThat(report.blocksVerified()).isEqualTo(2);
  }

  // ---- 4. the access computation

  @Test
  void theRevokedGrantIsNotInForceAndAReplayOnTheChainDoesNotRestoreAccess() {
    InstitutionId grantee = id(GRANTEE);
    long now = T0 + 5000;
    assertThat(
            AccessLedger.of(List.of(register, request, grant)).grantInForce(RECORD, grantee, now))
        .as("before the revoke the grantee may read")
        .isPresent();

    AccessLedger revoked = AccessLedger.of(List.of(register, request, grant, revoke));
    assertThat(revoked.grantInForce(RECORD, grantee, now)).isEmpty();
    assertThat(revoked.grant(grant.idHex()).orElseThrow().revoked()).isTrue();

    // Were the replay on the chain after all (in a later block, as read in chain order per type),
    // access stays revoked: it is the same transaction, and the revoke names its id.
    AccessLedger replayed = AccessLedger.of(List.of(register, request, grant, revoke, grant));
    assertThat(replayed.grantInForce(RECORD, grantee, now)).isEmpty();
    assertThat(replayed.grants(RECORD))
        .singleElement()
        .extracting(AccessLedger.Grant::revoked)
        .isEqualTo(true);
    assertThat(replayed.request(REQUEST).orElseThrow().status())
        .isEqualTo(AccessLedger.Status.GRANTED);
  }

  // ---- fixtures

  private QbftEngine engineAtHeight2(int member) {
    Set<String> onChain = new HashSet<>();
    for (Block block : List.of(genesis, block1)) {
      block.transactions().forEach(tx -> onChain.add(tx.idHex()));
    }
    return engine(
        member, block1.header(), id -> onChain.contains(java.util.HexFormat.of().formatHex(id)));
  }

  private QbftEngine engine(int member, BlockHeader head, LedgerView ledger) {
    QbftEngine engine =
        new QbftEngine(
            ConsensusFixture.ed25519Signer(member),
            ConsensusFixture.membership(N),
            head,
            null,
            EngineHarness.CONFIG,
            new QbftEngine.Services(
                Ed25519Signatures.VERIFIER,
                ConsensusFixture.TX_VERIFIER,
                new RecordRules(record -> List.copyOf(committed)),
                ledger));
    engine.start(head.time());
    return engine;
  }

  private ProposedBlock block2(long time, SignedTransaction... txs) {
    return new ProposedBlock(
        Block.header(ConsensusFixture.CHANNEL, block1.header(), List.of(txs), time, id(PROPOSER_2)),
        List.of(txs));
  }

  /** A block on {@code parent} sealed by every member, as a committed block carries. */
  private static Block sealed(
      BlockHeader parent, List<SignedTransaction> txs, long time, int proposer) {
    BlockHeader header = Block.header(ConsensusFixture.CHANNEL, parent, txs, time, id(proposer));
    List<CommitCertificate.Signature> seals = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      seals.add(
          CommitCertificate.sign(
              header, ConsensusFixture.MEMBERS.get(i), ConsensusFixture.KEYS.get(i)));
    }
    return new Block(header, txs, new CommitCertificate(seals));
  }

  private static ChainVerifier.Report verify(Block... chain) {
    return new ChainVerifier().verify(List.of(chain).stream().map(Block::stored).toList());
  }

  private static SignedPayload proposal(int member, long height, int round, ProposedBlock block) {
    return SignedPayload.sign(
        Payload.proposal(ConsensusFixture.CHANNEL, height, round, id(member), block.digest()),
        ConsensusFixture.ed25519Signer(member));
  }

  private static ConsensusMessage message(SignedPayload proposal, ProposedBlock block) {
    return new ConsensusMessage(proposal, block, List.of(), List.of());
  }

  private static SignedPayload prepare(int member, long height, int round, ProposedBlock block) {
    return SignedPayload.sign(
        Payload.prepare(ConsensusFixture.CHANNEL, height, round, id(member), block.digest()),
        ConsensusFixture.ed25519Signer(member));
  }

  private static ConsensusMessage commit(int member, long height, int round, ProposedBlock block) {
    ConsensusSigner signer = ConsensusFixture.ed25519Signer(member);
    CommitCertificate.Signature seal =
        new CommitCertificate.Signature(
            id(member),
            ConsensusFixture.MEMBERS.get(member).signingFingerprint(),
            signer.sign(CommitCertificate.signedMessage(block.header())));
    return ConsensusMessage.of(
        SignedPayload.sign(
            Payload.commit(
                ConsensusFixture.CHANNEL, height, round, id(member), block.digest(), seal),
            signer));
  }

  private static List<String> details(List<Output> outputs) {
    List<String> details = new ArrayList<>();
    for (Output output : outputs) {
      if (output instanceof Output.Dropped d) {
        details.add(d.detail());
      }
    }
    return details;
  }

  private static InstitutionId id(int member) {
    return ConsensusFixture.MEMBERS.get(member).institution();
  }

  private static SignedTransaction register(String recordId, long serial) {
    return ConsensusFixture.tx(
        PROVIDER,
        TransactionType.REGISTER,
        body(
            "recordId",
            recordId,
            "version",
            1L,
            "contentHash",
            "ab".repeat(32),
            "size",
            1234L,
            "mediaType",
            "application/pdf",
            "documentClass",
            "11502-2",
            "patient",
            "cd".repeat(32)),
        serial);
  }

  private static Map<String, Object> body(Object... keysAndValues) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      body.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return body;
  }
}
