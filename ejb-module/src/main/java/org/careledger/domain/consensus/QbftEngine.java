package org.careledger.domain.consensus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChannelConfig;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * One member's QBFT consensus for one channel, as a deterministic state machine.
 *
 * <p><b>Protocol.</b> QBFT (the IBFT 2.0 line) as specified by H. Moniz, "The Istanbul BFT
 * Consensus Algorithm", arXiv:2002.03613 (2020), Algorithms 1–4, and ConsenSys'
 * qbft-formal-spec-and-verification (Dafny) as implemented by Hyperledger Besu. Per height: the
 * proposer of round r (round-robin over the members in institution-id order, index (height + r) mod
 * n, skipping members whose certificate the channel revoked) broadcasts PROPOSAL; a member that
 * accepts it broadcasts PREPARE; on a quorum of PREPAREs for the round's proposal it locks on the
 * block (prepared round, value and prepare certificate) and broadcasts COMMIT with its commit seal;
 * a quorum of COMMITs with valid seals commits the block, the seals forming its {@link
 * CommitCertificate}. When the round timer expires a member moves to the next round and broadcasts
 * ROUND-CHANGE carrying its lock; f+1 ROUND-CHANGEs for higher rounds pull a member up (Moniz Alg.
 * 3 line 5); the next proposer, on a quorum of ROUND-CHANGEs, proposes the value of the highest
 * prepared round among them with that round's prepare certificate, or a fresh block if none is
 * prepared (JustifyRoundChange / JustifyPrePrepare, Alg. 4).
 *
 * <p><b>Quorums.</b> All quorums are {@link Membership#quorum()}: 2f+1 of n = 3f+1 (⌈2n/3⌉ in
 * general) for BFT channels; n for channels of two or three members (unanimity: every member signs
 * every block, so a channel with a member down stalls instead of forking), and 1 for a
 * single-member channel. The "f+1" rule uses n − quorum + 1.
 *
 * <p><b>Determinism.</b> No clock, thread or randomness: every input carries the driver's "now"
 * (milliseconds), which the engine uses only for block times and batch deadlines; iteration orders
 * are those of sorted or insertion-ordered maps. Equal inputs give equal outputs.
 *
 * <p><b>Durability.</b> Before it releases anything it signed, the engine emits {@link
 * Output.Persist} with its {@link SignedState}; restarted from that state it re-sends what it
 * signed and refuses to sign anything that contradicts it (one message of each type per round,
 * never a round below the persisted one, its lock kept).
 *
 * <p><b>Synchronisation.</b> Messages up to {@link EngineConfig#futureHeights} ahead are kept for
 * later; any valid message from a higher height, a commit quorum for a block this member lacks,
 * every round timeout (rotating over peers) and startup ask peers for blocks. Received blocks are
 * adopted only after {@link BlockChecks}: link, tree head, transaction signatures, and a quorum of
 * valid seals under this channel's membership.
 *
 * <p>Design choices: block times come from the proposer's "now" and must lie between the parent's
 * time and the receiver's latest "now" plus {@link EngineConfig#maxFutureBlockMillis}; a round-0
 * proposal waits for a batch (size or delay bound), later rounds propose at once, possibly an empty
 * block; the round timer of a height starts when a member has pending transactions or sees any
 * valid message for the height, so an idle channel stays silent.
 *
 * <p><b>Governance.</b> The engine holds the channel's {@link ChannelConfig} and folds every block
 * it commits (by consensus or synchronisation) into it, so members, proposer rotation and quorums
 * change at the height a config update applies, as {@code ChainVerifier} expects. Every block's
 * transactions and seals are checked under the membership seen at the block's time ({@link
 * Membership#atTime}): an expired certificate seals nothing. A member that is no signer at the
 * current height (a newcomer before its admission, a removed or revoked member) only follows the
 * chain.
 *
 * <p>Not thread-safe: a driver calls it from one thread at a time.
 */
public class QbftEngine {

  /** Test-only mutants of the protocol, to show the simulation's checks catch broken engines. */
  enum Fault {
    NONE,
    /** Counts 2f PREPAREs and COMMITs as a quorum. */
    QUORUM_TOO_SMALL,
    /** Drops its lock when the round changes (so ROUND-CHANGE reports nothing prepared). */
    FORGET_LOCK,
    /** Ignores the persisted signed state when restarted. */
    IGNORE_PERSISTED_STATE
  }

  /** What the engine uses besides its own key: pluggable checks and the committed chain. */
  public record Services(
      SignatureVerifier signatures,
      TransactionVerifier transactions,
      BlockValidator validator,
      LedgerView ledger) {

    public Services {
      Objects.requireNonNull(signatures, "signatures");
      Objects.requireNonNull(transactions, "transactions");
      Objects.requireNonNull(validator, "validator");
      Objects.requireNonNull(ledger, "ledger");
    }
  }

  private record Pending(SignedTransaction transaction, long since) {}

  private static final int MAX_POOL = 100_000;
  private static final int MAX_FUTURE_MESSAGES = 2_000;
  private static final int MAX_RECENT_IDS = 20_000;
  private static final int SIGNATURE_CACHE = 4_096;

  private final ChannelId channel;
  private final InstitutionId self;
  private final ConsensusSigner signer;

  /** {@link #signer} using the key the configuration in force names for this member. */
  private ConsensusSigner active;

  private final EngineConfig config;
  private final Services services;
  private final Fault fault;

  // The channel's configuration in force at the current height (see applyConfiguration).
  private ChannelConfig channelConfig;
  private Membership membership;
  private List<Member> members;

  /**
   * The proposer rotation: the members in institution-id order without those whose certificate the
   * channel revoked (all members if none could sign). A revoked member still counts in n, but its
   * proposal would be refused by everyone, so its turn would only cost a round timeout every n
   * heights. Derived from the configuration in force, so every member rotates alike.
   */
  private List<Member> proposers;

  private int quorum;
  private int weakQuorum;
  private boolean voter;

  private BlockHeader head;
  private byte[] headHash;
  private long now;
  private final LinkedHashMap<String, Pending> pool = new LinkedHashMap<>();
  private final LinkedHashSet<String> recentlyCommitted = new LinkedHashSet<>();
  private final TreeMap<Long, List<ConsensusMessage>> future = new TreeMap<>();
  private int futureCount;
  private final Map<SignedPayload, Boolean> verified =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SignedPayload, Boolean> eldest) {
          return size() > SIGNATURE_CACHE;
        }
      };
  private int syncRotation;

  // The instance of the current height.
  private long height;
  private int round;
  private int lockedRound = -1;
  private ProposedBlock lockedBlock;
  private List<SignedPayload> lockCertificate = List.of();
  private final List<ConsensusMessage> sent = new ArrayList<>();
  private final TreeMap<Integer, ConsensusMessage> proposals = new TreeMap<>();
  private final Map<String, ProposedBlock> blocks = new HashMap<>();
  private final TreeMap<Integer, TreeMap<String, SignedPayload>> prepares = new TreeMap<>();
  private final TreeMap<Integer, TreeMap<String, SignedPayload>> commits = new TreeMap<>();
  private final TreeMap<String, ConsensusMessage> latestRoundChange = new TreeMap<>();
  private final Set<Integer> roundTimers = new TreeSet<>();
  private final Set<Integer> batchTimers = new TreeSet<>();
  private boolean syncRequested;

  private List<Output> out = new ArrayList<>();

  /**
   * @param head the member's committed head (at least the genesis block)
   * @param persisted the last state the driver made durable for this channel, or null
   */
  /**
   * An engine for a channel whose membership is fixed (no config update in force applies to it:
   * updates are folded on top of a configuration with the all-zero id).
   */
  public QbftEngine(
      ConsensusSigner signer,
      Membership membership,
      BlockHeader head,
      SignedState persisted,
      EngineConfig config,
      Services services) {
    this(signer, ChannelConfig.of(membership), head, persisted, config, services, Fault.NONE);
  }

  /**
   * @param channelConfig the configuration in force at the height after {@code head}, folded from
   *     the chain ({@link ChannelConfig#next}); the engine folds every block it commits into it
   */
  public QbftEngine(
      ConsensusSigner signer,
      ChannelConfig channelConfig,
      BlockHeader head,
      SignedState persisted,
      EngineConfig config,
      Services services) {
    this(signer, channelConfig, head, persisted, config, services, Fault.NONE);
  }

  QbftEngine(
      ConsensusSigner signer,
      Membership membership,
      BlockHeader head,
      SignedState persisted,
      EngineConfig config,
      Services services,
      Fault fault) {
    this(signer, ChannelConfig.of(membership), head, persisted, config, services, fault);
  }

  QbftEngine(
      ConsensusSigner signer,
      ChannelConfig channelConfig,
      BlockHeader head,
      SignedState persisted,
      EngineConfig config,
      Services services,
      Fault fault) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.head = Objects.requireNonNull(head, "head");
    this.config = Objects.requireNonNull(config, "config");
    this.services = Objects.requireNonNull(services, "services");
    this.fault = fault;
    this.channel = head.channel();
    this.self = signer.member();
    Member me = channelConfig.membership().listed(self).orElse(null);
    if (me != null
        && channelConfig.membership().byInstitution(self).isPresent()
        && !signer.holds(me.signingFingerprint())) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_CONFIG_INVALID,
          "the signer's key is not " + self + "'s signing key in channel " + channel);
    }
    applyConfiguration(Objects.requireNonNull(channelConfig, "channelConfig"));
    this.headHash = head.hash();
    this.height = head.height() + 1;
    this.now = head.time();
    if (persisted != null && fault != Fault.IGNORE_PERSISTED_STATE) {
      restore(persisted);
    }
  }

  private void restore(SignedState state) {
    if (!state.channel().equals(channel)) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_CONFIG_INVALID, "persisted state is for channel " + state.channel());
    }
    if (state.height() > height) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_CONFIG_INVALID,
          "persisted state is for height "
              + state.height()
              + " but the chain ends at "
              + head.height()
              + ": the chain store lost committed blocks");
    }
    if (state.height() < height) {
      return; // stale: that height is committed
    }
    round = state.round();
    lockedRound = state.lockedRound();
    lockedBlock = state.lockedBlock();
    lockCertificate = state.lockCertificate();
    for (ConsensusMessage message : state.sent()) {
      if (!message.sender().equals(self)) {
        throw new CareLedgerException(
            ErrorCode.CONSENSUS_CONFIG_INVALID, "persisted state lists another member's message");
      }
      sent.add(message);
      recordOwn(message);
    }
    if (lockedBlock != null) {
      blocks.put(lockedBlock.digestHex(), lockedBlock);
    }
  }

  /**
   * Makes {@code next} the configuration in force: members, proposer rotation, quorums, and whether
   * this member votes. A member that is not (or no longer, or not yet) a signer of the channel (a
   * newcomer syncing the chain before its admission, a removed member, one whose certificate is
   * revoked or whose key is not the one in force) follows the chain by synchronisation and signs
   * nothing.
   */
  private void applyConfiguration(ChannelConfig next) {
    channelConfig = next;
    membership = next.membership();
    members = membership.members();
    List<Member> signing =
        members.stream()
            .filter(m -> membership.byInstitution(m.institution()).isPresent())
            .toList();
    proposers = signing.isEmpty() ? members : signing;
    quorum = membership.quorum();
    weakQuorum = membership.size() - quorum + 1;
    Member me = membership.byInstitution(self).orElse(null);
    voter = me != null && signer.holds(me.signingFingerprint());
    // The key in force for this member here: after a renew-certificate update, the new one.
    active = voter ? signer.using(me.signingFingerprint()) : signer;
    verified.clear();
  }

  /** The channel configuration in force at the current height. */
  public ChannelConfig configuration() {
    return channelConfig;
  }

  /** Whether this member signs in the channel at the current height. */
  public boolean voting() {
    return voter;
  }

  // ---- inputs

  /**
   * Call once after construction (and after every restart): re-sends what this member signed at the
   * current height, restarts its round timer and asks peers for blocks it may have missed.
   */
  public List<Output> start(long now) {
    begin(now);
    for (ConsensusMessage message : sent) {
      if (message.round() == round) {
        out.add(new Output.Broadcast(message));
      }
    }
    if (!sent.isEmpty() || round > 0) {
      startRoundTimer(round);
    }
    for (Member member : members) {
      if (!member.institution().equals(self)) {
        out.add(new Output.RequestSync(member.institution(), height));
      }
    }
    syncRequested = members.size() > 1;
    tryPropose();
    return end();
  }

  public List<Output> onMessage(ConsensusMessage message, long now) {
    begin(now);
    receive(message, true);
    return end();
  }

  public List<Output> onTimer(TimerEvent event, long now) {
    begin(now);
    if (event.height() == height && event.round() == round) {
      switch (event.kind()) {
        case ROUND -> roundTimeout();
        case BATCH -> tryPropose();
      }
    }
    return end();
  }

  /** New pending transactions (from local clients or relayed by peers). */
  public List<Output> onTransactions(List<SignedTransaction> transactions, long now) {
    begin(now);
    List<SignedTransaction> fresh = new ArrayList<>(transactions.size());
    for (SignedTransaction tx : transactions) {
      if (!pool.containsKey(tx.idHex())) {
        fresh.add(tx);
      }
    }
    Predicate<byte[]> committed = committedAmong(fresh);
    for (SignedTransaction tx : fresh) {
      admit(tx, committed);
    }
    if (!pool.isEmpty()) {
      startRoundTimer(round);
      tryPropose();
    }
    return end();
  }

  /** Committed blocks a peer sent in answer to {@link Output.RequestSync}, in height order. */
  public List<Output> onBlocksReceived(InstitutionId from, List<Block> received, long now) {
    begin(now);
    long before = height;
    for (Block block : received) {
      if (block.header().height() < height) {
        continue;
      }
      if (block.header().height() > height) {
        drop(ErrorCode.CONSENSUS_SYNC_BLOCK_INVALID, "gap before block " + block.header().height());
        break;
      }
      ProposedBlock proposed = new ProposedBlock(block.header(), block.transactions());
      try {
        BlockChecks.structure(
            proposed,
            head,
            headHash,
            membership.atTime(block.header().time()),
            services.transactions(),
            committedAmong(block.transactions()),
            ErrorCode.CONSENSUS_SYNC_BLOCK_INVALID);
      } catch (CareLedgerException e) {
        drop(e.errorCode(), "from " + from + ": " + e.getMessage());
        break;
      }
      String problem =
          BlockChecks.certificateProblem(
              block.header(),
              block.certificate(),
              membership.atTime(block.header().time()),
              services.signatures());
      if (problem != null) {
        drop(ErrorCode.CONSENSUS_SYNC_BLOCK_INVALID, "from " + from + ": " + problem);
        break;
      }
      commit(proposed, block.certificate());
    }
    if (height > before && membership.isMember(from)) {
      // A response holds a bounded number of blocks: ask again until the peer has no more, so a
      // member far behind (a newcomer taking the chain from genesis) catches up on an idle channel
      // too, not only when new traffic shows it is behind. (Not counted as the one outstanding
      // request: news of a higher height still asks its sender at once.)
      out.add(new Output.RequestSync(from, height));
    }
    return end();
  }

  // ---- read-only views (drivers, tests)

  public long height() {
    return height;
  }

  public int round() {
    return round;
  }

  public BlockHeader head() {
    return head;
  }

  public int pendingTransactions() {
    return pool.size();
  }

  /**
   * The proposer of a height and round: round-robin over the members in institution-id order, a
   * member whose certificate is revoked left out.
   */
  public InstitutionId proposer(long height, int round) {
    return proposers
        .get((int) Math.floorMod(height + round, (long) proposers.size()))
        .institution();
  }

  /** The state the engine would persist now. */
  public SignedState signedState() {
    return new SignedState(
        channel, height, round, lockedRound, lockedBlock, lockCertificate, List.copyOf(sent));
  }

  // ---- message handling

  private void receive(ConsensusMessage message, boolean fresh) {
    Payload p = message.payload();
    if (!p.channel().equals(channel)) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, p + " is for another channel");
      return;
    }
    if (fresh) {
      if (membership.byInstitution(p.sender()).isEmpty()) {
        drop(ErrorCode.CONSENSUS_UNKNOWN_SENDER, p + " is from a non-member");
        return;
      }
      if (!signatureValid(message.signed())) {
        drop(ErrorCode.CONSENSUS_SIGNATURE_INVALID, p + " is not signed by its sender");
        return;
      }
    }
    if (p.sender().equals(self)) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, p + " is this member's own");
      return;
    }
    if (p.height() < height) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, p + " is for a committed height");
      return;
    }
    if (p.height() > height) {
      keepForLater(message);
      requestSync(p.sender());
      return;
    }
    startRoundTimer(round);
    switch (p.type()) {
      case PROPOSAL -> onProposal(message);
      case PREPARE -> onPrepare(message.signed());
      case COMMIT -> onCommit(message.signed());
      case ROUND_CHANGE -> onRoundChange(message);
    }
  }

  private void onProposal(ConsensusMessage message) {
    int r = message.round();
    InstitutionId sender = message.sender();
    if (r < round || r > round + config.futureRounds()) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, message + " is outside rounds " + round + "+");
      return;
    }
    if (!sender.equals(proposer(height, r))) {
      drop(
          ErrorCode.CONSENSUS_WRONG_PROPOSER,
          message + ": the proposer of round " + r + " is " + proposer(height, r));
      return;
    }
    ConsensusMessage accepted = proposals.get(r);
    if (accepted != null) {
      if (!accepted.payload().digestEquals(message.payload().digest())) {
        drop(ErrorCode.CONSENSUS_PROPOSAL_INVALID, message + " is a second proposal for its round");
      }
      return;
    }
    ProposedBlock block = message.block();
    boolean reproposal;
    try {
      reproposal = justifyProposal(message);
    } catch (CareLedgerException e) {
      drop(e.errorCode(), message + ": " + e.getMessage());
      return;
    }
    try {
      checkBlock(block, reproposal ? null : sender);
    } catch (CareLedgerException e) {
      drop(e.errorCode(), message + ": " + e.getMessage());
      return;
    }
    accept(message);
  }

  private void accept(ConsensusMessage proposal) {
    int r = proposal.round();
    proposals.put(r, proposal);
    blocks.put(proposal.block().digestHex(), proposal.block());
    if (r > round) {
      moveToRound(r);
    }
    SignedPayload prepare =
        sign(
            Payload.prepare(channel, height, r, self, proposal.block().digest()),
            null,
            List.of(),
            List.of());
    if (prepare != null) {
      prepares.computeIfAbsent(r, k -> new TreeMap<>()).putIfAbsent(self.value(), prepare);
    }
    checkPrepared();
    checkCommitted(r, proposal.block().digestHex());
  }

  /**
   * Moniz Alg. 4 JustifyPrePrepare: round 0 needs nothing; a later round needs a quorum of
   * ROUND-CHANGEs for that round and, if any reports a prepared value, the block of the highest
   * prepared round with its prepare certificate. Returns whether the proposal re-proposes a
   * prepared value (then its header may name an earlier proposer).
   */
  private boolean justifyProposal(ConsensusMessage proposal) {
    int r = proposal.round();
    if (r == 0) {
      return false;
    }
    Set<String> senders = new TreeSet<>();
    int highest = -1;
    Set<String> highestDigests = new TreeSet<>();
    for (SignedPayload rc : proposal.roundChanges()) {
      Payload p = rc.payload();
      if (!p.channel().equals(channel) || p.height() != height || p.round() != r) {
        throw justification("round-change certificate holds " + p);
      }
      if (membership.byInstitution(p.sender()).isEmpty() || !signatureValid(rc)) {
        throw justification("round-change certificate holds an unsigned " + p);
      }
      if (!senders.add(p.sender().value())) {
        throw justification("round-change certificate holds two entries by " + p.sender());
      }
      if (p.preparedRound() > highest) {
        highest = p.preparedRound();
        highestDigests.clear();
      }
      if (p.preparedRound() == highest && highest >= 0) {
        highestDigests.add(p.digestHex());
      }
    }
    if (senders.size() < quorum) {
      throw justification(
          "round-change certificate has " + senders.size() + " members; " + quorum + " needed");
    }
    if (highest == -1) {
      if (!proposal.prepares().isEmpty()) {
        throw justification("prepare certificate without a prepared round change");
      }
      return false;
    }
    ProposedBlock block = proposal.block();
    if (!highestDigests.contains(block.digestHex())) {
      throw justification("does not re-propose the value prepared in round " + highest);
    }
    checkPrepareCertificate(proposal.prepares(), highest, block.digest());
    return true;
  }

  private void checkPrepareCertificate(List<SignedPayload> certificate, int r, byte[] digest) {
    Set<String> senders = new TreeSet<>();
    for (SignedPayload prepare : certificate) {
      Payload p = prepare.payload();
      if (!p.channel().equals(channel)
          || p.height() != height
          || p.round() != r
          || !p.digestEquals(digest)) {
        throw justification("prepare certificate holds " + p);
      }
      if (membership.byInstitution(p.sender()).isEmpty() || !signatureValid(prepare)) {
        throw justification("prepare certificate holds an unsigned " + p);
      }
      if (!senders.add(p.sender().value())) {
        throw justification("prepare certificate holds two entries by " + p.sender());
      }
    }
    if (senders.size() < prepareQuorum()) {
      throw justification(
          "prepare certificate has " + senders.size() + " members; " + quorum + " needed");
    }
  }

  private static CareLedgerException justification(String why) {
    return new CareLedgerException(ErrorCode.CONSENSUS_JUSTIFICATION_INVALID, why);
  }

  private void checkBlock(ProposedBlock block, InstitutionId requiredProposer) {
    BlockChecks.structure(
        block,
        head,
        headHash,
        membership.atTime(block.header().time()),
        services.transactions(),
        committedAmong(block.transactions()),
        ErrorCode.CONSENSUS_PROPOSAL_INVALID);
    BlockHeader header = block.header();
    if (header.time() > now + config.maxFutureBlockMillis()) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_PROPOSAL_INVALID, "block time is too far ahead");
    }
    if (requiredProposer != null && !header.proposer().equals(requiredProposer)) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_PROPOSAL_INVALID,
          "a new block names its proposer " + requiredProposer + ", not " + header.proposer());
    }
    services.validator().validate(head, block);
  }

  private void onPrepare(SignedPayload prepare) {
    int r = prepare.payload().round();
    if (r < round || r > round + config.futureRounds()) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, prepare + " is outside rounds " + round + "+");
      return;
    }
    if (!record(prepares, prepare)) {
      return;
    }
    checkPrepared();
  }

  private void onCommit(SignedPayload commit) {
    Payload p = commit.payload();
    if (p.round() > round + config.futureRounds()) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, commit + " is too far ahead");
      return;
    }
    if (!BlockChecks.sealValid(p.seal(), p.digest(), membership, services.signatures())) {
      drop(ErrorCode.CONSENSUS_SIGNATURE_INVALID, commit + " carries an invalid commit seal");
      return;
    }
    if (!record(commits, commit)) {
      return;
    }
    checkCommitted(p.round(), p.digestHex());
  }

  /** Keeps the first vote of each sender per round; a different second one is equivocation. */
  private boolean record(
      TreeMap<Integer, TreeMap<String, SignedPayload>> votes, SignedPayload vote) {
    Payload p = vote.payload();
    SignedPayload first =
        votes
            .computeIfAbsent(p.round(), k -> new TreeMap<>())
            .putIfAbsent(p.sender().value(), vote);
    if (first != null) {
      if (!first.payload().equals(p)) {
        drop(ErrorCode.CONSENSUS_CONFLICTING_SIGNATURE, vote + " contradicts " + first);
      }
      return false;
    }
    return true;
  }

  /** Moniz Alg. 2: a quorum of PREPAREs for this round's proposal locks it and sends COMMIT. */
  private void checkPrepared() {
    ConsensusMessage proposal = proposals.get(round);
    if (proposal == null || hasSent(MessageType.COMMIT, round)) {
      return;
    }
    ProposedBlock block = proposal.block();
    List<SignedPayload> certificate = votesFor(prepares, round, block.digestHex());
    if (certificate.size() < prepareQuorum()) {
      return;
    }
    lockedRound = round;
    lockedBlock = block;
    lockCertificate = certificate;
    byte[] digest = block.digest();
    CommitCertificate.Signature seal =
        new CommitCertificate.Signature(
            self, active.key(), active.sign(BlockChecks.sealMessage(digest)));
    SignedPayload commit =
        sign(
            Payload.commit(channel, height, round, self, digest, seal), null, List.of(), List.of());
    if (commit != null) {
      commits.computeIfAbsent(round, k -> new TreeMap<>()).putIfAbsent(self.value(), commit);
      checkCommitted(round, block.digestHex());
    }
  }

  private void checkCommitted(int r, String digestHex) {
    List<SignedPayload> votes = votesFor(commits, r, digestHex);
    if (votes.size() < commitQuorum()) {
      return;
    }
    ProposedBlock block = blocks.get(digestHex);
    if (block == null) {
      requestSync(votes.get(0).payload().sender());
      return;
    }
    Membership atBlockTime = membership.atTime(block.header().time());
    if (atBlockTime != membership) {
      // A certificate that expired by the block's time seals nothing in it (ChainVerifier's rule).
      votes =
          votes.stream()
              .filter(v -> atBlockTime.byInstitution(v.payload().sender()).isPresent())
              .toList();
      if (votes.size() < commitQuorum()) {
        return;
      }
    }
    commit(block, new CommitCertificate(votes.stream().map(v -> v.payload().seal()).toList()));
  }

  private static List<SignedPayload> votesFor(
      TreeMap<Integer, TreeMap<String, SignedPayload>> votes, int r, String digestHex) {
    List<SignedPayload> matching = new ArrayList<>();
    for (SignedPayload vote : votes.getOrDefault(r, new TreeMap<>()).values()) {
      if (digestHex.equals(vote.payload().digestHex())) {
        matching.add(vote);
      }
    }
    return matching;
  }

  /** Moniz Alg. 3: a valid ROUND-CHANGE is kept (latest per sender) and may move this member. */
  private void onRoundChange(ConsensusMessage message) {
    Payload p = message.payload();
    if (p.round() < round) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, message + " is for a past round");
      return;
    }
    ConsensusMessage previous = latestRoundChange.get(p.sender().value());
    if (previous != null && previous.round() >= p.round()) {
      return;
    }
    if (p.preparedRound() >= 0) {
      try {
        checkPrepareCertificate(message.prepares(), p.preparedRound(), p.digest());
        checkBlock(message.block(), null);
      } catch (CareLedgerException e) {
        drop(e.errorCode(), message + ": " + e.getMessage());
        return;
      }
      blocks.put(message.block().digestHex(), message.block());
    }
    latestRoundChange.put(p.sender().value(), message);
    applyRoundChangeRules();
  }

  private void applyRoundChangeRules() {
    long at = height;
    List<Integer> higher = new ArrayList<>();
    for (ConsensusMessage rc : latestRoundChange.values()) {
      if (rc.round() > round) {
        higher.add(rc.round());
      }
    }
    if (higher.size() >= weakQuorum) {
      higher.sort((a, b) -> Integer.compare(b, a));
      int target = higher.get(weakQuorum - 1);
      moveToRound(target);
      sendRoundChange(target);
    }
    if (height != at) {
      return;
    }
    if (round > 0 && proposer(height, round).equals(self) && !proposals.containsKey(round)) {
      List<ConsensusMessage> quorumSet = new ArrayList<>();
      for (ConsensusMessage rc : latestRoundChange.values()) {
        if (rc.round() == round) {
          quorumSet.add(rc);
        }
      }
      if (quorumSet.size() >= quorum) {
        proposeAfterRoundChange(quorumSet);
      }
    }
  }

  private void proposeAfterRoundChange(List<ConsensusMessage> roundChanges) {
    ConsensusMessage highest = null;
    for (ConsensusMessage rc : roundChanges) {
      if (rc.payload().preparedRound() >= 0
          && (highest == null
              || rc.payload().preparedRound() > highest.payload().preparedRound())) {
        highest = rc;
      }
    }
    ProposedBlock block = highest != null ? highest.block() : buildBlock();
    List<SignedPayload> prepareCertificate = highest != null ? highest.prepares() : List.of();
    propose(
        block, roundChanges.stream().map(ConsensusMessage::signed).toList(), prepareCertificate);
  }

  private void roundTimeout() {
    syncRequested = false;
    List<InstitutionId> peers = peers();
    if (!peers.isEmpty()) {
      requestSync(peers.get(Math.floorMod(syncRotation++, peers.size())));
    }
    int next = round + 1;
    moveToRound(next);
    sendRoundChange(next);
    applyRoundChangeRules();
  }

  private void moveToRound(int r) {
    if (r <= round) {
      return;
    }
    round = r;
    if (fault == Fault.FORGET_LOCK) {
      lockedRound = -1;
      lockedBlock = null;
      lockCertificate = List.of();
    }
    startRoundTimer(r);
  }

  private void sendRoundChange(int r) {
    if (hasSent(MessageType.ROUND_CHANGE, r)) {
      return;
    }
    Payload payload =
        Payload.roundChange(
            channel,
            height,
            r,
            self,
            lockedRound,
            lockedBlock == null ? null : lockedBlock.digest());
    SignedPayload rc = sign(payload, lockedBlock, List.of(), lockCertificate);
    if (rc != null) {
      latestRoundChange.put(self.value(), sentMessage(MessageType.ROUND_CHANGE, r));
    }
  }

  // ---- proposing

  private void tryPropose() {
    if (round != 0
        || !proposer(height, 0).equals(self)
        || proposals.containsKey(0)
        || hasSent(MessageType.PROPOSAL, 0)
        || pool.isEmpty()) {
      return;
    }
    long due = pool.values().iterator().next().since() + config.batchMaxDelayMillis();
    if (pool.size() >= config.batchMaxTransactions() || now >= due) {
      propose(buildBlock(), List.of(), List.of());
    } else if (batchTimers.add(round)) {
      out.add(
          new Output.ScheduleTimer(
              new TimerEvent(TimerEvent.Kind.BATCH, height, round), due - now));
    }
  }

  private ProposedBlock buildBlock() {
    List<SignedTransaction> batch = new ArrayList<>();
    for (Pending pending : pool.values()) {
      if (batch.size() == config.batchMaxTransactions()) {
        break;
      }
      batch.add(pending.transaction());
    }
    long time = Math.max(now, head.time());
    ProposedBlock block = new ProposedBlock(Block.header(channel, head, batch, time, self), batch);
    try {
      services.validator().validate(head, block);
      return block;
    } catch (CareLedgerException whole) {
      // Some transaction breaks the channel's rules as things stand now (admitted earlier, the
      // chain has moved on): leave out, and forget, each one that the block would not take.
      List<SignedTransaction> kept = new ArrayList<>();
      for (SignedTransaction tx : batch) {
        kept.add(tx);
        try {
          services
              .validator()
              .validate(
                  head, new ProposedBlock(Block.header(channel, head, kept, time, self), kept));
        } catch (CareLedgerException e) {
          kept.remove(kept.size() - 1);
          pool.remove(tx.idHex());
          drop(ErrorCode.CONSENSUS_TRANSACTION_REJECTED, e.getMessage());
        }
      }
      return new ProposedBlock(Block.header(channel, head, kept, time, self), kept);
    }
  }

  private void propose(
      ProposedBlock block, List<SignedPayload> roundChanges, List<SignedPayload> prepareCert) {
    Payload payload = Payload.proposal(channel, height, round, self, block.digest());
    if (sign(payload, block, roundChanges, prepareCert) != null) {
      accept(sentMessage(MessageType.PROPOSAL, round));
    }
  }

  // ---- signing and persistence

  /**
   * Signs and broadcasts, after persisting; or re-sends the identical message signed before; or
   * refuses (returns null) if this member signed a different message of the type in the round.
   */
  private SignedPayload sign(
      Payload payload,
      ProposedBlock block,
      List<SignedPayload> roundChanges,
      List<SignedPayload> prepareCert) {
    if (!voter) {
      return null; // follows the chain, signs nothing
    }
    ConsensusMessage prior = sentMessage(payload.type(), payload.round());
    if (prior != null) {
      if (prior.payload().equals(payload)) {
        out.add(new Output.Broadcast(prior));
        return prior.signed();
      }
      drop(
          ErrorCode.CONSENSUS_CONFLICTING_SIGNATURE,
          "refusing to sign " + payload + ": signed " + prior + " before");
      return null;
    }
    if (payload.round() < round) {
      drop(ErrorCode.CONSENSUS_CONFLICTING_SIGNATURE, "refusing to sign for a past round");
      return null;
    }
    ConsensusMessage message =
        new ConsensusMessage(SignedPayload.sign(payload, active), block, roundChanges, prepareCert);
    sent.removeIf(m -> m.round() < round);
    sent.add(message);
    out.add(new Output.Persist(signedState()));
    out.add(new Output.Broadcast(message));
    return message.signed();
  }

  private ConsensusMessage sentMessage(MessageType type, int r) {
    for (ConsensusMessage message : sent) {
      if (message.type() == type && message.round() == r) {
        return message;
      }
    }
    return null;
  }

  private boolean hasSent(MessageType type, int r) {
    return sentMessage(type, r) != null;
  }

  private void recordOwn(ConsensusMessage message) {
    int r = message.round();
    switch (message.type()) {
      case PROPOSAL -> {
        proposals.put(r, message);
        blocks.put(message.block().digestHex(), message.block());
      }
      case PREPARE ->
          prepares.computeIfAbsent(r, k -> new TreeMap<>()).put(self.value(), message.signed());
      case COMMIT ->
          commits.computeIfAbsent(r, k -> new TreeMap<>()).put(self.value(), message.signed());
      case ROUND_CHANGE -> {
        ConsensusMessage previous = latestRoundChange.get(self.value());
        if (previous == null || previous.round() < r) {
          latestRoundChange.put(self.value(), message);
        }
      }
    }
  }

  // ---- committing and synchronisation

  private void commit(ProposedBlock block, CommitCertificate certificate) {
    out.add(new Output.Commit(block.withCertificate(certificate)));
    for (SignedTransaction tx : block.transactions()) {
      pool.remove(tx.idHex());
      recentlyCommitted.add(tx.idHex());
    }
    while (recentlyCommitted.size() > MAX_RECENT_IDS) {
      recentlyCommitted.remove(recentlyCommitted.iterator().next());
    }
    ChannelConfig next = channelConfig.next(block.header().height(), block.transactions());
    boolean reconfigured = next != channelConfig;
    if (reconfigured) {
      applyConfiguration(next);
      dropTransactionsThatNoLongerVerify(block.header().time());
    }
    head = block.header();
    headHash = block.digest();
    height = head.height() + 1;
    round = 0;
    lockedRound = -1;
    lockedBlock = null;
    lockCertificate = List.of();
    sent.clear();
    proposals.clear();
    blocks.clear();
    prepares.clear();
    commits.clear();
    latestRoundChange.clear();
    roundTimers.clear();
    batchTimers.clear();
    syncRequested = false;
    // Every commit (by consensus or by synchronisation) goes through commit(), which takes its
    // transactions out of the pool: nothing in the pool is committed, and no lookup is needed here.
    future.headMap(height).clear();
    List<ConsensusMessage> ready = future.remove(height);
    futureCount = future.values().stream().mapToInt(List::size).sum();
    if (!pool.isEmpty()) {
      startRoundTimer(0);
    }
    if (ready != null) {
      long at = height;
      for (ConsensusMessage message : ready) {
        if (height != at) {
          break;
        }
        // Kept under the configuration before: checked again under the new one.
        receive(message, reconfigured);
      }
    }
    if (height == head.height() + 1) {
      tryPropose();
    }
  }

  private void keepForLater(ConsensusMessage message) {
    if (message.height() > height + config.futureHeights() || futureCount >= MAX_FUTURE_MESSAGES) {
      drop(ErrorCode.CONSENSUS_MESSAGE_IRRELEVANT, message + " is too far ahead to keep");
      return;
    }
    future.computeIfAbsent(message.height(), k -> new ArrayList<>()).add(message);
    futureCount++;
  }

  private void requestSync(InstitutionId peer) {
    if (!syncRequested && !peer.equals(self)) {
      syncRequested = true;
      out.add(new Output.RequestSync(peer, height));
    }
  }

  private List<InstitutionId> peers() {
    List<InstitutionId> peers = new ArrayList<>();
    for (Member member : members) {
      if (!member.institution().equals(self)) {
        peers.add(member.institution());
      }
    }
    return peers;
  }

  // ---- helpers

  private void admit(SignedTransaction tx, Predicate<byte[]> committed) {
    String id = tx.idHex();
    if (pool.containsKey(id)) {
      return;
    }
    if (!tx.transaction().channel().equals(channel)) {
      drop(ErrorCode.CONSENSUS_TRANSACTION_REJECTED, tx + " is for another channel");
      return;
    }
    if (committed.test(tx.id())) {
      drop(ErrorCode.CONSENSUS_TRANSACTION_REJECTED, tx + " is already committed");
      return;
    }
    if (pool.size() >= MAX_POOL) {
      drop(ErrorCode.CONSENSUS_TRANSACTION_REJECTED, "the pool is full");
      return;
    }
    try {
      services.transactions().verify(tx, membership.atTime(now));
      services.validator().admit(tx);
    } catch (CareLedgerException e) {
      drop(ErrorCode.CONSENSUS_TRANSACTION_REJECTED, e.getMessage());
      return;
    }
    pool.put(id, new Pending(tx, now));
  }

  /**
   * Which of these transactions are already committed, asking the ledger once for the whole batch
   * and only about those the engine cannot answer itself. A transaction in the pool is not
   * committed: it was checked when admitted, and every commit since took its transactions out of
   * the pool (see {@link #commit}); one committed recently is remembered. Only the rest go to the
   * database, so a proposal made of transactions already relayed here costs no lookup at all.
   */
  private Predicate<byte[]> committedAmong(List<SignedTransaction> transactions) {
    List<byte[]> unknown = new ArrayList<>();
    for (SignedTransaction tx : transactions) {
      String id = tx.idHex();
      if (!pool.containsKey(id) && !recentlyCommitted.contains(id)) {
        unknown.add(tx.id());
      }
    }
    Set<String> stored = unknown.isEmpty() ? Set.of() : services.ledger().committedAmong(unknown);
    return id -> {
      String hex = HexFormat.of().formatHex(id);
      return recentlyCommitted.contains(hex) || stored.contains(hex);
    };
  }

  private boolean signatureValid(SignedPayload signed) {
    Boolean known = verified.get(signed);
    if (known != null) {
      return known;
    }
    Member member = membership.byInstitution(signed.payload().sender()).orElse(null);
    boolean valid =
        member != null
            && services
                .signatures()
                .verify(member, signed.payload().signedBytes(), signed.signatureUnsafe());
    verified.put(signed, valid);
    return valid;
  }

  private void startRoundTimer(int r) {
    if (roundTimers.add(r)) {
      out.add(
          new Output.ScheduleTimer(
              new TimerEvent(TimerEvent.Kind.ROUND, height, r), config.roundTimeout(r)));
    }
  }

  private int prepareQuorum() {
    return fault == Fault.QUORUM_TOO_SMALL ? Math.max(1, quorum - 1) : quorum;
  }

  private int commitQuorum() {
    return prepareQuorum();
  }

  /**
   * After a configuration change: transactions admitted under the old one whose author can no
   * longer sign with the key that signed them (removed, revoked, or renewed to another key) are
   * taken out of the pool. No block may hold them any more, and a proposal that did would be
   * refused by every member, costing the height a round change each time its proposer had one.
   */
  private void dropTransactionsThatNoLongerVerify(long blockTime) {
    Membership at = membership.atTime(blockTime);
    for (java.util.Iterator<Pending> it = pool.values().iterator(); it.hasNext(); ) {
      SignedTransaction tx = it.next().transaction();
      try {
        services.transactions().verify(tx, at);
      } catch (CareLedgerException e) {
        it.remove();
        drop(
            ErrorCode.CONSENSUS_TRANSACTION_REJECTED,
            tx + " no longer verifies under the channel's new configuration: " + e.getMessage());
      }
    }
  }

  private void drop(ErrorCode code, String detail) {
    out.add(new Output.Dropped(code, detail));
  }

  private void begin(long now) {
    this.now = Math.max(this.now, now);
    out = new ArrayList<>();
  }

  private List<Output> end() {
    List<Output> result = out;
    out = new ArrayList<>();
    return List.copyOf(result);
  }
}
