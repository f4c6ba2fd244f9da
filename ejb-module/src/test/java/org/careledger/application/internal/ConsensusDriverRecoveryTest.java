package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.EJBException;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.careledger.application.federation.InboundFederationMessage;
import org.careledger.application.internal.ConsensusTransactions.Outbound;
import org.careledger.domain.consensus.ConsensusMessage;
import org.careledger.domain.consensus.ConsensusSigner;
import org.careledger.domain.consensus.Ed25519Signatures;
import org.careledger.domain.consensus.MessageCodec;
import org.careledger.domain.consensus.MessageType;
import org.careledger.domain.consensus.Payload;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.consensus.QbftEngine;
import org.careledger.domain.consensus.SignedPayload;
import org.careledger.domain.consensus.SignedState;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.federation.ArtemisEndpoint;
import org.careledger.domain.federation.BatchBounds;
import org.careledger.domain.federation.FederationChannel;
import org.careledger.domain.federation.FederationDescriptor;
import org.careledger.domain.federation.FederationEnvelope;
import org.careledger.domain.federation.FederationId;
import org.careledger.domain.federation.FederationMember;
import org.careledger.domain.federation.Genesis;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ConsensusDriver} does when the outputs of a consensus step cannot be performed: the
 * engine is rebuilt from what the database holds, and while the database is away one retry at a
 * time is scheduled. The driver runs with its real engine and entry points ({@code onTimer}, {@code
 * handle}); its database, timer service and transport are in-memory doubles, and its peers'
 * messages are signed with their real keys. Channel care-bft of four; this node is clinic-b, and
 * hospital-a proposes height 1, round 0.
 */
class ConsensusDriverRecoveryTest {

  private static final FederationId FEDERATION = new FederationId("unit-test");
  private static final ChannelId CHANNEL = new ChannelId("care-bft");
  private static final String SELF = "clinic-b";
  private static final String PROPOSER = "hospital-a";
  private static final String OTHER = "insurer-d";
  private static final List<String> MEMBERS =
      List.of("clinic-b", "hospital-a", "insurer-d", "pharmacy-c");

  private static final Map<String, NodeIdentity> IDENTITIES = new LinkedHashMap<>();
  private static FederationDescriptor descriptor;
  private static Block genesis;

  private final SecureRandom random = new SecureRandom();
  private final Database db = new Database();
  private final Timers timers = new Timers();
  private ConsensusDriver driver;
  private String previousDescriptor;

  @TempDir Path dir;

  @BeforeAll
  static void federation() {
    NodeIdentityGenerator generator = new NodeIdentityGenerator();
    List<FederationMember> members = new ArrayList<>();
    int port = 8180;
    for (String name : MEMBERS) {
      NodeIdentity identity = generator.generate(new InstitutionId(name), Instant.now(), List.of());
      IDENTITIES.put(name, identity);
      members.add(
          new FederationMember(
              identity.institutionId(),
              identity.signingCertificate(),
              identity.agreementCertificate(),
              identity.tlsCertificate(),
              new ArtemisEndpoint("127.0.0.1", port += 100)));
    }
    FederationChannel channel =
        new FederationChannel(
            CHANNEL,
            MEMBERS.stream().map(InstitutionId::new).toList(),
            Membership.Mode.BFT,
            Map.of(),
            new BatchBounds(500, 50));
    descriptor =
        new FederationDescriptor(
            FEDERATION, System.currentTimeMillis() - 60_000, members, List.of(channel));
    genesis = Genesis.of(descriptor, CHANNEL);
  }

  @BeforeEach
  void startDriver() throws Exception {
    Path file = Files.write(dir.resolve("federation.json"), descriptor.toJson());
    previousDescriptor = System.setProperty(ConsensusDriver.DESCRIPTOR_PROPERTY, file.toString());
    driver = new ConsensusDriver(timers.service(), () -> IDENTITIES.get(SELF), db, null, null);
    driver.scheduleInit();
    fire("init");
    assertThat(driver.manages(CHANNEL.value())).isTrue();
    assertThat(engine().proposer(1, 0)).isEqualTo(new InstitutionId(PROPOSER));
    db.sent.clear();
  }

  @AfterEach
  void restoreProperty() {
    if (previousDescriptor == null) {
      System.clearProperty(ConsensusDriver.DESCRIPTOR_PROPERTY);
    } else {
      System.setProperty(ConsensusDriver.DESCRIPTOR_PROPERTY, previousDescriptor);
    }
  }

  @Test
  void aChangedDescriptorIsReadWithoutARestartAChannelLeftStopsAndAChannelJoinedStarts()
      throws Exception {
    Path file = Path.of(System.getProperty(ConsensusDriver.DESCRIPTOR_PROPERTY));
    FederationChannel bft = descriptor.channels().get(0);
    fire(ConsensusDriver.DESCRIPTOR_CHECK);
    assertThat(driver.manages(CHANNEL.value())).as("unchanged file: nothing happens").isTrue();

    // The channel's governance removed clinic-b: the descriptor names it under "left".
    Files.write(file, withChannel(bft, List.of(new InstitutionId(SELF))).toJson());
    fire(ConsensusDriver.DESCRIPTOR_CHECK);
    assertThat(driver.manages(CHANNEL.value())).as("a channel this node left").isFalse();
    assertThat(driver.hasLeft(CHANNEL.value())).as("said so to a submitter").isTrue();
    deliver(PROPOSER, proposal(block()));
    assertThat(db.state).as("no message of the channel reaches an engine any more").isNull();

    // Admitted again: the channel starts from the chain the node kept.
    Files.write(file, descriptor.toJson());
    fire(ConsensusDriver.DESCRIPTOR_CHECK);
    assertThat(driver.manages(CHANNEL.value())).isTrue();
    assertThat(driver.hasLeft(CHANNEL.value())).isFalse();
    assertThat(engine().height()).isEqualTo(1);
    deliver(PROPOSER, proposal(block()));
    assertThat(sent(MessageType.PREPARE)).hasSize(MEMBERS.size() - 1);

    // A descriptor that cannot be read changes nothing.
    Files.writeString(file, "{ not json");
    fire(ConsensusDriver.DESCRIPTOR_CHECK);
    assertThat(driver.manages(CHANNEL.value())).isTrue();
  }

  private static FederationDescriptor withChannel(FederationChannel bft, List<InstitutionId> left) {
    return new FederationDescriptor(
        descriptor.federation(),
        descriptor.createdAt(),
        descriptor.members(),
        List.of(
            new FederationChannel(
                bft.id(),
                bft.members(),
                bft.consensus(),
                bft.consentPolicy(),
                bft.batch(),
                List.of(),
                left)));
  }

  @Test
  void twoValidlySignedPreparesOfOneMemberForDifferentBlocksAreCountedAsEquivocation() {
    ProposedBlock block = block();
    deliver(PROPOSER, proposal(block));
    deliver(OTHER, prepare(OTHER, block));
    deliver(OTHER, prepare(OTHER, block)); // a bridge's duplicate: no evidence
    assertThat(driver.equivocations(CHANNEL.value())).isEmpty();

    ProposedBlock other =
        new ProposedBlock(
            Block.header(
                CHANNEL,
                genesis.header(),
                List.of(),
                System.currentTimeMillis() + 1,
                new InstitutionId(PROPOSER)),
            List.of());
    deliver(OTHER, prepare(OTHER, other));

    assertThat(driver.equivocations(CHANNEL.value())).containsExactly(Map.entry(OTHER, 1L));
  }

  @Test
  void aNodeWhoseLeaseAnotherNodeTookSignsNothingMoreAndStopsRunningTheMember() {
    assertThat(db.leaseEpoch).as("the member took the lease as it started").isEqualTo(1);
    // Another node of the institution takes the member over (the HA singleton moved while this
    // node still ran: a partition between the nodes, not with the database).
    db.takeLease("clinic-b-n2");

    assertThatThrownBy(() -> deliver(PROPOSER, proposal(block())))
        .satisfies(e -> assertThat(ConsensusDriver.fenced(e)).isTrue());

    assertThat(db.state).as("nothing saved under the old epoch").isNull();
    assertThat(sent(MessageType.PREPARE)).as("so nothing signed left the node").isEmpty();
    assertThat(driver.manages(CHANNEL.value())).as("it stopped running the member").isFalse();
    assertThat(db.leaseEpoch).as("and did not take the lease back").isEqualTo(2);
    fire("init");
    assertThat(db.leaseEpoch).as("not even when its start timer fires").isEqualTo(2);
    assertThat(driver.manages(CHANNEL.value())).isFalse();
  }

  @Test
  void aStandbyClusterNodeRunsNoMemberForwardsWhatItReceivesAndTheElectedNodeHandlesIt()
      throws Exception {
    asClusterNode(
        "n1",
        () -> {
          org.careledger.application.ClusterRole.elected(false);
          ConsensusDriver standby =
              new ConsensusDriver(timers.service(), () -> IDENTITIES.get(SELF), db, null, null);
          standby.scheduleInit();
          fire("init");
          fire(ConsensusDriver.ROLE_CHECK);
          assertThat(standby.runsMember(CHANNEL.value()))
              .as("not elected: no member here")
              .isFalse();
          long epoch = db.leaseEpoch;

          ProposedBlock block = block();
          deliver(standby, PROPOSER, proposal(block));
          assertThat(db.inbox).as("kept for the elected node").hasSize(1);
          assertThat(db.leaseEpoch).as("the standby took no lease").isEqualTo(epoch);

          // Elected (the node that ran the member left the cluster view): the role check starts the
          // member from the database, with a lease of its own, and handles what was forwarded.
          org.careledger.application.ClusterRole.elected(true);
          db.sent.clear();
          standby.onTimer(Timers.timer(ConsensusDriver.ROLE_CHECK));
          assertThat(standby.runsMember(CHANNEL.value())).isTrue();
          assertThat(db.leaseEpoch).isEqualTo(epoch + 1);
          assertThat(db.inbox).isEmpty();
          assertThat(sent(MessageType.PREPARE))
              .as("the forwarded proposal reached the engine: it prepared it")
              .hasSize(MEMBERS.size() - 1);

          // No longer elected: it stops at the next role check.
          org.careledger.application.ClusterRole.elected(false);
          standby.onTimer(Timers.timer(ConsensusDriver.ROLE_CHECK));
          assertThat(standby.runsMember(CHANNEL.value())).isFalse();
        });
  }

  @Test
  void aStandbyTakesASubmissionForTheMembersNodeAndRefusesABadOneAtOnce() throws Exception {
    asClusterNode(
        "n2",
        () -> {
          org.careledger.application.ClusterRole.elected(false);
          ConsensusDriver standby =
              new ConsensusDriver(timers.service(), () -> IDENTITIES.get(SELF), db, null, null);
          assertThat(standby.manages(CHANNEL.value())).as("takes submissions").isTrue();
          assertThat(standby.runsMember(CHANNEL.value())).as("runs no member").isFalse();

          SignedTransaction good = transaction(SELF, 1);
          assertThatThrownBy(
                  () -> standby.submit(CHANNEL.value(), good, java.time.Duration.ofMillis(300)))
              .isInstanceOfSatisfying(
                  org.careledger.domain.CareLedgerException.class,
                  e ->
                      assertThat(e.errorCode())
                          .isEqualTo(org.careledger.domain.ErrorCode.FEDERATION_COMMIT_TIMEOUT));
          assertThat(db.inbox).hasSize(1);
          assertThat(db.inbox.get(0).getKind()).isEqualTo("submission");

          // Signed by a key the channel does not know: refused here, at once, and not forwarded.
          NodeIdentity stranger =
              new NodeIdentityGenerator()
                  .generate(new InstitutionId(SELF), Instant.now(), List.of());
          SignedTransaction forged =
              SignedTransaction.sign(good.transaction(), Ed25519.privateKey(stranger.signingKey()));
          assertThatThrownBy(
                  () -> standby.submit(CHANNEL.value(), forged, java.time.Duration.ofMillis(300)))
              .isInstanceOf(org.careledger.domain.CareLedgerException.class)
              .satisfies(
                  e ->
                      assertThat(((org.careledger.domain.CareLedgerException) e).errorCode())
                          .isNotEqualTo(org.careledger.domain.ErrorCode.FEDERATION_COMMIT_TIMEOUT));
          assertThat(db.inbox).hasSize(1);

          // The member's node (the driver of this test, elected) submits it to the channel, and
          // relays it to the peers.
          org.careledger.application.ClusterRole.elected(true);
          db.sent.clear();
          driver.onTimer(Timers.timer(ConsensusDriver.ROLE_CHECK));
          assertThat(db.inbox).isEmpty();
          assertThat(db.sent)
              .extracting(o -> FederationEnvelope.decode(o.bytes()).type())
              .contains(org.careledger.domain.federation.MessageType.TRANSACTIONS);
        });
  }

  interface Step {
    void run() throws Exception;
  }

  /**
   * Runs {@code step} as a node of an institution run as a cluster ({@code careledger.cluster.node}
   * set, not elected at first); restores both afterwards.
   */
  private static void asClusterNode(String node, Step step) throws Exception {
    String previous =
        System.setProperty(org.careledger.application.ClusterRole.NODE_PROPERTY, node);
    try {
      step.run();
    } finally {
      org.careledger.application.ClusterRole.elected(false);
      if (previous == null) {
        System.clearProperty(org.careledger.application.ClusterRole.NODE_PROPERTY);
      } else {
        System.setProperty(org.careledger.application.ClusterRole.NODE_PROPERTY, previous);
      }
    }
  }

  /** A register transaction by {@code author} with its own key (made-up record, no patient id). */
  private static SignedTransaction transaction(String author, int serial) {
    NodeIdentity identity = IDENTITIES.get(author);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", "rec-" + serial);
    body.put("version", 1L);
    body.put("contentHash", String.format("%064x", serial));
    body.put("size", 1234L);
    body.put("mediaType", "application/pdf");
    body.put("documentClass", "11502-2");
    body.put("patient", "cd".repeat(32));
    byte[] nonce = new byte[16];
    nonce[0] = (byte) serial;
    return SignedTransaction.sign(
        new org.careledger.domain.ledger.Transaction(
            CHANNEL,
            org.careledger.domain.ledger.TransactionType.REGISTER,
            identity.institutionId(),
            identity.signingFingerprint(),
            java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
            System.currentTimeMillis(),
            body),
        Ed25519.privateKey(identity.signingKey()));
  }

  @Test
  void aPrepareTheDatabaseDidNotSaveIsForgottenAndSignedAgainWhenTheProposalComesAgain() {
    ProposedBlock block = block();
    db.failSaves = 1;

    assertThatThrownBy(() -> deliver(PROPOSER, proposal(block))).isInstanceOf(EJBException.class);

    // Nothing was persisted and nothing left the node: the engine holds no vote either.
    assertThat(db.state).isNull();
    assertThat(sent(MessageType.PREPARE)).isEmpty();
    assertThat(driver.broken(CHANNEL.value())).isFalse();
    assertEngineIsWhatTheDatabaseHolds();
    assertThat(engine().signedState().sent()).isEmpty();

    // The proposal again (the proposer re-sends it): prepared now, persisted, then sent.
    deliver(PROPOSER, proposal(block));

    assertThat(db.state).as("the signed state, persisted").isNotNull();
    SignedState persisted = MessageCodec.decodeState(db.state);
    assertThat(persisted.height()).isEqualTo(1);
    assertThat(persisted.sent())
        .singleElement()
        .satisfies(
            prepare -> {
              assertThat(prepare.type()).isEqualTo(MessageType.PREPARE);
              assertThat(prepare.payload().digest()).isEqualTo(block.digest());
            });
    assertThat(sent(MessageType.PREPARE)).hasSize(MEMBERS.size() - 1);
    assertEngineIsWhatTheDatabaseHolds();
  }

  @Test
  void aBlockTheDatabaseDidNotAppendIsNotTakenAsCommittedAndCommitsWhenTheVotesComeAgain() {
    ProposedBlock block = block();
    deliver(PROPOSER, proposal(block));
    deliver(PROPOSER, prepare(PROPOSER, block));
    deliver(OTHER, prepare(OTHER, block));
    assertThat(sent(MessageType.COMMIT)).hasSize(MEMBERS.size() - 1);
    deliver(PROPOSER, commit(PROPOSER, block));
    db.failAppends = 1;

    assertThatThrownBy(() -> deliver(OTHER, commit(OTHER, block))).isInstanceOf(EJBException.class);

    // The chain still ends at genesis, so the engine is at height 1 again, with its own votes.
    assertThat(db.blocks).hasSize(1);
    assertThat(engine().height()).as("the engine's height after the append failed").isEqualTo(1);
    assertEngineIsWhatTheDatabaseHolds();
    assertThat(MessageCodec.decodeState(db.state).sent())
        .extracting(ConsensusMessage::type)
        .containsExactly(MessageType.PREPARE, MessageType.COMMIT);

    // The peers' COMMITs again: the block is appended now, and the engine moves to height 2.
    deliver(PROPOSER, commit(PROPOSER, block));
    deliver(OTHER, commit(OTHER, block));

    assertThat(db.blocks).hasSize(2);
    assertThat(db.blocks.get(1).header()).isEqualTo(block.header());
    assertThat(engine().height()).isEqualTo(2);
    assertThat(driver.broken(CHANNEL.value())).isFalse();
  }

  @Test
  void whileTheDatabaseIsAwayOneRetryAtATimeIsScheduledAndItsSuccessEndsTheBrokenState() {
    ProposedBlock block = block();
    db.away = true;

    assertThatThrownBy(() -> deliver(PROPOSER, proposal(block))).isInstanceOf(EJBException.class);

    assertThat(driver.broken(CHANNEL.value())).as("broken, the rebuild having failed").isTrue();
    assertThat(timers.rebuilds()).as("retries scheduled").hasSize(1);

    // More steps while it is away: each tries to rebuild first, none schedules another retry.
    assertThatThrownBy(() -> deliver(PROPOSER, proposal(block))).isInstanceOf(EJBException.class);
    assertThatThrownBy(() -> deliver(OTHER, prepare(OTHER, block)))
        .isInstanceOf(EJBException.class);
    assertThat(driver.broken(CHANNEL.value())).isTrue();
    assertThat(timers.rebuilds()).as("retries scheduled").hasSize(1);

    // The retry while it is still away schedules the next one: still one pending at a time.
    fire(timers.rebuilds().get(0));
    assertThat(driver.broken(CHANNEL.value())).isTrue();
    assertThat(timers.rebuilds()).hasSize(2);

    // The database is back: the pending retry rebuilds the engine from it.
    db.away = false;
    fire(timers.rebuilds().get(1));

    assertThat(driver.broken(CHANNEL.value())).isFalse();
    assertThat(timers.rebuilds()).hasSize(2);
    assertEngineIsWhatTheDatabaseHolds();
    assertThat(engine().signedState().sent()).isEmpty();

    // And the next step works.
    deliver(PROPOSER, proposal(block));
    assertThat(MessageCodec.decodeState(db.state).sent())
        .extracting(ConsensusMessage::type)
        .containsExactly(MessageType.PREPARE);
    assertThat(sent(MessageType.PREPARE)).hasSize(MEMBERS.size() - 1);
  }

  // ---- helpers

  private QbftEngine engine() {
    return driver.engine(CHANNEL.value());
  }

  /** The engine's height follows the stored head, and its signed state is the stored one. */
  private void assertEngineIsWhatTheDatabaseHolds() {
    QbftEngine engine = engine();
    assertThat(engine.head()).isEqualTo(db.blocks.get(db.blocks.size() - 1).header());
    assertThat(engine.height()).isEqualTo(engine.head().height() + 1);
    SignedState held =
        db.state == null
            ? new SignedState(CHANNEL, engine.height(), 0, -1, null, List.of(), List.of())
            : MessageCodec.decodeState(db.state);
    assertThat(describe(engine.signedState()))
        .as("the engine's signed state against the database's")
        .isEqualTo(describe(held));
    assertThat(engine.signedState().encoded()).isEqualTo(held.encoded());
  }

  private static String describe(SignedState state) {
    return "height "
        + state.height()
        + ", round "
        + state.round()
        + ", locked in round "
        + state.lockedRound()
        + ", signed "
        + state.sent().stream().map(m -> m.type() + "@" + m.round()).toList();
  }

  private static ConsensusSigner signer(String institution) {
    NodeIdentity identity = IDENTITIES.get(institution);
    return Ed25519Signatures.signer(
        new Member(identity.institutionId(), identity.signingCertificate()),
        Ed25519.privateKey(identity.signingKey()));
  }

  /** An empty block at height 1 by the proposer. */
  private static ProposedBlock block() {
    List<SignedTransaction> none = List.of();
    return new ProposedBlock(
        Block.header(
            CHANNEL,
            genesis.header(),
            none,
            System.currentTimeMillis(),
            new InstitutionId(PROPOSER)),
        none);
  }

  private static ConsensusMessage proposal(ProposedBlock block) {
    return new ConsensusMessage(
        SignedPayload.sign(
            Payload.proposal(CHANNEL, 1, 0, new InstitutionId(PROPOSER), block.digest()),
            signer(PROPOSER)),
        block,
        List.of(),
        List.of());
  }

  private static ConsensusMessage prepare(String member, ProposedBlock block) {
    return ConsensusMessage.of(
        SignedPayload.sign(
            Payload.prepare(CHANNEL, 1, 0, new InstitutionId(member), block.digest()),
            signer(member)));
  }

  private static ConsensusMessage commit(String member, ProposedBlock block) {
    NodeIdentity identity = IDENTITIES.get(member);
    CommitCertificate.Signature seal =
        CommitCertificate.sign(
            block.header(),
            new Member(identity.institutionId(), identity.signingCertificate()),
            Ed25519.privateKey(identity.signingKey()));
    return ConsensusMessage.of(
        SignedPayload.sign(
            Payload.commit(CHANNEL, 1, 0, new InstitutionId(member), block.digest(), seal),
            signer(member)));
  }

  /** A consensus message from {@code sender}, in a fresh envelope signed by it, as JMS hands it. */
  private void deliver(String sender, ConsensusMessage message) {
    deliver(driver, sender, message);
  }

  private void deliver(ConsensusDriver to, String sender, ConsensusMessage message) {
    byte[] messageId = new byte[FederationEnvelope.MESSAGE_ID_BYTES];
    random.nextBytes(messageId);
    FederationEnvelope envelope =
        FederationEnvelope.sign(
            FEDERATION,
            CHANNEL,
            new InstitutionId(sender),
            org.careledger.domain.federation.MessageType.CONSENSUS,
            messageId,
            System.currentTimeMillis(),
            MessageCodec.encode(message),
            Ed25519.privateKey(IDENTITIES.get(sender).signingKey()));
    to.handle(new InboundFederationMessage(sender, envelope.encoded(), Instant.now()));
  }

  /** The consensus messages of {@code type} this node queued for its peers. */
  private List<ConsensusMessage> sent(MessageType type) {
    List<ConsensusMessage> found = new ArrayList<>();
    for (Outbound outbound : db.sent) {
      FederationEnvelope envelope = FederationEnvelope.decode(outbound.bytes());
      if (envelope.type() == org.careledger.domain.federation.MessageType.CONSENSUS) {
        ConsensusMessage message = MessageCodec.decode(envelope.payload());
        if (message.type() == type) {
          found.add(message);
        }
      }
    }
    return found;
  }

  private void fire(Object info) {
    driver.onTimer(Timers.timer(info));
  }

  // ---- doubles

  /** The node's database and outbound queue in memory; it fails when told to. */
  private static final class Database extends ConsensusTransactions {
    final List<Block> blocks = new ArrayList<>();
    byte[] state;
    final List<Outbound> sent = new ArrayList<>();

    /** How many of the next saves or appends fail; whether every read and write fails. */
    int failSaves;

    int failAppends;
    boolean away;

    private void reachable() {
      if (away) {
        throw new EJBException("the database is unreachable");
      }
    }

    @Override
    public String ensureGenesis(String channelId, Block genesis) {
      reachable();
      if (blocks.isEmpty()) {
        blocks.add(genesis);
      }
      return blocks.get(0).header().hashHex();
    }

    @Override
    public Optional<BlockHeader> head(String channelId) {
      reachable();
      return Optional.of(blocks.get(blocks.size() - 1).header());
    }

    @Override
    public org.careledger.domain.ledger.ChannelConfig channelConfig(
        String channelId, SignedTransaction genesisConfig) {
      reachable();
      var config = org.careledger.domain.ledger.ChannelConfig.genesis(genesisConfig);
      for (Block block : blocks) {
        config = config.next(block.header().height(), block.transactions());
      }
      return config;
    }

    @Override
    public Optional<byte[]> loadState(String channelId) {
      reachable();
      return Optional.ofNullable(state);
    }

    /** The member lease: its epoch, and who took it last. */
    long leaseEpoch;

    String leaseHolder = "";
    final List<org.careledger.persistence.consensus.ClusterInboxEntity> inbox = new ArrayList<>();

    @Override
    public long takeLease(String node) {
      reachable();
      leaseHolder = node;
      return ++leaseEpoch;
    }

    @Override
    public void forward(String declaredSender, byte[] payload) {
      inbox.add(
          new org.careledger.persistence.consensus.ClusterInboxEntity(
              declaredSender, payload, Instant.now()));
    }

    @Override
    public List<org.careledger.persistence.consensus.ClusterInboxEntity> takeForwarded(int max) {
      List<org.careledger.persistence.consensus.ClusterInboxEntity> taken =
          new ArrayList<>(inbox.subList(0, Math.min(max, inbox.size())));
      inbox.subList(0, taken.size()).clear();
      return taken;
    }

    @Override
    public void saveState(String channelId, long height, int round, byte[] bytes, long epoch) {
      reachable();
      if (epoch != leaseEpoch) {
        throw new EJBException(
            new org.careledger.domain.CareLedgerException(
                org.careledger.domain.ErrorCode.CONSENSUS_MEMBER_FENCED,
                "lease at " + leaseEpoch + ", not " + epoch));
      }
      if (failSaves > 0) {
        failSaves--;
        throw new EJBException("saving the consensus state rolled back");
      }
      state = bytes.clone();
    }

    @Override
    public void append(String channelId, List<Block> appended) {
      reachable();
      if (failAppends > 0) {
        failAppends--;
        throw new EJBException("appending the block rolled back");
      }
      blocks.addAll(appended);
    }

    @Override
    public List<StoredBlock> blocks(String channelId, long fromHeight, int max) {
      // Only the genesis block is served (a standby node reads the channel's configuration from
      // it); the engine's block sync gets nothing here.
      return fromHeight == 0 && !blocks.isEmpty() ? List.of(blocks.get(0).stored()) : List.of();
    }

    @Override
    public boolean contains(String channelId, String txIdHex) {
      return false;
    }

    @Override
    public Optional<long[]> locate(String channelId, String txIdHex) {
      return Optional.empty();
    }

    @Override
    public void forwardSubmission(String channelId, String submitter, byte[] transaction) {
      inbox.add(
          new org.careledger.persistence.consensus.ClusterInboxEntity(
              "submission", channelId, submitter, transaction, Instant.now()));
    }

    @Override
    public Set<String> committedAmong(String channelId, Collection<String> ids) {
      return Set.of();
    }

    @Override
    public void send(List<Outbound> messages) {
      sent.addAll(messages);
    }

    @Override
    public List<SignedTransaction> recordTransactions(String channelId, String recordId) {
      return List.of();
    }
  }

  /** A timer service that only records what is scheduled; the test fires timers itself. */
  private static final class Timers {
    final List<Object> scheduled = new ArrayList<>();

    TimerService service() {
      return (TimerService)
          Proxy.newProxyInstance(
              TimerService.class.getClassLoader(),
              new Class<?>[] {TimerService.class},
              (proxy, method, args) -> {
                if (method.getName().equals("createIntervalTimer")
                    && args[2] instanceof TimerConfig config) {
                  return timer(config.getInfo()); // the daily certificate check: not fired here
                }
                if (method.getName().equals("createSingleActionTimer")
                    && args[1] instanceof TimerConfig config) {
                  scheduled.add(config.getInfo());
                  return timer(config.getInfo());
                }
                throw new UnsupportedOperationException(method.getName());
              });
    }

    /** The retries of a rebuild scheduled so far. */
    List<ConsensusDriver.Rebuild> rebuilds() {
      return scheduled.stream()
          .filter(ConsensusDriver.Rebuild.class::isInstance)
          .map(ConsensusDriver.Rebuild.class::cast)
          .toList();
    }

    static Timer timer(Object info) {
      return (Timer)
          Proxy.newProxyInstance(
              Timer.class.getClassLoader(),
              new Class<?>[] {Timer.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getInfo" -> info;
                    case "toString" -> "Timer[" + info + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                  });
    }
  }
}
