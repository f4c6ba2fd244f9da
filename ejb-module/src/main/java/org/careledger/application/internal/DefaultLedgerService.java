package org.careledger.application.internal;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerStore;
import org.careledger.application.NodeKeys;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.domain.ledger.ChannelConfig;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.ProofBundle;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.sharing.RecordRules;

/**
 * Single-member ledgers: the node is author, proposer and the one signer of every block. Each
 * commit takes a row lock on the channel, so concurrent submissions append one after another and a
 * block is stored whole or not at all (one JTA transaction).
 */
@Stateless
public class DefaultLedgerService implements LedgerService {

  private static final SecureRandom RANDOM = new SecureRandom();

  @EJB private NodeKeys keys;
  @EJB private LedgerStore store;
  @EJB private ConsensusService consensus;

  /** How long a submission to a federated channel waits for its commit. */
  static final Duration COMMIT_WAIT = Duration.ofSeconds(30);

  @Override
  public ChannelSummary createChannel(String channelId) {
    ChannelId channel = new ChannelId(channelId);
    if (store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_EXISTS, "channel " + channelId + " exists already");
    }
    NodeIdentity identity = keys.identity();
    Member self = new Member(identity.institutionId(), identity.signingCertificate());
    SignedTransaction config =
        sign(
            identity,
            transaction(
                identity,
                channel,
                TransactionType.CHANNEL_CONFIG,
                new Membership(List.of(self)).toConfigBody()));
    Block genesis = commit(identity, self, channel, null, List.of(config));
    store.createChannel(channelId, genesis);
    return summary(channelId, genesis.header(), genesis.header(), 1);
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<ChannelSummary> channels() {
    List<ChannelSummary> summaries = new ArrayList<>();
    for (String id : store.channelIds()) {
      StoredBlock genesis = store.blocks(id, 0, 1).get(0);
      BlockHeader head = store.head(id).orElseThrow(() -> unknownChannel(id));
      summaries.add(
          summary(id, BlockHeader.decode(genesis.header()), head, membership(genesis).size()));
    }
    return summaries;
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public ChannelDetail channel(String channelId) {
    List<StoredBlock> first = store.blocks(channelId, 0, 1);
    if (first.isEmpty()) {
      throw unknownChannel(channelId);
    }
    Membership membership = ChannelConfigs.inForce(store, channelId).membership();
    BlockHeader head = store.head(channelId).orElseThrow(() -> unknownChannel(channelId));
    return new ChannelDetail(
        channelId,
        BlockHeader.decode(first.get(0).header()).hashHex(),
        membership.mode().wireName(),
        membership.quorum(),
        membership.members().stream()
            .map(m -> new MemberView(m.institution().value(), m.signingFingerprint().hex()))
            .toList(),
        head.height(),
        head.hashHex(),
        consensus.round(channelId).orElse(null),
        consensus.runsMember(channelId),
        consensus.equivocations(channelId));
  }

  // ---- channel governance

  private static final String NO_ID_YET = "0".repeat(64);

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public ConfigView configuration(String channelId) {
    return view(channelId, ChannelConfigs.inForce(store, channelId));
  }

  @Override
  public UpdateStatus proposeUpdate(
      String channelId, Map<String, Object> request, Duration commitWait) {
    ChannelConfig config = governed(channelId);
    NodeIdentity identity = signingIdentity(channelId);
    Map<String, Object> body = GovernanceRequests.body(config, request);
    String problem =
        config.problem(ChannelConfig.Update.of(NO_ID_YET, identity.institutionId(), body));
    if (problem != null) {
      throw new CareLedgerException(ErrorCode.CONFIG_UPDATE_INVALID, problem);
    }
    SignedTransaction tx =
        sign(
            identity,
            transaction(identity, new ChannelId(channelId), TransactionType.CONFIG_UPDATE, body));
    Committed committed = consensus.submit(channelId, tx, commitWait);
    return status(channelId, tx.idHex(), committed);
  }

  /**
   * How long an approval waits for the proposal to reach this node's chain: an operator approves
   * right after another member proposed, and the block holding the proposal may still be on its way
   * here (a moment, under load a little more).
   */
  private static final Duration PROPOSAL_ARRIVAL = Duration.ofSeconds(10);

  @Override
  public UpdateStatus approveUpdate(String channelId, String proposalId, Duration commitWait) {
    ChannelConfig config = governed(channelId);
    NodeIdentity identity = signingIdentity(channelId);
    CareLedgerException refused = config.approvalProblem(proposalId, identity.institutionId());
    long deadline =
        System.nanoTime()
            + (commitWait.compareTo(PROPOSAL_ARRIVAL) < 0 ? commitWait : PROPOSAL_ARRIVAL)
                .toNanos();
    while (refused != null
        && refused.errorCode() == ErrorCode.CONFIG_PROPOSAL_UNKNOWN
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      config = ChannelConfigs.inForce(store, channelId);
      refused = config.approvalProblem(proposalId, identity.institutionId());
    }
    if (refused != null) {
      throw refused;
    }
    SignedTransaction tx =
        sign(
            identity,
            transaction(
                identity,
                new ChannelId(channelId),
                TransactionType.CONFIG_APPROVAL,
                ChannelConfig.approval(proposalId)));
    Committed committed = consensus.submit(channelId, tx, commitWait);
    return status(channelId, proposalId, committed);
  }

  /** The configuration in force of a channel whose members govern it by consensus. */
  private ChannelConfig governed(String channelId) {
    ChannelConfig config = ChannelConfigs.inForce(store, channelId);
    if (!consensus.manages(channelId)) {
      throw new CareLedgerException(
          ErrorCode.CONFIG_UPDATE_INVALID,
          "channel "
              + channelId
              + " is not governed by consensus on this node (a channel of this node alone, or"
              + " its consensus is not running yet)");
    }
    return config;
  }

  private UpdateStatus status(String channelId, String proposalId, Committed committed) {
    ChannelConfig after = ChannelConfigs.inForce(store, channelId);
    ConfigView view = view(channelId, after);
    for (PendingUpdate pending : view.pending()) {
      if (pending.proposal().equals(proposalId)) {
        return new UpdateStatus(
            proposalId,
            "pending",
            committed.txId(),
            committed.height(),
            pending.approvals(),
            pending.needed(),
            view);
      }
    }
    return new UpdateStatus(
        proposalId,
        after.id().equals(proposalId) ? "applied" : "void",
        committed.txId(),
        committed.height(),
        List.of(),
        0,
        view);
  }

  private static ConfigView view(String channelId, ChannelConfig config) {
    Membership membership = config.membership();
    long now = Instant.now().toEpochMilli();
    long soon = now + org.careledger.domain.ledger.CertificateExpiry.WARNING.toMillis();
    Membership atNow = membership.atTime(now);
    List<ConfigMember> members = new ArrayList<>();
    for (Member m : membership.members()) {
      members.add(
          new ConfigMember(
              m.institution().value(),
              m.signingFingerprint().hex(),
              Instant.ofEpochMilli(m.notAfter()).toString(),
              atNow.byInstitution(m.institution()).isPresent(),
              membership.revoked().contains(m.signingFingerprint()),
              m.notAfter() <= soon));
    }
    List<PendingUpdate> pending = new ArrayList<>();
    for (Map.Entry<String, java.util.Set<InstitutionId>> p : config.pending().entrySet()) {
      ChannelConfig.Update update = config.pendingUpdate(p.getKey()).orElseThrow();
      pending.add(
          new PendingUpdate(
              p.getKey(),
              update.change().wireName(),
              update.subject() == null ? null : update.subject().value(),
              update.proposer().value(),
              p.getValue().stream().map(InstitutionId::value).sorted().toList(),
              config.deciding(update).stream().map(InstitutionId::value).toList(),
              config.approvalsNeeded(update)));
    }
    return new ConfigView(
        channelId,
        config.id(),
        config.since(),
        membership.mode().wireName(),
        membership.quorum(),
        members,
        config.consentPolicy(),
        pending);
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public BlockView block(String channelId, long height) {
    if (!store.channelExists(channelId, false)) {
      throw unknownChannel(channelId);
    }
    List<StoredBlock> found = store.blocks(channelId, height, 1);
    if (found.isEmpty()) {
      throw new CareLedgerException(
          ErrorCode.BLOCK_UNKNOWN, "channel " + channelId + " has no block at height " + height);
    }
    StoredBlock stored = found.get(0);
    BlockHeader header = BlockHeader.decode(stored.header());
    CommitCertificate certificate = CommitCertificate.decode(stored.certificate());
    java.util.Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return new BlockView(
        channelId,
        header.height(),
        header.hashHex(),
        java.util.HexFormat.of().formatHex(header.previousHash()),
        java.util.HexFormat.of().formatHex(header.txRoot()),
        header.txCount(),
        header.time(),
        header.proposer().value(),
        stored.transactions().stream().map(tx -> SignedTransaction.decode(tx).idHex()).toList(),
        certificate.signatures().stream().map(sig -> sig.member().value()).toList(),
        b64.encodeToString(stored.header()),
        stored.transactions().stream().map(b64::encodeToString).toList(),
        b64.encodeToString(stored.certificate()));
  }

  @Override
  public Committed submit(String channelId, String type, Map<String, Object> body) {
    return submit(channelId, type, body, COMMIT_WAIT);
  }

  @Override
  public java.util.concurrent.CompletionStage<Committed> submitAsync(
      String channelId, String type, Map<String, Object> body, Duration commitWait) {
    if (consensus.manages(channelId)) {
      NodeIdentity identity = signingIdentity(channelId);
      SignedTransaction tx =
          sign(
              identity,
              transaction(identity, new ChannelId(channelId), transactionType(type), body));
      return consensus.submitAsync(channelId, tx, commitWait);
    }
    return java.util.concurrent.CompletableFuture.completedFuture(
        submit(channelId, type, body, commitWait));
  }

  @Override
  public java.util.concurrent.CompletionStage<List<Committed>> submitAllAsync(
      String channelId, List<Submission> submissions, Duration commitWait) {
    if (consensus.manages(channelId)) {
      NodeIdentity identity = signingIdentity(channelId);
      ChannelId channel = new ChannelId(channelId);
      List<SignedTransaction> txs = new ArrayList<>(submissions.size());
      for (int i = 0; i < submissions.size(); i++) {
        Submission submission = submissions.get(i);
        try {
          txs.add(
              sign(
                  identity,
                  transaction(
                      identity, channel, transactionType(submission.type()), submission.body())));
        } catch (CareLedgerException e) {
          throw e.at("transactions[" + i + "]");
        }
      }
      return consensus.submitAllAsync(channelId, txs, commitWait);
    }
    // A channel of this node alone: one block each, in this call's one database transaction, so a
    // refused entry rolls back the blocks of those before it (the exception is a system exception).
    List<Committed> committed = new ArrayList<>(submissions.size());
    for (int i = 0; i < submissions.size(); i++) {
      Submission submission = submissions.get(i);
      try {
        committed.add(submit(channelId, submission.type(), submission.body(), commitWait));
      } catch (CareLedgerException e) {
        throw e.at("transactions[" + i + "]");
      }
    }
    return java.util.concurrent.CompletableFuture.completedFuture(committed);
  }

  /** Types a client may submit as they are: not channel configuration (see proposeUpdate). */
  private static TransactionType transactionType(String type) {
    return TransactionType.ofWireName(type)
        .filter(
            t ->
                t != TransactionType.CHANNEL_CONFIG
                    && t != TransactionType.CONFIG_UPDATE
                    && t != TransactionType.CONFIG_APPROVAL)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.TX_MALFORMED, "unknown transaction type '" + type + "'"));
  }

  @Override
  public Committed submit(
      String channelId, String type, Map<String, Object> body, Duration commitWait) {
    TransactionType txType = transactionType(type);
    NodeIdentity identity = signingIdentity(channelId);
    if (consensus.manages(channelId)) {
      // A federated channel: the members order it by consensus; the answer comes once the block
      // holding the transaction is committed and durable here. No lock is taken here: the
      // consensus driver appends in its own transactions.
      SignedTransaction tx =
          sign(identity, transaction(identity, new ChannelId(channelId), txType, body));
      return consensus.submit(channelId, tx, commitWait);
    }
    if (!store.channelExists(channelId, true)) {
      throw unknownChannel(channelId);
    }
    // Only a channel of this node alone commits here, signed by this node alone. A channel of
    // several members that the consensus driver does not run (yet: in the seconds after a start,
    // before the federation is read) must wait for it: committing here would put a block with one
    // signature on this node's chain, a fork the others never agreed to (ResilienceIT found it,
    // when a node restarted under load took a submission before its consensus had started).
    int members =
        GENESIS_MEMBERS.computeIfAbsent(
            channelId, id -> membership(store.blocks(id, 0, 1).get(0)).size());
    if (members > 1 && consensus.hasLeft(channelId)) {
      throw new CareLedgerException(
          ErrorCode.TX_UNKNOWN_AUTHOR,
          identity.institutionId()
              + " left channel "
              + channelId
              + ": its node keeps the chain it holds and submits nothing there");
    }
    if (members > 1) {
      throw new CareLedgerException(
          ErrorCode.NODE_NOT_READY,
          "channel "
              + channelId
              + " has "
              + members
              + " members and its consensus is not running on this node yet; try again shortly");
    }
    Member self = new Member(identity.institutionId(), identity.signingCertificate());
    BlockHeader head = store.head(channelId).orElseThrow(() -> unknownChannel(channelId));
    SignedTransaction tx = sign(identity, transaction(identity, head.channel(), txType, body));
    // The rules of record versions hold on a channel of one member too (a raw amend or grant over
    // REST included); the channel's row is locked, so the chain read here is the one it extends.
    new RecordRules(record -> DefaultSharingService.recordTransactions(store, channelId, record))
        .admit(tx);
    Block block = commit(identity, self, head.channel(), head, List.of(tx));
    store.append(channelId, block);
    return new Committed(
        channelId, tx.idHex(), block.header().height(), 0, block.header().hashHex());
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public byte[] proofBundle(String channelId, String txId, Long head) {
    long[] position =
        store
            .locate(channelId, txId)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.TX_UNKNOWN,
                        "no transaction " + txId + " on channel " + channelId));
    List<StoredBlock> stored = store.chain(channelId);
    int last = head == null ? stored.size() - 1 : (int) Math.min(head, stored.size() - 1);
    if (last < position[0]) {
      throw new CareLedgerException(
          ErrorCode.TX_UNKNOWN,
          "transaction " + txId + " is in block " + position[0] + ", after head " + head);
    }
    List<Block> chain = new ArrayList<>(last + 1);
    for (int h = 0; h <= last; h++) {
      StoredBlock block = stored.get(h);
      chain.add(
          new Block(
              BlockHeader.decode(block.header()),
              block.transactions().stream().map(SignedTransaction::decode).toList(),
              CommitCertificate.decode(block.certificate())));
    }
    return ProofBundle.create(chain, (int) position[0], (int) position[1], last);
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public ChainVerifier.Report verify(String channelId) {
    return verify(channelId, done -> {});
  }

  @Override
  public ChainVerifier.Report verify(String channelId, java.util.function.LongConsumer progress) {
    if (!store.channelExists(channelId, false)) {
      throw unknownChannel(channelId);
    }
    return new ChainVerifier().verify(store.chain(channelId), progress);
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public long blockCount(String channelId) {
    return store.head(channelId).orElseThrow(() -> unknownChannel(channelId)).height() + 1;
  }

  /**
   * Member count of each channel's genesis, read once per channel: a genesis never changes, and
   * reading and decoding it on every local submission showed in the append benchmark.
   */
  private static final java.util.concurrent.ConcurrentMap<String, Integer> GENESIS_MEMBERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Membership membership(StoredBlock genesis) {
    return Membership.fromConfigBody(
        SignedTransaction.decode(genesis.transactions().get(0)).transaction().body());
  }

  private static Transaction transaction(
      NodeIdentity identity, ChannelId channel, TransactionType type, Map<String, Object> body) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return new Transaction(
        channel,
        type,
        identity.institutionId(),
        identity.signingFingerprint(),
        Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
        Instant.now().toEpochMilli(),
        body);
  }

  private static SignedTransaction sign(NodeIdentity identity, Transaction transaction) {
    return SignedTransaction.sign(transaction, signingKey(identity));
  }

  private static Block commit(
      NodeIdentity identity,
      Member self,
      ChannelId channel,
      BlockHeader previous,
      List<SignedTransaction> txs) {
    // Consensus time must not go backwards even if this node's clock does.
    long time = Math.max(Instant.now().toEpochMilli(), previous == null ? 0 : previous.time());
    BlockHeader header = Block.header(channel, previous, txs, time, identity.institutionId());
    return new Block(
        header,
        txs,
        new CommitCertificate(List.of(CommitCertificate.sign(header, self, signingKey(identity)))));
  }

  /**
   * The identity whose signing key the channel has in force for this node: after a key renewal the
   * channel applied, the new one; elsewhere (and on a channel of this node alone) the current one.
   */
  private NodeIdentity signingIdentity(String channelId) {
    return consensus.ownKey(channelId).flatMap(keys::identity).orElseGet(keys::identity);
  }

  @Override
  public org.careledger.domain.identity.Fingerprint signingKeyInForce(String channelId) {
    return consensus
        .ownKey(channelId)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.CHANNEL_UNKNOWN,
                    "this node runs no consensus for channel "
                        + channelId
                        + " (not a member, left it, or not started yet)"));
  }

  private static Ed25519PrivateKeyParameters signingKey(NodeIdentity identity) {
    return Ed25519.privateKey(identity.signingKey());
  }

  private static ChannelSummary summary(
      String id, BlockHeader genesis, BlockHeader head, int members) {
    return new ChannelSummary(id, genesis.hashHex(), head.height(), head.hashHex(), members);
  }

  private static CareLedgerException unknownChannel(String channelId) {
    return new CareLedgerException(
        ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
  }
}
