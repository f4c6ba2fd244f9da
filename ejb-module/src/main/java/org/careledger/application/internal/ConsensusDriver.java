package org.careledger.application.internal;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Local;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.application.ClusterRole;
import org.careledger.application.LedgerService.Committed;
import org.careledger.application.NodeKeys;
import org.careledger.application.NodeSettings;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.application.federation.FederationInboundHandler;
import org.careledger.application.federation.InboundFederationMessage;
import org.careledger.application.federation.PingService;
import org.careledger.application.internal.ConsensusTransactions.Outbound;
import org.careledger.application.readiness.CertificateWatch;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.consensus.BlockValidator;
import org.careledger.domain.consensus.CachingSignatureVerifier;
import org.careledger.domain.consensus.CachingTransactionVerifier;
import org.careledger.domain.consensus.ConsensusMessage;
import org.careledger.domain.consensus.ConsensusSigner;
import org.careledger.domain.consensus.Ed25519Signatures;
import org.careledger.domain.consensus.EngineConfig;
import org.careledger.domain.consensus.EquivocationWatch;
import org.careledger.domain.consensus.LedgerView;
import org.careledger.domain.consensus.MessageCodec;
import org.careledger.domain.consensus.Output;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.consensus.QbftEngine;
import org.careledger.domain.consensus.SignedPayload;
import org.careledger.domain.consensus.SignedState;
import org.careledger.domain.consensus.TimerEvent;
import org.careledger.domain.consensus.TransactionVerifier;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.federation.EnvelopeVerifier;
import org.careledger.domain.federation.FederationChannel;
import org.careledger.domain.federation.FederationDescriptor;
import org.careledger.domain.federation.FederationEnvelope;
import org.careledger.domain.federation.FederationMember;
import org.careledger.domain.federation.FederationPayloads;
import org.careledger.domain.federation.Genesis;
import org.careledger.domain.federation.MessageType;
import org.careledger.domain.federation.ReplayGuard;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.monitoring.CommitMetrics;
import org.careledger.domain.sharing.PolicyValidator;
import org.careledger.domain.sharing.RecordRules;
import org.careledger.domain.sharing.SharingPolicy;

/**
 * Drives one {@link QbftEngine} per federated channel this node is a member of, and is the node's
 * federation inbound handler.
 *
 * <p><b>Configuration.</b> The federation descriptor is read from the file named by the system
 * property {@value #DESCRIPTOR_PROPERTY}, else {@code <careledger.home>/federation.json}. Until the
 * node's identity is loaded and the file exists (the federation launcher writes it after collecting
 * every member's certificates), the driver looks again every {@value #INIT_RETRY_MILLIS} ms. For
 * each channel naming this node it derives the genesis block from the descriptor, creates the
 * channel with it (or checks that the stored genesis is the same: {@code
 * FEDERATION_GENESIS_MISMATCH} otherwise) and starts the engine from the committed head and the
 * last persisted {@link SignedState}.
 *
 * <p><b>Performing outputs.</b> Each engine is called under its channel's lock, and its outputs are
 * performed before the lock is released, in this order: committed blocks appended (one
 * transaction), the last signed state persisted (one transaction, committed before anything it
 * covers leaves the node), messages queued for peers (one transaction), timers scheduled. Sending
 * after persisting is what the engine's contract requires; appending the blocks first means a crash
 * can never leave a persisted state ahead of the chain. Submitters waiting on a transaction are
 * told once its block is durably appended here.
 *
 * <p><b>Inbound.</b> Every federation message is a signed {@link FederationEnvelope}: the {@link
 * EnvelopeVerifier} checks federation, channel, sender membership, signature and replay (duplicates
 * dropped, order not assumed) before the payload is read. Consensus messages go to the engine; sync
 * requests are answered with up to {@value FederationPayloads#MAX_BLOCKS} stored blocks; sync
 * responses go to the engine, which checks links, tree heads, transaction signatures and
 * certificate quorums before adopting them; transactions go to the engine's pending pool.
 *
 * <p><b>Timers.</b> Non-persistent EJB timers: after a restart the engine asks for what it needs
 * again when it starts.
 *
 * <p><b>Byzantine test mode.</b> When the JVM system property {@value #BYZANTINE_PROPERTY} names
 * behaviours ({@code equivocate}, {@code forge}, {@code replay}), this node misbehaves on purpose:
 * every consensus message it sends passes through {@link ByzantineMode#outbound} and every one it
 * receives through {@link ByzantineMode#inbound}, and each resulting message travels in its own
 * validly signed envelope. The property is read on each use, so the resilience suite switches it on
 * and off at run time; a switch grants nothing to whoever can set it, who already holds the node's
 * keys (see {@link ByzantineMode}). Unset, the node is exactly the honest one.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@Local({ConsensusService.class, FederationInboundHandler.class, CertificateWatch.class})
public class ConsensusDriver
    implements ConsensusService, FederationInboundHandler, CertificateWatch {

  private static final Logger LOG = Logger.getLogger(ConsensusDriver.class.getName());

  /** System property naming the federation descriptor file. */
  public static final String DESCRIPTOR_PROPERTY = "careledger.federation.descriptor";

  /**
   * Test only: the system property naming this node's Byzantine behaviours (see {@link
   * ByzantineMode#parse}); unset or blank for an honest node.
   */
  public static final String BYZANTINE_PROPERTY = "careledger.test.byzantine";

  static final long INIT_RETRY_MILLIS = 3_000;
  private static final String INIT = "init";

  private final SecureRandom random = new SecureRandom();
  private final Map<String, ChannelRuntime> channels = new ConcurrentHashMap<>();
  private volatile Federation federation;

  /** The Byzantine mode last parsed, and the property value it was parsed from. */
  private record Byzantine(String spec, ByzantineMode mode) {}

  private volatile Byzantine byzantine = new Byzantine(null, ByzantineMode.INACTIVE);
  private final Object byzantineChange = new Object();

  /** When a verified envelope last came from each member (console: peer reachability). */
  private final Map<String, java.time.Instant> lastHeard = new ConcurrentHashMap<>();

  @Resource private TimerService timers;
  @EJB private NodeKeys keys;
  @EJB private ConsensusTransactions tx;
  @EJB private PingService pings;
  @EJB private DocumentTransfers documents;

  /** The descriptor and this node's place in it, fixed once loaded. */
  private record Federation(
      FederationDescriptor descriptor,
      InstitutionId self,
      Ed25519PrivateKeyParameters key,
      EnvelopeVerifier verifier,
      org.careledger.domain.identity.Fingerprint keyFingerprint) {}

  /** One channel's engine, its lock, and the submitters waiting for their transactions. */
  private static final class ChannelRuntime {
    final ChannelId id;

    /**
     * The channel's members in force (the engine's configuration after its last step): whom to send
     * to, whose envelopes and relayed transactions to take.
     */
    volatile Membership membership;

    final ConsensusSigner signer;

    /**
     * The engine; replaced by a fresh one, built from what the database holds, when its outputs
     * could not be performed (see {@link ConsensusDriver#recover}).
     */
    volatile QbftEngine engine;

    /** A new engine from the channel's head and persisted state in the database. */
    final java.util.function.Supplier<QbftEngine> engines;

    /** Set when the engine's outputs were not performed: rebuild before the next step. */
    volatile boolean broken;

    /** Whether a retry of the rebuild is scheduled (one at a time). */
    final java.util.concurrent.atomic.AtomicBoolean rebuildScheduled =
        new java.util.concurrent.atomic.AtomicBoolean();

    final TransactionVerifier verifier;
    final CachingSignatureVerifier signatures;
    final BlockValidator rules;
    final ReentrantLock lock = new ReentrantLock();
    final Map<String, CompletableFuture<Committed>> waiting = new ConcurrentHashMap<>();
    final CommitMetrics metrics = new CommitMetrics();

    /** Submitted here, verified, not yet handed to the engine nor relayed (see {@link #drain}). */
    final Queue<SignedTransaction> incoming = new ConcurrentLinkedQueue<>();

    ChannelRuntime(
        ChannelId id,
        ConsensusSigner signer,
        java.util.function.Supplier<QbftEngine> engines,
        TransactionVerifier verifier,
        CachingSignatureVerifier signatures,
        BlockValidator rules) {
      this.id = id;
      this.signer = signer;
      this.engines = engines;
      this.engine = engines.get();
      this.membership = engine.configuration().membership();
      this.verifier = verifier;
      this.signatures = signatures;
      this.rules = rules;
    }
  }

  /** For the container, which injects the fields above. */
  public ConsensusDriver() {}

  /** Unit tests: with its ports given (timers, keys, database and outbound queue, handlers). */
  ConsensusDriver(
      TimerService timers,
      NodeKeys keys,
      ConsensusTransactions tx,
      PingService pings,
      DocumentTransfers documents) {
    this.timers = timers;
    this.keys = keys;
    this.tx = tx;
    this.pings = pings;
    this.documents = documents;
  }

  @PostConstruct
  void scheduleInit() {
    if (ClusterRole.clustered()) {
      // A cluster node: the role check starts the member when this node is elected and stops it
      // when it no longer is (see ClusterRole).
      timers.createIntervalTimer(
          ROLE_CHECK_MILLIS, ROLE_CHECK_MILLIS, new TimerConfig(ROLE_CHECK, false));
    } else {
      timers.createSingleActionTimer(INIT_RETRY_MILLIS, new TimerConfig(INIT, false));
    }
  }

  /** Timer info of a cluster node's look at whether it is (still) the elected member. */
  static final String ROLE_CHECK = "careledger-cluster-role";

  /**
   * How often a cluster node looks at its election: part of the takeover time after the elected
   * node fails (the rest is the cluster noticing, and the engines starting from the database).
   */
  static final long ROLE_CHECK_MILLIS = 250;

  /**
   * How long a node that found the lease taken by another node waits before it takes it back: two
   * nodes that both believe they are elected (a partition between them, not with the database) take
   * turns slowly instead of fencing each other on every step.
   */
  static final long FENCED_BACKOFF_MILLIS = 30_000;

  /** The member lease's epoch this node holds (see ConsensusTransactions.takeLease). */
  private volatile long leaseEpoch;

  /** Until when this node does not take the lease again, after it was fenced. */
  private volatile long fencedUntil;

  /** Whether the daily certificate and descriptor checks are scheduled (once per node life). */
  private final java.util.concurrent.atomic.AtomicBoolean checksScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The role check: start the member when elected, stop it when no longer (see ClusterRole). */
  private void checkRole() {
    if (federation == null) {
      if (ClusterRole.mayRunConsensus() && initialise()) {
        handleForwarded();
      }
    } else if (!ClusterRole.mayRunConsensus()) {
      stepDown("the HA singleton service moved to another node of the institution");
    } else {
      handleForwarded();
    }
  }

  /** How long the member's node keeps a forwarded submission's (unwatched) waiter. */
  static final Duration FORWARDED_SUBMISSION_WAIT = Duration.ofMinutes(5);

  /** Most forwarded messages the member's node takes out of the cluster inbox per role check. */
  static final int FORWARDED_BATCH = 500;

  /**
   * The member's node: handles what the institution's standby nodes received (see {@link #handle}),
   * with every check a message arriving here gets.
   */
  private void handleForwarded() {
    List<org.careledger.persistence.consensus.ClusterInboxEntity> taken;
    do {
      taken = tx.takeForwarded(FORWARDED_BATCH);
      for (var message : taken) {
        try {
          if (org.careledger.persistence.consensus.ClusterInboxEntity.SUBMISSION.equals(
              message.getKind())) {
            // Its submitter waits at the standby node, which watches the chain.
            submitAsync(
                message.getChannelId(),
                SignedTransaction.decode(message.getPayload()),
                FORWARDED_SUBMISSION_WAIT);
          } else {
            handle(
                new InboundFederationMessage(
                    message.getSender(), message.getPayload(), message.getReceivedAt()));
          }
        } catch (RuntimeException e) {
          LOG.warning(
              "a federation message forwarded by a standby node was not handled: "
                  + rootMessage(e));
        }
      }
    } while (taken.size() == FORWARDED_BATCH && federation != null);
  }

  /**
   * Stops running the consensus member: every channel's engine is dropped (the chains and the
   * signed state stay in the database for whichever node runs the member next), and submitters
   * still waiting are told that this node no longer runs it. Their transactions may still commit:
   * they were relayed to the peers.
   */
  synchronized void stepDown(String reason) {
    if (federation == null) {
      return;
    }
    federation = null;
    List<ChannelRuntime> stopped = List.copyOf(channels.values());
    channels.clear();
    for (ChannelRuntime runtime : stopped) {
      CareLedgerException gone =
          new CareLedgerException(
              ErrorCode.CONSENSUS_MEMBER_FENCED,
              "this node stopped running the consensus member of channel "
                  + runtime.id
                  + " ("
                  + reason
                  + "); the transaction was relayed to the peers and may still commit");
      runtime.waiting.values().forEach(waiter -> waiter.completeExceptionally(gone));
    }
    LOG.warning(
        "consensus member stopped on "
            + ClusterRole.nodeName()
            + " ("
            + reason
            + "); channels "
            + stopped.stream().map(r -> r.id.value()).toList()
            + " run elsewhere");
  }

  @Timeout
  void onTimer(Timer timer) {
    Object info = timer.getInfo();
    try {
      if (INIT.equals(info)) {
        if (!initialise()) {
          timers.createSingleActionTimer(INIT_RETRY_MILLIS, new TimerConfig(INIT, false));
        }
      } else if (ROLE_CHECK.equals(info)) {
        checkRole();
      } else if (info instanceof Rebuild rebuild) {
        ChannelRuntime runtime = channels.get(rebuild.channel());
        if (runtime != null) {
          runtime.rebuildScheduled.set(false);
          if (runtime.broken) {
            call(runtime, List::of);
          }
        }
      } else if (CERTIFICATE_CHECK.equals(info)) {
        logExpiringCertificates();
      } else if (DESCRIPTOR_CHECK.equals(info)) {
        reloadIfChanged();
      } else if (info instanceof EngineTimer engineTimer) {
        ChannelRuntime runtime = channels.get(engineTimer.channel());
        if (runtime != null) {
          call(runtime, () -> runtime.engine.onTimer(engineTimer.event(), now()));
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "consensus timer " + info + " failed", e);
      if (INIT.equals(info)) {
        timers.createSingleActionTimer(INIT_RETRY_MILLIS * 10, new TimerConfig(INIT, false));
      }
    }
  }

  /** Timer info of the daily check of member certificates' expiry. */
  static final String CERTIFICATE_CHECK = "careledger-certificate-check";

  @Override
  public List<String> expiringCertificates() {
    Map<String, Membership> memberships = new java.util.TreeMap<>();
    channels.forEach((id, runtime) -> memberships.put(id, runtime.membership));
    return org.careledger.domain.ledger.CertificateExpiry.warnings(
        memberships, System.currentTimeMillis());
  }

  /** Logs every member certificate that expires within 30 days: at start, then once a day. */
  private void logExpiringCertificates() {
    for (String warning : expiringCertificates()) {
      LOG.warning("member certificate expiring: " + warning);
    }
  }

  /** A retry of {@link #rebuild} for a channel whose database was away. */
  record Rebuild(String channel) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** What an engine timer carries: plain serializable values, as the EJB timer service wants. */
  record EngineTimer(String channel, String kind, long height, int round)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    EngineTimer(String channel, TimerEvent event) {
      this(channel, event.kind().name(), event.height(), event.round());
    }

    TimerEvent event() {
      return new TimerEvent(TimerEvent.Kind.valueOf(kind), height, round);
    }
  }

  /**
   * @return true when done (federation running, or no descriptor configured and none expected)
   */
  private synchronized boolean initialise() {
    if (federation != null) {
      return true;
    }
    if (!ClusterRole.mayRunConsensus() || System.currentTimeMillis() < fencedUntil) {
      return false; // another node of the institution runs the member
    }
    NodeIdentity identity;
    try {
      identity = keys.identity();
    } catch (CareLedgerException e) {
      return false; // not ready yet
    }
    Path file = descriptorFile();
    if (file == null || !Files.isRegularFile(file)) {
      return false; // a launcher may still write it; look again
    }
    // The lease first: the engines are built from the database after it, so from everything the
    // previous holder saved (takeLease waits for its last save to commit).
    leaseEpoch = tx.takeLease(ClusterRole.nodeName());
    if (!load(file, identity)) {
      return false;
    }
    logExpiringCertificates();
    if (checksScheduled.compareAndSet(false, true)) {
      long day = java.time.Duration.ofDays(1).toMillis();
      timers.createIntervalTimer(day, day, new TimerConfig(CERTIFICATE_CHECK, false));
      timers.createIntervalTimer(
          RELOAD_MILLIS, RELOAD_MILLIS, new TimerConfig(DESCRIPTOR_CHECK, false));
    }
    return true;
  }

  /** Timer info of the check for a changed descriptor. */
  static final String DESCRIPTOR_CHECK = "careledger-descriptor-check";

  /** How often the running node looks whether its descriptor file changed. */
  static final long RELOAD_MILLIS = 5_000;

  /** Replay protection across descriptor reloads: one guard for the node's life. */
  private final ReplayGuard replayGuard = new ReplayGuard();

  /** SHA-256 of the descriptor file last loaded. */
  private volatile byte[] loadedDigest;

  /**
   * Reads the descriptor and makes it the federation this node takes part in: starts every channel
   * it names for this node that is not running yet, and stops every running channel it no longer
   * names (the channel's governance removed this member: descriptor {@code left}). A node thus
   * joins and leaves channels without a restart; the chains stay authoritative for who signs.
   *
   * @return whether the descriptor could be used (else the node keeps what it had)
   */
  private synchronized boolean load(Path file, NodeIdentity identity) {
    byte[] bytes;
    FederationDescriptor descriptor;
    try {
      bytes = Files.readAllBytes(file);
      descriptor = FederationDescriptor.parse(bytes);
    } catch (IOException | CareLedgerException e) {
      LOG.severe(
          ErrorCode.FEDERATION_CONFIG_INVALID
              + ": cannot read the federation descriptor "
              + file
              + ": "
              + e.getMessage());
      loadedDigest = digest(readQuietly(file));
      return false;
    }
    loadedDigest = digest(bytes);
    InstitutionId self = identity.institutionId();
    Optional<FederationMember> me = descriptor.member(self);
    if (me.isEmpty() || !me.get().signingFingerprint().equals(identity.signingFingerprint())) {
      LOG.severe(
          ErrorCode.FEDERATION_CONFIG_INVALID
              + ": the federation descriptor "
              + file
              + (me.isEmpty()
                  ? " does not name institution " + self
                  : " names another signing key for " + self)
              + "; this node takes no part in the federation until it is corrected");
      return false;
    }
    Federation running = federation;
    if (running != null && !running.descriptor().federation().equals(descriptor.federation())) {
      LOG.severe(
          ErrorCode.FEDERATION_CONFIG_INVALID
              + ": the federation descriptor "
              + file
              + " now names federation "
              + descriptor.federation()
              + ", not "
              + running.descriptor().federation()
              + "; the node keeps the one it runs");
      return false;
    }
    Ed25519PrivateKeyParameters key = Ed25519.privateKey(identity.signingKey());
    federation =
        new Federation(
            descriptor,
            self,
            key,
            new EnvelopeVerifier(
                descriptor,
                replayGuard,
                channel -> {
                  ChannelRuntime runtime = channels.get(channel.value());
                  return runtime == null ? null : runtime.membership;
                }),
            identity.signingFingerprint());
    Member selfMember = new Member(self, identity.signingCertificate());
    Set<String> named = new java.util.HashSet<>();
    for (FederationChannel channel : descriptor.channelsOf(self)) {
      named.add(channel.id().value());
      if (channels.containsKey(channel.id().value())) {
        continue;
      }
      try {
        startChannel(descriptor, channel, selfMember, key);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "channel " + channel.id() + " not started: " + e.getMessage(), e);
      }
    }
    for (String id : List.copyOf(channels.keySet())) {
      if (!named.contains(id)) {
        // Every message, timer and submission finds its channel's runtime through this map: none
        // reaches the engine any more once it is gone.
        channels.remove(id);
        LOG.info(
            "channel "
                + id
                + ": the federation descriptor no longer names "
                + self
                + " for it; this node stops running it and keeps the chain it holds");
      }
    }
    LOG.info(
        "federation "
            + descriptor.federation()
            + ": "
            + self
            + " runs consensus for channels "
            + channels.keySet());
    return true;
  }

  /** A changed descriptor file is loaded again (see {@link #load}). */
  private void reloadIfChanged() {
    Path file = descriptorFile();
    if (federation == null || file == null || !Files.isRegularFile(file)) {
      return;
    }
    byte[] now = digest(readQuietly(file));
    if (now == null || java.util.Arrays.equals(now, loadedDigest)) {
      return;
    }
    LOG.info("federation descriptor " + file + " changed; loading it");
    load(file, keys.identity());
  }

  private static byte[] readQuietly(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] digest(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startChannel(
      FederationDescriptor descriptor,
      FederationChannel channel,
      Member selfMember,
      Ed25519PrivateKeyParameters key) {
    String id = channel.id().value();
    Block genesis = Genesis.of(descriptor, channel.id());
    String held = tx.ensureGenesis(id, genesis);
    if (!held.equals(genesis.header().hashHex())) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_GENESIS_MISMATCH,
          "channel "
              + id
              + " holds genesis "
              + held
              + " but the federation descriptor derives "
              + genesis.header().hashHex());
    }
    EngineConfig defaults = EngineConfig.DEFAULTS;
    EngineConfig config =
        new EngineConfig(
            channel.batch().maxTransactions(),
            channel.batch().maxDelayMillis(),
            defaults.baseRoundTimeoutMillis(),
            defaults.maxTimeoutDoublings(),
            defaults.maxFutureBlockMillis(),
            defaults.futureRounds(),
            defaults.futureHeights());
    // One cache for the engine and the submit path: a transaction submitted here is verified
    // once, not again when the engine admits it.
    TransactionVerifier verifier =
        new CachingTransactionVerifier(TransactionVerifier.DIRECT, 100_000);
    CachingSignatureVerifier signatures =
        new CachingSignatureVerifier(Ed25519Signatures.VERIFIER, 20_000);
    // The rules read the consent policy in force at the height being validated: the engine's
    // configuration (channel governance may change it), which the runtime holds once built.
    java.util.concurrent.atomic.AtomicReference<ChannelRuntime> built =
        new java.util.concurrent.atomic.AtomicReference<>();
    org.careledger.domain.ledger.ChannelConfig genesisConfig =
        org.careledger.domain.ledger.ChannelConfig.genesis(genesis.transactions().get(0));
    BlockValidator rules =
        sharingRules(
            id,
            () -> {
              ChannelRuntime runtime = built.get();
              return runtime == null ? genesisConfig : runtime.engine.configuration();
            });
    // Over every key this node holds: the engine signs with the one the channel has in force for
    // this member (a renew-certificate update switches it at the height it applies).
    ConsensusSigner signer =
        Ed25519Signatures.keyRing(
            selfMember,
            fingerprint ->
                keys.identity(fingerprint).map(own -> Ed25519.privateKey(own.signingKey())));
    QbftEngine.Services services =
        new QbftEngine.Services(
            signatures,
            verifier,
            rules,
            new LedgerView() {
              @Override
              public boolean containsTransaction(byte[] txId) {
                return tx.contains(id, HexFormat.of().formatHex(txId));
              }

              @Override
              public Set<String> committedAmong(Collection<byte[]> txIds) {
                List<String> hex = new ArrayList<>(txIds.size());
                for (byte[] txId : txIds) {
                  hex.add(HexFormat.of().formatHex(txId));
                }
                return tx.committedAmong(id, hex);
              }
            });
    // Built from the database at start, and again whenever the outputs of a step could not be
    // performed: the chain's head and the last state this node persisted (what it signed).
    java.util.function.Supplier<QbftEngine> engines =
        () ->
            new QbftEngine(
                signer,
                tx.channelConfig(id, genesis.transactions().get(0)),
                tx.head(id).orElseThrow(),
                tx.loadState(id).map(MessageCodec::decodeState).orElse(null),
                config,
                services);
    ChannelRuntime runtime =
        new ChannelRuntime(channel.id(), signer, engines, verifier, signatures, rules);
    built.set(runtime);
    channels.put(id, runtime);
    call(runtime, () -> runtime.engine.start(now()));
  }

  /**
   * The channel's rules as block validation, over this node's committed chain: the rules of record
   * versions ({@link RecordRules}: amendments by the provider only, one unbroken line of versions,
   * no amendment of an erased record, grants carried over to new versions) on every channel, then
   * its sharing policy where it is not open: the {@code consentPolicy} of the channel's
   * configuration in force at the height being validated ({@code inForce}: the engine's, which
   * folds every committed block), the genesis block's until a {@code consent-policy} update
   * applies. Every member validates a height under the same policy, as it folds the same chain.
   */
  private BlockValidator sharingRules(
      String channelId,
      java.util.function.Supplier<org.careledger.domain.ledger.ChannelConfig> inForce) {
    BlockValidator records = new RecordRules(record -> tx.recordTransactions(channelId, record));
    return new BlockValidator() {
      /** The rules of the configuration they were built for (policies change rarely). */
      private record Built(String configId, BlockValidator rules) {}

      private volatile Built built;

      private BlockValidator current() {
        org.careledger.domain.ledger.ChannelConfig config = inForce.get();
        Built rules = built;
        if (rules == null || !rules.configId().equals(config.id())) {
          SharingPolicy policy = SharingPolicy.parse(config.consentPolicy());
          rules =
              new Built(
                  config.id(),
                  policy.isOpen() ? records : records.andThen(policyRules(channelId, policy)));
          built = rules;
        }
        return rules.rules();
      }

      @Override
      public void validate(BlockHeader parent, ProposedBlock block) {
        current().validate(parent, block);
      }

      @Override
      public void admit(SignedTransaction transaction) {
        current().admit(transaction);
      }
    };
  }

  private BlockValidator policyRules(String channelId, SharingPolicy policy) {
    return new PolicyValidator(
        policy,
        new PolicyValidator.ChainFacts() {
          @Override
          public Optional<PolicyValidator.RecordFacts> record(String recordId) {
            return tx.recordFacts(channelId, recordId);
          }

          @Override
          public Optional<PolicyValidator.RequestFacts> request(String requestId) {
            return tx.requestFacts(channelId, requestId);
          }

          @Override
          public Optional<String> consent(String patient, String grantee) {
            return tx.consent(channelId, patient, grantee);
          }
        });
  }

  private Path descriptorFile() {
    String explicit = System.getProperty(DESCRIPTOR_PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String home = System.getProperty(NodeSettings.HOME);
    return home == null ? null : Path.of(home, "federation.json");
  }

  // ------------------------------------------------------------------------------------------
  // ConsensusService
  // ------------------------------------------------------------------------------------------

  @Override
  public boolean manages(String channelId) {
    return channels.containsKey(channelId) || (standingBy() && federatedHere(channelId));
  }

  @Override
  public boolean runsMember(String channelId) {
    return channels.containsKey(channelId);
  }

  /** A node of an institution run as a cluster whose consensus member runs on another node. */
  private static boolean standingBy() {
    return !ClusterRole.mayRunConsensus();
  }

  /** Channels of several members this node holds (a standby node takes submissions for them). */
  private final Set<String> federatedChannels = ConcurrentHashMap.newKeySet();

  private boolean federatedHere(String channelId) {
    if (federatedChannels.contains(channelId)) {
      return true;
    }
    List<StoredBlock> first = tx.blocks(channelId, 0, 1);
    if (first.isEmpty()) {
      return false;
    }
    SignedTransaction genesisConfig = SignedTransaction.decode(first.get(0).transactions().get(0));
    boolean federated =
        org.careledger.domain.ledger.ChannelConfig.genesis(genesisConfig)
                .membership()
                .members()
                .size()
            > 1;
    if (federated) {
      federatedChannels.add(channelId);
    }
    return federated;
  }

  /** How often a standby node looks whether a transaction it forwarded is on the chain. */
  static final long STANDBY_POLL_MILLIS = 100;

  /**
   * A standby node's submission: checked here as the member's node would (signature under the
   * membership in force, the channel's sharing rules: a refusal comes at once, with its code), then
   * handed to the member's node through the cluster inbox, which submits it to the channel; this
   * node answers once the transaction is on the chain the nodes share, or with {@code
   * FEDERATION_COMMIT_TIMEOUT} after {@code wait} (it stays pending and may still commit).
   */
  private Committed submitAtStandby(
      String channelId, SignedTransaction transaction, Duration wait) {
    List<StoredBlock> first = tx.blocks(channelId, 0, 1);
    if (first.isEmpty()) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "no federated channel " + channelId + " on this node");
    }
    org.careledger.domain.ledger.ChannelConfig config =
        tx.channelConfig(channelId, SignedTransaction.decode(first.get(0).transactions().get(0)));
    TransactionVerifier.DIRECT.verify(transaction, config.membership());
    sharingRules(channelId, () -> config).admit(transaction);
    String txId = transaction.idHex();
    long deadline = System.nanoTime() + wait.toNanos();
    if (tx.locate(channelId, txId).isEmpty()) {
      tx.forwardSubmission(channelId, ClusterRole.nodeName(), transaction.encoded());
    }
    while (true) {
      Optional<long[]> at = tx.locate(channelId, txId);
      if (at.isPresent()) {
        long height = at.get()[0];
        String hash =
            org.careledger.domain.ledger.BlockHeader.decode(
                    tx.blocks(channelId, height, 1).get(0).header())
                .hashHex();
        return new Committed(channelId, txId, height, (int) at.get()[1], hash);
      }
      if (System.nanoTime() > deadline) {
        throw commitTimeout(txId, channelId, wait);
      }
      try {
        Thread.sleep(STANDBY_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EJBException("interrupted while waiting for a commit", e);
      }
    }
  }

  @Override
  public Optional<byte[]> seal(String channel, MessageType type, byte[] payload) {
    if (federation == null) {
      return Optional.empty();
    }
    return Optional.of(envelope(channel == null ? null : new ChannelId(channel), type, payload));
  }

  @Override
  public Optional<java.security.cert.X509Certificate> agreementCertificate(String institution) {
    Federation fed = federation;
    if (fed == null) {
      return Optional.empty();
    }
    return fed.descriptor().members().stream()
        .filter(m -> m.institution().value().equals(institution))
        .map(FederationMember::agreementCertificate)
        .findFirst();
  }

  @Override
  public boolean hasLeft(String channelId) {
    Federation fed = federation;
    if (fed == null) {
      return false;
    }
    try {
      return fed.descriptor()
          .channel(new ChannelId(channelId))
          .map(c -> c.hasLeft(fed.self()))
          .orElse(false);
    } catch (CareLedgerException e) {
      return false; // not a channel id at all: the caller reports the unknown channel
    }
  }

  /** Heights of signed payloads each channel's {@link EquivocationWatch} keeps. */
  static final int WATCHED_HEIGHTS = 64;

  /** Evidence of equivocation per channel, for this node's life (outlives stand-downs). */
  private final Map<String, EquivocationWatch> watches = new ConcurrentHashMap<>();

  @Override
  public Map<String, Long> equivocations(String channelId) {
    EquivocationWatch watch = watches.get(channelId);
    return watch == null ? Map.of() : watch.counts();
  }

  /**
   * Shows the watch every validly signed payload of a received consensus message (its own and its
   * justifications'; their signatures are in the cache the precheck filled), and logs each
   * contradiction with both payloads: an auditor's evidence that a member equivocated.
   */
  private void watch(ChannelRuntime runtime, ConsensusMessage message) {
    EquivocationWatch watch =
        watches.computeIfAbsent(runtime.id.value(), k -> new EquivocationWatch(WATCHED_HEIGHTS));
    observe(runtime, watch, message.signed());
    for (List<SignedPayload> justification :
        java.util.Arrays.asList(message.roundChanges(), message.prepares())) {
      if (justification != null) {
        justification.forEach(signed -> observe(runtime, watch, signed));
      }
    }
  }

  private void observe(ChannelRuntime runtime, EquivocationWatch watch, SignedPayload signed) {
    watch
        .observe(signed, runtime.membership, runtime.signatures)
        .ifPresent(
            c ->
                LOG.warning(
                    ErrorCode.CONSENSUS_CONFLICTING_SIGNATURE
                        + ": "
                        + c.member()
                        + " equivocated on channel "
                        + runtime.id
                        + " (two signed "
                        + c.type()
                        + " at height "
                        + c.height()
                        + ", round "
                        + c.round()
                        + "): "
                        + c.first()
                        + " and "
                        + c.second()));
  }

  @Override
  public Optional<Integer> round(String channelId) {
    ChannelRuntime runtime = channels.get(channelId);
    if (runtime == null) {
      return Optional.empty();
    }
    runtime.lock.lock();
    try {
      return Optional.of(runtime.engine.round());
    } finally {
      runtime.lock.unlock();
    }
  }

  @Override
  public Committed submit(String channelId, SignedTransaction transaction, Duration wait) {
    try {
      return submitAsync(channelId, transaction, wait).toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EJBException("interrupted while waiting for a commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CareLedgerException known) {
        throw known;
      }
      throw new EJBException("commit failed", e);
    }
  }

  /**
   * Hands the transaction to the channel and returns at once; the stage completes when the block
   * holding it is committed and durable here, or with {@code FEDERATION_COMMIT_TIMEOUT} once {@code
   * wait} has passed (the transaction stays pending and may still commit).
   *
   * <p>Submissions are combined: each is verified by the submitting thread (through the cache the
   * engine shares, so the engine does not verify it again) and queued; whichever thread holds or
   * next takes the channel's lock hands every queued transaction to the engine in one call, and
   * then relays the whole batch to each peer in one signed envelope. Under load that is one relay
   * message per peer for many transactions, not one per transaction; without load a batch is one
   * transaction and nothing waits.
   */
  @Override
  public CompletionStage<Committed> submitAsync(
      String channelId, SignedTransaction transaction, Duration wait) {
    ChannelRuntime runtime = channels.get(channelId);
    if (runtime == null && standingBy() && federatedHere(channelId)) {
      return CompletableFuture.completedFuture(submitAtStandby(channelId, transaction, wait));
    }
    return enqueue(channelId, runtime, List.of(transaction), wait).get(0);
  }

  /**
   * As {@link #submitAsync} for several transactions: all are verified and admitted by the
   * channel's rules before any is queued, then queued together, so the engine takes them in one
   * call and the peers get them in as few relay envelopes as {@link #RELAY_BATCH} allows. At a
   * cluster's standby node each goes to the member's node in turn, as a single submission does.
   */
  @Override
  public CompletionStage<List<Committed>> submitAllAsync(
      String channelId, List<SignedTransaction> transactions, Duration wait) {
    ChannelRuntime runtime = channels.get(channelId);
    if (runtime == null && standingBy() && federatedHere(channelId)) {
      List<Committed> committed = new ArrayList<>(transactions.size());
      for (SignedTransaction transaction : transactions) {
        committed.add(submitAtStandby(channelId, transaction, wait));
      }
      return CompletableFuture.completedFuture(committed);
    }
    List<CompletableFuture<Committed>> each = enqueue(channelId, runtime, transactions, wait);
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .handle(
            (ignored, failure) -> {
              List<Committed> committed = new ArrayList<>(each.size());
              Throwable first = null;
              int pending = 0;
              for (CompletableFuture<Committed> stage : each) {
                if (stage.isCompletedExceptionally()) {
                  pending++;
                  if (first == null) {
                    first = stage.handle((c, f) -> f).join();
                  }
                } else {
                  committed.add(stage.join());
                }
              }
              if (first == null) {
                return committed;
              }
              Throwable cause =
                  first instanceof java.util.concurrent.CompletionException
                      ? first.getCause()
                      : first;
              if (cause instanceof CareLedgerException known
                  && known.errorCode() == ErrorCode.FEDERATION_COMMIT_TIMEOUT) {
                throw new CareLedgerException(
                    ErrorCode.FEDERATION_COMMIT_TIMEOUT,
                    pending
                        + " of "
                        + each.size()
                        + " transactions were not committed on channel "
                        + channelId
                        + " within "
                        + wait.toSeconds()
                        + " s; they stay pending and may still commit (ask for their proofs"
                        + " later). The first: "
                        + known.getMessage());
              }
              throw cause instanceof RuntimeException r ? r : new EJBException("commit failed");
            });
  }

  /**
   * Verifies and admits every transaction, then queues them all and hands them to the engine; one
   * refused throws before anything is queued. Each stage completes when the block holding its
   * transaction is committed and durable here, or with {@code FEDERATION_COMMIT_TIMEOUT} once
   * {@code wait} has passed (the transaction stays pending and may still commit).
   *
   * <p>Submissions are combined: each is verified by the submitting thread (through the cache the
   * engine shares, so the engine does not verify it again) and queued; whichever thread holds or
   * next takes the channel's lock hands every queued transaction to the engine in one call, and
   * then relays the whole batch to each peer in one signed envelope. Under load that is one relay
   * message per peer for many transactions, not one per transaction; without load a batch is one
   * transaction and nothing waits.
   */
  private List<CompletableFuture<Committed>> enqueue(
      String channelId,
      ChannelRuntime runtime,
      List<SignedTransaction> transactions,
      Duration wait) {
    if (runtime == null) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "no federated channel " + channelId + " on this node");
    }
    for (int i = 0; i < transactions.size(); i++) {
      SignedTransaction transaction = transactions.get(i);
      try {
        runtime.verifier.verify(transaction, runtime.membership);
        // What the channel's rules refuse is refused here at once, with its code, rather than
        // dropped by every member's pool while the submitter waits for a commit that cannot come.
        runtime.rules.admit(transaction);
      } catch (CareLedgerException e) {
        throw transactions.size() == 1 ? e : e.at("transactions[" + i + "]");
      }
    }
    long submittedAt = System.currentTimeMillis();
    List<CompletableFuture<Committed>> stages = new ArrayList<>(transactions.size());
    for (SignedTransaction transaction : transactions) {
      String txId = transaction.idHex();
      CompletableFuture<Committed> done =
          runtime.waiting.computeIfAbsent(txId, k -> new CompletableFuture<>());
      runtime.incoming.add(transaction);
      // A copy times out, not the shared future: another submitter of the same transaction keeps
      // its own deadline.
      stages.add(
          done.copy()
              .orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS)
              .handle(
                  (committed, failure) -> {
                    runtime.waiting.remove(txId, done);
                    if (failure == null) {
                      long now = System.currentTimeMillis();
                      runtime.metrics.latency(now, now - submittedAt);
                      return committed;
                    }
                    Throwable cause =
                        failure instanceof java.util.concurrent.CompletionException
                            ? failure.getCause()
                            : failure;
                    if (cause instanceof TimeoutException) {
                      throw commitTimeout(txId, channelId, wait);
                    }
                    throw cause instanceof RuntimeException r
                        ? r
                        : new EJBException("commit failed");
                  }));
    }
    drain(runtime);
    return stages;
  }

  private static CareLedgerException commitTimeout(String txId, String channelId, Duration wait) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_COMMIT_TIMEOUT,
        "transaction "
            + txId
            + " was not committed on channel "
            + channelId
            + " within "
            + wait.toSeconds()
            + " s; it stays pending and may still commit (ask for its proof later)");
  }

  /** Most transactions in one relay envelope (about 600 bytes each: stays a small JMS message). */
  static final int RELAY_BATCH = 200;

  /**
   * Hands queued submissions to the engine, a batch at a time, if the channel's lock is free; the
   * thread holding it does the same after releasing it (see {@link #call}), so nothing queued is
   * left behind. The relay goes out after the lock is released: peers need the transactions only to
   * propose or check them, and the order of messages does not matter to the protocol.
   */
  private void drain(ChannelRuntime runtime) {
    while (!runtime.incoming.isEmpty() && runtime.lock.tryLock()) {
      List<SignedTransaction> batch = new ArrayList<>();
      try {
        SignedTransaction next;
        while (batch.size() < RELAY_BATCH && (next = runtime.incoming.poll()) != null) {
          batch.add(next);
        }
        if (!batch.isEmpty()) {
          rebuildIfBroken(runtime);
          perform(runtime, runtime.engine.onTransactions(batch, now()));
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, runtime.id + ": submitted transactions not handed over", e);
        if (!runtime.broken) {
          recover(runtime, e);
        }
      } finally {
        runtime.lock.unlock();
      }
      relay(runtime, batch);
    }
  }

  /** Every member keeps submitted transactions in its pool, so whichever proposes includes them. */
  private void relay(ChannelRuntime runtime, List<SignedTransaction> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<byte[]> encoded = new ArrayList<>(batch.size());
    for (SignedTransaction t : batch) {
      encoded.add(t.encoded());
    }
    byte[] bytes =
        envelope(runtime.id, MessageType.TRANSACTIONS, FederationPayloads.transactions(encoded));
    List<Outbound> outbound = new ArrayList<>();
    for (Member peer : runtime.membership.members()) {
      if (!peer.institution().equals(federation.self())) {
        outbound.add(new Outbound(peer.institution(), bytes));
      }
    }
    send(outbound);
  }

  // ------------------------------------------------------------------------------------------
  @Override
  public Optional<CommitMetrics.Snapshot> metrics(String channelId) {
    ChannelRuntime runtime = channels.get(channelId);
    return runtime == null
        ? Optional.empty()
        : Optional.of(runtime.metrics.snapshot(System.currentTimeMillis()));
  }

  @Override
  public Map<String, java.time.Instant> lastHeard() {
    return Map.copyOf(lastHeard);
  }

  @Override
  public Map<String, List<String>> peers() {
    Map<String, List<String>> peers = new java.util.TreeMap<>();
    Federation fed = federation;
    if (fed == null) {
      return peers;
    }
    for (ChannelRuntime runtime : channels.values()) {
      for (Member member : runtime.membership.members()) {
        if (!member.institution().equals(fed.self())) {
          peers
              .computeIfAbsent(member.institution().value(), k -> new ArrayList<>())
              .add(runtime.id.value());
        }
      }
    }
    peers.values().forEach(java.util.Collections::sort);
    return peers;
  }

  /** Tests: the channel's current engine, or null; read it only while no step runs. */
  QbftEngine engine(String channelId) {
    ChannelRuntime runtime = channels.get(channelId);
    return runtime == null ? null : runtime.engine;
  }

  /**
   * Tests: whether the channel's engine is to be rebuilt from the database before its next step.
   */
  boolean broken(String channelId) {
    ChannelRuntime runtime = channels.get(channelId);
    return runtime != null && runtime.broken;
  }

  // FederationInboundHandler
  // ------------------------------------------------------------------------------------------

  @Override
  public void handle(InboundFederationMessage message) {
    if (!ClusterRole.mayRunConsensus()) {
      // A standby node of an institution run as a cluster: the member runs on another node. The
      // message goes to it through the shared database, unread here (it checks everything).
      tx.forward(message.declaredSender(), message.payload());
      return;
    }
    Federation fed = federation;
    if (fed == null && !initialise()) {
      Path file = descriptorFile();
      if (file != null && Files.isRegularFile(file)) {
        // A federated node that is still starting (identity not loaded yet): the message must
        // not be lost, so roll the delivery back; JMS redelivers it (1 s, then doubling).
        throw new EJBException("the federation is not started on this node yet; redeliver later");
      }
      // No federation configured: only the unsigned pings of the transport check are read.
      pings.receive(message);
      return;
    }
    fed = federation;
    FederationEnvelope envelope;
    try {
      envelope = fed.verifier().accept(message.payload(), now());
      lastHeard.put(envelope.sender().value(), java.time.Instant.now());
    } catch (CareLedgerException e) {
      // A federated node reads signed envelopes only: an unsigned message (even a well-formed
      // ping) is dropped like a forged one. Duplicates and stale copies are the bridges'
      // at-least-once delivery, not an attack, and stay quiet; everything else is logged with its
      // code and the sender the message claims, for the operators and auditors to see.
      if (e.errorCode() == ErrorCode.FEDERATION_ENVELOPE_DUPLICATE
          || e.errorCode() == ErrorCode.FEDERATION_ENVELOPE_EXPIRED) {
        LOG.fine(() -> "dropped a federation message: " + e.getMessage());
      } else {
        LOG.warning(
            e.errorCode()
                + ": dropped a federation message ("
                + message.payload().length
                + " bytes) declared from "
                + message.declaredSender()
                + ": "
                + e.getMessage());
      }
      return;
    }
    try {
      dispatch(envelope);
    } catch (CareLedgerException e) {
      LOG.warning(
          e.errorCode()
              + ": dropped a "
              + envelope.type()
              + " from "
              + envelope.sender()
              + ": "
              + e.getMessage());
    }
  }

  private void dispatch(FederationEnvelope envelope) {
    if (envelope.type() == MessageType.PING) {
      pings.receive(
          new InboundFederationMessage(
              envelope.sender().value(), envelope.payload(), java.time.Instant.now()));
      return;
    }
    ChannelRuntime runtime = envelope.channel().map(c -> channels.get(c.value())).orElse(null);
    if (runtime == null) {
      return; // a channel this node does not run (yet)
    }
    switch (envelope.type()) {
      case CONSENSUS -> {
        ConsensusMessage message = MessageCodec.decode(envelope.payload());
        // Signatures are checked here, in parallel on the delivering threads; under the
        // channel's lock the engine finds them in the caches.
        runtime.signatures.precheck(message, runtime.membership, runtime.verifier);
        watch(runtime, message);
        call(runtime, () -> runtime.engine.onMessage(message, now()));
        ByzantineMode byzantine = byzantine();
        if (byzantine.active()) {
          List<Outbound> votes = new ArrayList<>();
          for (ConsensusMessage vote : byzantine.inbound(message, runtime.signer)) {
            for (Member peer : runtime.membership.members()) {
              if (!peer.institution().equals(federation.self())) {
                votes.add(
                    new Outbound(
                        peer.institution(),
                        envelope(runtime.id, MessageType.CONSENSUS, vote.encoded())));
              }
            }
          }
          send(votes);
        }
      }
      case TRANSACTIONS -> {
        List<SignedTransaction> txs = new ArrayList<>();
        for (byte[] encoded : FederationPayloads.decodeTransactions(envelope.payload())) {
          SignedTransaction one = SignedTransaction.decode(encoded);
          try {
            runtime.verifier.verify(one, runtime.membership);
            txs.add(one);
          } catch (CareLedgerException e) {
            LOG.fine(() -> "dropped a relayed transaction from " + envelope.sender() + ": " + e);
          }
        }
        call(runtime, () -> runtime.engine.onTransactions(txs, now()));
      }
      case SYNC_REQUEST -> {
        long from = FederationPayloads.decodeSyncRequest(envelope.payload());
        List<StoredBlock> blocks =
            tx.blocks(runtime.id.value(), from, FederationPayloads.MAX_BLOCKS);
        if (!blocks.isEmpty()) {
          send(
              List.of(
                  new Outbound(
                      envelope.sender(),
                      envelope(
                          runtime.id,
                          MessageType.SYNC_RESPONSE,
                          FederationPayloads.syncResponse(blocks)))));
        }
      }
      case SYNC_RESPONSE -> {
        List<Block> blocks =
            FederationPayloads.decodeSyncResponse(envelope.payload()).stream()
                .map(ConsensusDriver::block)
                .toList();
        call(runtime, () -> runtime.engine.onBlocksReceived(envelope.sender(), blocks, now()));
      }
      case DOCUMENT_REQUEST, DOCUMENT_CHUNK, DOCUMENT_REFUSED -> documents.onMessage(envelope);
      default -> {}
    }
  }

  private static Block block(StoredBlock stored) {
    return new Block(
        BlockHeader.decode(stored.header()),
        stored.transactions().stream().map(SignedTransaction::decode).toList(),
        CommitCertificate.decode(stored.certificate()));
  }

  // ------------------------------------------------------------------------------------------
  // Calling the engine and performing its outputs
  // ------------------------------------------------------------------------------------------

  private void call(ChannelRuntime runtime, java.util.function.Supplier<List<Output>> step) {
    runtime.lock.lock();
    try {
      rebuildIfBroken(runtime);
      try {
        perform(runtime, step.get());
      } catch (RuntimeException e) {
        recover(runtime, e);
        throw e;
      }
    } finally {
      runtime.lock.unlock();
    }
    drain(runtime);
  }

  /**
   * A step whose outputs were not all performed — the database unreachable while committing a block
   * or persisting what this node signed, say — leaves the engine ahead of what the node holds: it
   * would believe in a head the database does not have, and wait for timers that were never set. So
   * the engine is dropped, and a new one built from the database (its head and the last persisted
   * state) as after a restart, at once or, while the database is still away, at the next step or a
   * retry timer. Safe: what the old engine signed but did not persist was never sent (the state is
   * persisted before the messages go out).
   */
  private void recover(ChannelRuntime runtime, RuntimeException cause) {
    if (fenced(cause)) {
      // Another node of the institution took the member over: rebuilding would take the lease
      // back and fence that node in turn. Stand by instead (the role check or INIT tries again
      // after the back-off, should this node still be elected then).
      fencedUntil = System.currentTimeMillis() + FENCED_BACKOFF_MILLIS;
      stepDown(rootMessage(cause));
      if (!ClusterRole.clustered()) {
        timers.createSingleActionTimer(FENCED_BACKOFF_MILLIS, new TimerConfig(INIT, false));
      }
      return;
    }
    runtime.broken = true;
    LOG.warning(
        runtime.id
            + ": the consensus step's outputs were not all performed ("
            + rootMessage(cause)
            + "); the engine restarts from this node's database");
    try {
      rebuild(runtime);
    } catch (RuntimeException stillDown) {
      // rebuild scheduled its retry
    }
  }

  /** Under the channel's lock, before a step: rebuilds the engine if the last outputs failed. */
  private void rebuildIfBroken(ChannelRuntime runtime) {
    if (runtime.broken) {
      rebuild(runtime);
    }
  }

  /**
   * Under the channel's lock: a new engine from the database, started; then no longer broken. If
   * the database is still away, a retry is scheduled (one at a time) and the failure rethrown.
   */
  private void rebuild(ChannelRuntime runtime) {
    try {
      QbftEngine engine = runtime.engines.get();
      runtime.engine = engine;
      perform(runtime, engine.start(now()));
      runtime.broken = false;
      LOG.info(
          runtime.id + ": consensus engine rebuilt from the database at height " + engine.height());
    } catch (RuntimeException e) {
      if (runtime.rebuildScheduled.compareAndSet(false, true)) {
        timers.createSingleActionTimer(
            INIT_RETRY_MILLIS, new TimerConfig(new Rebuild(runtime.id.value()), false));
      }
      throw e;
    }
  }

  private void perform(ChannelRuntime runtime, List<Output> outputs) {
    String channel = runtime.id.value();
    List<Block> commits = new ArrayList<>();
    SignedState state = null;
    List<Outbound> outbound = new ArrayList<>();
    List<Output.ScheduleTimer> timersToSet = new ArrayList<>();
    ByzantineMode byzantine = byzantine();
    for (Output output : outputs) {
      if (output instanceof Output.Commit commit) {
        commits.add(commit.block());
      } else if (output instanceof Output.Persist persist) {
        state = persist.state();
      } else if (output instanceof Output.Broadcast broadcast) {
        if (byzantine.active()) {
          for (Member peer : runtime.membership.members()) {
            if (!peer.institution().equals(federation.self())) {
              misbehave(runtime, byzantine, broadcast.message(), peer.institution(), outbound);
            }
          }
          continue;
        }
        byte[] bytes = envelope(runtime.id, MessageType.CONSENSUS, broadcast.message().encoded());
        for (Member peer : runtime.membership.members()) {
          if (!peer.institution().equals(federation.self())) {
            outbound.add(new Outbound(peer.institution(), bytes));
          }
        }
      } else if (output instanceof Output.SendTo sendTo) {
        if (byzantine.active()) {
          misbehave(runtime, byzantine, sendTo.message(), sendTo.member(), outbound);
          continue;
        }
        outbound.add(
            new Outbound(
                sendTo.member(),
                envelope(runtime.id, MessageType.CONSENSUS, sendTo.message().encoded())));
      } else if (output instanceof Output.RequestSync sync) {
        outbound.add(
            new Outbound(
                sync.member(),
                envelope(
                    runtime.id,
                    MessageType.SYNC_REQUEST,
                    FederationPayloads.syncRequest(sync.fromHeight()))));
      } else if (output instanceof Output.ScheduleTimer timer) {
        timersToSet.add(timer);
      } else if (output instanceof Output.Dropped dropped) {
        LOG.fine(() -> channel + ": " + dropped.code() + " " + dropped.detail());
      }
    }
    if (!commits.isEmpty()) {
      tx.append(channel, commits);
      for (Block block : commits) {
        runtime.metrics.committed(System.currentTimeMillis(), block.transactions().size());
        notifyCommitted(runtime, block);
      }
    }
    if (state != null) {
      tx.saveState(channel, state.height(), state.round(), state.encoded(), leaseEpoch);
    }
    if (!commits.isEmpty()) {
      // A committed config update changes whom this node talks to from the next height on.
      runtime.membership = runtime.engine.configuration().membership();
    }
    send(outbound);
    for (Output.ScheduleTimer timer : timersToSet) {
      timers.createSingleActionTimer(
          Math.max(1, timer.delayMillis()),
          new TimerConfig(new EngineTimer(channel, timer.event()), false));
    }
  }

  /**
   * Test only: queues, instead of {@code message}, what the Byzantine mode sends {@code peer}, each
   * in its own envelope signed with this node's key (fresh message ids, so replays and copies pass
   * the receivers' envelope checks and reach their engines).
   */
  private void misbehave(
      ChannelRuntime runtime,
      ByzantineMode byzantine,
      ConsensusMessage message,
      InstitutionId peer,
      List<Outbound> outbound) {
    for (ConsensusMessage m :
        byzantine.outbound(message, peer, runtime.membership, runtime.signer)) {
      outbound.add(new Outbound(peer, envelope(runtime.id, MessageType.CONSENSUS, m.encoded())));
    }
  }

  /**
   * The Byzantine mode {@value #BYZANTINE_PROPERTY} names now: one property read and one string
   * comparison while it does not change; parsed again, and logged, when it does.
   */
  private ByzantineMode byzantine() {
    String spec = System.getProperty(BYZANTINE_PROPERTY);
    Byzantine current = byzantine;
    if (java.util.Objects.equals(spec, current.spec())) {
      return current.mode();
    }
    synchronized (byzantineChange) {
      current = byzantine;
      if (java.util.Objects.equals(spec, current.spec())) {
        return current.mode();
      }
      ByzantineMode mode;
      try {
        mode = ByzantineMode.parse(spec);
      } catch (IllegalArgumentException e) {
        LOG.severe(BYZANTINE_PROPERTY + " ignored, this node stays honest: " + e.getMessage());
        mode = ByzantineMode.INACTIVE;
      }
      if (mode.active()) {
        LOG.warning(
            "BYZANTINE TEST MODE: this node misbehaves on purpose ("
                + mode.describe()
                + ", from "
                + BYZANTINE_PROPERTY
                + "); never set this outside a resilience test");
      } else if (current.mode().active()) {
        LOG.warning("BYZANTINE TEST MODE off: this node is honest again");
      }
      byzantine = new Byzantine(spec, mode);
      return mode;
    }
  }

  private void notifyCommitted(ChannelRuntime runtime, Block block) {
    if (runtime.waiting.isEmpty()) {
      return;
    }
    List<SignedTransaction> txs = block.transactions();
    for (int i = 0; i < txs.size(); i++) {
      CompletableFuture<Committed> waiter = runtime.waiting.get(txs.get(i).idHex());
      if (waiter != null) {
        waiter.complete(
            new Committed(
                runtime.id.value(),
                txs.get(i).idHex(),
                block.header().height(),
                i,
                block.header().hashHex()));
      }
    }
  }

  private void send(List<Outbound> outbound) {
    if (outbound.isEmpty()) {
      return;
    }
    try {
      tx.send(outbound);
    } catch (RuntimeException all) {
      // One peer without a bridge must not stop the others: queue one by one, log what fails.
      for (Outbound message : outbound) {
        try {
          tx.send(List.of(message));
        } catch (RuntimeException e) {
          LOG.warning("cannot queue a message for " + message.peer() + ": " + rootMessage(e));
        }
      }
    }
  }

  private byte[] envelope(ChannelId channel, MessageType type, byte[] payload) {
    Federation fed = federation;
    byte[] messageId = new byte[16];
    random.nextBytes(messageId);
    return FederationEnvelope.sign(
            fed.descriptor().federation(),
            channel,
            fed.self(),
            type,
            messageId,
            now(),
            payload,
            envelopeKey(fed, channel))
        .encoded();
  }

  /**
   * The key this node signs a channel's envelopes with: the one the channel has in force for it
   * (its peers check them against the same configuration), else the node's current key.
   */
  private Ed25519PrivateKeyParameters envelopeKey(Federation fed, ChannelId channel) {
    ChannelRuntime runtime = channel == null ? null : channels.get(channel.value());
    if (runtime == null) {
      return fed.key();
    }
    Member me = runtime.membership.listed(fed.self()).orElse(null);
    if (me == null || me.signingFingerprint().equals(fed.keyFingerprint())) {
      return fed.key(); // the usual case: no renewal here
    }
    return keys.identity(me.signingFingerprint())
        .map(held -> Ed25519.privateKey(held.signingKey()))
        .orElse(fed.key());
  }

  @Override
  public Optional<org.careledger.domain.identity.Fingerprint> ownKey(String channelId) {
    Federation fed = federation;
    ChannelRuntime runtime = channels.get(channelId);
    if (fed == null || runtime == null) {
      return Optional.empty();
    }
    return runtime.membership.listed(fed.self()).map(Member::signingFingerprint);
  }

  /** Whether the failure is the lease check's: another node holds the member lease. */
  static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CareLedgerException c
          && c.errorCode() == ErrorCode.CONSENSUS_MEMBER_FENCED) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
