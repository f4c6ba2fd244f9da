package org.careledger.application.internal;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.careledger.application.LedgerStore;
import org.careledger.application.federation.FederationTransport;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.persistence.consensus.ClusterInboxEntity;
import org.careledger.persistence.consensus.ConsensusLeaseEntity;
import org.careledger.persistence.consensus.ConsensusStateEntity;

/**
 * The consensus driver's units of work, each its own JTA transaction (REQUIRES_NEW), so that when a
 * method returns its effect is durable: the signed state before the messages it covers are sent, a
 * committed block before the submitter is told, outbound messages in the local broker before the
 * bridge forwards them.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ConsensusTransactions {

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(ConsensusTransactions.class.getName());

  /** An outbound message: bytes for one peer. */
  public record Outbound(InstitutionId peer, byte[] bytes) {}

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  @EJB private LedgerStore store;
  @EJB private FederationTransport transport;

  /**
   * Creates the channel with {@code genesis} if this node does not hold it yet.
   *
   * @return the hash of the genesis the node holds for the channel (the given one if just created)
   */
  public String ensureGenesis(String channelId, Block genesis) {
    if (!store.channelExists(channelId, true)) {
      store.createChannel(channelId, genesis);
      return genesis.header().hashHex();
    }
    return BlockHeader.decode(store.blocks(channelId, 0, 1).get(0).header()).hashHex();
  }

  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Optional<BlockHeader> head(String channelId) {
    return store.head(channelId);
  }

  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Optional<byte[]> loadState(String channelId) {
    ConsensusStateEntity state = em.find(ConsensusStateEntity.class, channelId);
    return state == null ? Optional.empty() : Optional.of(state.getStateBytes());
  }

  /**
   * Takes the institution's consensus-member lease for {@code node}: raises its epoch (waiting for
   * any save under the previous epoch to commit first, by the row's lock) and returns the new one.
   * Whatever the previous holder saved is committed before this returns, so an engine built from
   * the database afterwards starts from everything it signed.
   */
  public long takeLease(String node) {
    ConsensusLeaseEntity lease =
        em.find(
            ConsensusLeaseEntity.class, ConsensusLeaseEntity.ID, LockModeType.PESSIMISTIC_WRITE);
    if (lease == null) {
      throw new CareLedgerException(
          ErrorCode.DATABASE_MIGRATION_FAILED,
          "the consensus lease row is missing (migration V6__cluster_member)");
    }
    long previous = lease.getEpoch();
    String before = lease.getHolder();
    long epoch = lease.take(node, Instant.now());
    LOG.info(
        "consensus member lease taken by "
            + node
            + ": epoch "
            + epoch
            + (before.isEmpty() ? "" : " (was " + previous + ", held by " + before + ")"));
    return epoch;
  }

  /**
   * Saves what the member signed in a channel, if the lease is still at {@code epoch}: checked
   * under the lease row's lock in the same transaction, so no other node can take the lease between
   * the check and the commit.
   *
   * @throws CareLedgerException {@code CONSENSUS_MEMBER_FENCED} when another node took the lease
   */
  public void saveState(String channelId, long height, int round, byte[] state, long epoch) {
    ConsensusLeaseEntity lease =
        em.find(
            ConsensusLeaseEntity.class, ConsensusLeaseEntity.ID, LockModeType.PESSIMISTIC_WRITE);
    if (lease == null || lease.getEpoch() != epoch) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_MEMBER_FENCED,
          "the consensus member lease is at epoch "
              + (lease == null ? "?" : lease.getEpoch() + " (" + lease.getHolder() + ")")
              + ", not this node's "
              + epoch
              + ": another node of the institution runs the member; nothing was signed here");
    }
    ConsensusStateEntity entity = em.find(ConsensusStateEntity.class, channelId);
    if (entity == null) {
      entity = new ConsensusStateEntity(channelId);
      entity.replace(height, round, state, Instant.now());
      em.persist(entity);
    } else {
      entity.replace(height, round, state, Instant.now());
    }
  }

  /** A standby node's: keeps a federation message it received for the node that runs the member. */
  public void forward(String declaredSender, byte[] payload) {
    em.persist(new ClusterInboxEntity(declaredSender, payload, Instant.now()));
  }

  /** A standby node's: keeps a transaction submitted there for the node that runs the member. */
  public void forwardSubmission(String channelId, String submitter, byte[] transaction) {
    em.persist(
        new ClusterInboxEntity(
            ClusterInboxEntity.SUBMISSION, channelId, submitter, transaction, Instant.now()));
  }

  /** Height and index of a committed transaction, if it is on the chain. */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Optional<long[]> locate(String channelId, String txIdHex) {
    return store.locate(channelId, txIdHex);
  }

  /** The member's node: takes out (deletes and returns) up to {@code max} forwarded messages. */
  public List<ClusterInboxEntity> takeForwarded(int max) {
    List<ClusterInboxEntity> taken =
        em.createQuery("SELECT m FROM ClusterInboxEntity m ORDER BY m.id", ClusterInboxEntity.class)
            .setMaxResults(max)
            .getResultList();
    for (ClusterInboxEntity message : taken) {
      em.remove(message);
    }
    return taken;
  }

  /** Appends committed blocks, in order, as one unit. */
  public void append(String channelId, List<Block> blocks) {
    for (Block block : blocks) {
      store.append(channelId, block);
    }
  }

  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<StoredBlock> blocks(String channelId, long fromHeight, int max) {
    return store.blocks(channelId, fromHeight, max);
  }

  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public boolean contains(String channelId, String txIdHex) {
    return store.locate(channelId, txIdHex).isPresent();
  }

  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public java.util.Set<String> committedAmong(String channelId, java.util.Collection<String> ids) {
    return store.committedAmong(channelId, ids);
  }

  /** Queues messages for peers; all of them are in the local broker once this returns. */
  public void send(List<Outbound> messages) {
    for (Outbound message : messages) {
      transport.send(message.peer(), message.bytes());
    }
  }

  /**
   * The channel's committed transactions that the rules of record versions read for one record
   * ({@link org.careledger.domain.sharing.SharingRefs#forRecord}), in chain order.
   */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<org.careledger.domain.ledger.SignedTransaction> recordTransactions(
      String channelId, String recordId) {
    return DefaultSharingService.recordTransactions(store, channelId, recordId);
  }

  /**
   * The channel's configuration in force after its committed head: the genesis configuration with
   * every committed config update and approval folded in, block by block ({@link
   * org.careledger.domain.ledger.ChannelConfig#next}). Reads only those transactions, not the
   * chain.
   */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public org.careledger.domain.ledger.ChannelConfig channelConfig(
      String channelId, org.careledger.domain.ledger.SignedTransaction genesisConfig) {
    return ChannelConfigs.inForce(store, channelId, genesisConfig);
  }

  /**
   * The class, patient and provider of a record's registration on the channel (from the record
   * index).
   */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Optional<org.careledger.domain.sharing.PolicyValidator.RecordFacts> recordFacts(
      String channelId, String recordId) {
    return em
        .createQuery(
            "select r from RecordIndexEntity r where r.channelId = :channel"
                + " and r.recordId = :record order by r.height",
            org.careledger.persistence.sharing.RecordIndexEntity.class)
        .setParameter("channel", channelId)
        .setParameter("record", recordId)
        .setMaxResults(1)
        .getResultList()
        .stream()
        .findFirst()
        .map(
            r ->
                new org.careledger.domain.sharing.PolicyValidator.RecordFacts(
                    r.getDocumentClass(), r.getPseudonym(), r.getProvider()));
  }

  /**
   * The requester, purpose and scope of an access request on the channel: its record, or for a
   * class request the patient's pseudonym, the document class and the provider asked.
   */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Optional<org.careledger.domain.sharing.PolicyValidator.RequestFacts> requestFacts(
      String channelId, String requestId) {
    for (byte[] bytes : store.transactionsOfType(channelId, "request")) {
      org.careledger.domain.ledger.Transaction tx =
          org.careledger.domain.ledger.SignedTransaction.decode(bytes).transaction();
      if (requestId.equals(tx.body().get("requestId"))) {
        return Optional.of(
            org.careledger.domain.sharing.PolicyValidator.RequestFacts.of(
                tx.author().value(), tx.body()));
      }
    }
    return Optional.empty();
  }

  /** The latest consent decision on the channel of a patient (pseudonym) for a grantee. */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Optional<String> consent(String channelId, String patient, String grantee) {
    String decision = null;
    for (byte[] bytes : store.transactionsOfType(channelId, "consent")) {
      java.util.Map<String, Object> body =
          org.careledger.domain.ledger.SignedTransaction.decode(bytes).transaction().body();
      if (patient.equals(body.get("patient")) && grantee.equals(body.get("scope"))) {
        decision = String.valueOf(body.get("decision"));
      }
    }
    return Optional.ofNullable(decision);
  }
}
