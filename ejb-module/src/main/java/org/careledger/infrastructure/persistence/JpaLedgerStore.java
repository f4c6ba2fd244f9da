package org.careledger.infrastructure.persistence;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.careledger.application.LedgerStore;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.sharing.SharingRefs;
import org.careledger.persistence.ledger.BlockEntity;
import org.careledger.persistence.ledger.ChannelEntity;
import org.careledger.persistence.ledger.LedgerTransactionEntity;
import org.careledger.persistence.sharing.RecordIndexEntity;
import org.careledger.persistence.sharing.SharingRefBackfillEntity;
import org.careledger.persistence.sharing.SharingRefEntity;

/** The ledger in the database. Only ever persists; there is no update or delete here. */
@Stateless
public class JpaLedgerStore implements LedgerStore {

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  @Override
  public boolean channelExists(String channelId, boolean lock) {
    return (lock
            ? em.find(ChannelEntity.class, channelId, LockModeType.PESSIMISTIC_WRITE)
            : em.find(ChannelEntity.class, channelId))
        != null;
  }

  @Override
  public void createChannel(String channelId, Block genesis) {
    em.persist(new ChannelEntity(channelId, genesis.header().hashHex(), Instant.now()));
    append(channelId, genesis);
  }

  @Override
  public List<String> channelIds() {
    return em.createQuery(
            "select c.channelId from ChannelEntity c order by c.channelId", String.class)
        .getResultList();
  }

  @Override
  public Optional<BlockHeader> head(String channelId) {
    return em.createNamedQuery(BlockEntity.HEAD, BlockEntity.class)
        .setParameter("channel", channelId)
        .getResultStream()
        .findFirst()
        .map(b -> BlockHeader.decode(b.getHeaderBytes()));
  }

  @Override
  public void append(String channelId, Block block) {
    BlockHeader header = block.header();
    HexFormat hex = HexFormat.of();
    em.persist(
        new BlockEntity(
            channelId,
            header.height(),
            header.hashHex(),
            hex.formatHex(header.previousHash()),
            hex.formatHex(header.txRoot()),
            header.txCount(),
            header.encoded(),
            block.certificate().encoded(),
            Instant.now()));
    // The block row must exist before its transactions reference it.
    em.flush();
    int index = 0;
    for (SignedTransaction tx : block.transactions()) {
      em.persist(
          new LedgerTransactionEntity(
              channelId,
              tx.idHex(),
              header.height(),
              index++,
              tx.transaction().type().wireName(),
              tx.transaction().author().value(),
              tx.encoded()));
      indexReferences(channelId, tx);
      if (tx.transaction().type() == TransactionType.REGISTER) {
        index(channelId, tx, header).ifPresent(em::persist);
      } else if (tx.transaction().type() == TransactionType.AMEND) {
        indexAmendment(channelId, tx, header).ifPresent(em::persist);
      }
    }
  }

  /**
   * The register transaction as a row of the record index, or nothing if its body does not fit the
   * index (the transaction is on the chain all the same: a projection never fails a commit).
   */
  static Optional<RecordIndexEntity> index(
      String channelId, SignedTransaction tx, BlockHeader header) {
    Map<String, Object> body = tx.transaction().body();
    if (!(body.get("recordId") instanceof String record && record.length() <= 64)
        || !(body.get("version") instanceof Long version)
        || !(body.get("patient") instanceof String patient && patient.length() == 64)
        || !(body.get("documentClass") instanceof String documentClass
            && documentClass.length() <= 16)
        || !(body.get("mediaType") instanceof String mediaType && mediaType.length() <= 128)
        || !(body.get("size") instanceof Long size)
        || !(body.get("contentHash") instanceof String contentHash && contentHash.length() == 64)) {
      return Optional.empty();
    }
    return Optional.of(
        new RecordIndexEntity(
            channelId,
            tx.idHex(),
            record,
            version,
            patient,
            documentClass,
            mediaType,
            size,
            contentHash,
            tx.transaction().author().value(),
            header.height(),
            Instant.ofEpochMilli(header.time())));
  }

  /**
   * An amendment as a row of the record index: the new version's number, media type, size and
   * content hash, at the amendment's height, with what a version cannot change (pseudonym, class,
   * provider and registration time) from the record's registration row, so that a search matches
   * every version of a record alike and shows its latest. Nothing where the record has no row or
   * the amendment is not the next version by its provider (block validation lets no such amendment
   * commit; the projection never fails a commit).
   */
  private Optional<RecordIndexEntity> indexAmendment(
      String channelId, SignedTransaction tx, BlockHeader header) {
    Map<String, Object> body = tx.transaction().body();
    if (!(body.get("recordId") instanceof String record)) {
      return Optional.empty();
    }
    List<RecordIndexEntity> rows =
        em.createQuery(
                "select r from RecordIndexEntity r where r.channelId = :channel"
                    + " and r.recordId = :record order by r.height, r.version",
                RecordIndexEntity.class)
            .setParameter("channel", channelId)
            .setParameter("record", record)
            .getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    RecordIndexEntity registration = rows.get(0);
    long current = rows.stream().mapToLong(RecordIndexEntity::getVersion).max().orElseThrow();
    return amendmentRow(channelId, tx, header, registration, current);
  }

  /** The row of {@code tx}, an amendment of the record {@code registration} registers. */
  static Optional<RecordIndexEntity> amendmentRow(
      String channelId,
      SignedTransaction tx,
      BlockHeader header,
      RecordIndexEntity registration,
      long currentVersion) {
    Map<String, Object> body = tx.transaction().body();
    if (!registration.getProvider().equals(tx.transaction().author().value())
        || !(body.get("version") instanceof Long version && version == currentVersion + 1)
        || !(body.get("mediaType") instanceof String mediaType && mediaType.length() <= 128)
        || !(body.get("size") instanceof Long size)
        || !(body.get("contentHash") instanceof String contentHash && contentHash.length() == 64)) {
      return Optional.empty();
    }
    return Optional.of(
        new RecordIndexEntity(
            channelId,
            tx.idHex(),
            registration.getRecordId(),
            version,
            registration.getPseudonym(),
            registration.getDocumentClass(),
            mediaType,
            size,
            contentHash,
            registration.getProvider(),
            header.height(),
            registration.getRegisteredAt()));
  }

  @Override
  public List<StoredBlock> chain(String channelId) {
    List<BlockEntity> blocks =
        em.createNamedQuery(BlockEntity.BY_CHANNEL, BlockEntity.class)
            .setParameter("channel", channelId)
            .getResultList();
    List<LedgerTransactionEntity> txs =
        em.createNamedQuery(LedgerTransactionEntity.BY_CHANNEL, LedgerTransactionEntity.class)
            .setParameter("channel", channelId)
            .getResultList();
    return assemble(blocks, txs);
  }

  @Override
  public List<StoredBlock> blocks(String channelId, long fromHeight, int max) {
    if (fromHeight < 0 || max <= 0) {
      return List.of();
    }
    long toHeight = fromHeight + max - 1;
    List<BlockEntity> blocks =
        em.createQuery(
                "select b from BlockEntity b where b.channelId = :channel"
                    + " and b.height between :from and :to order by b.height",
                BlockEntity.class)
            .setParameter("channel", channelId)
            .setParameter("from", fromHeight)
            .setParameter("to", toHeight)
            .getResultList();
    List<LedgerTransactionEntity> txs =
        em.createQuery(
                "select t from LedgerTransactionEntity t where t.channelId = :channel"
                    + " and t.height between :from and :to order by t.height, t.txIndex",
                LedgerTransactionEntity.class)
            .setParameter("channel", channelId)
            .setParameter("from", fromHeight)
            .setParameter("to", toHeight)
            .getResultList();
    return assemble(blocks, txs);
  }

  private static List<StoredBlock> assemble(
      List<BlockEntity> blocks, List<LedgerTransactionEntity> txs) {
    List<StoredBlock> chain = new ArrayList<>(blocks.size());
    int t = 0;
    for (BlockEntity block : blocks) {
      List<byte[]> blockTxs = new ArrayList<>();
      while (t < txs.size() && txs.get(t).getHeight() == block.getHeight()) {
        blockTxs.add(txs.get(t++).getTxBytes());
      }
      chain.add(new StoredBlock(block.getHeaderBytes(), blockTxs, block.getCertificateBytes()));
    }
    return chain;
  }

  @Override
  public List<byte[]> transactionsOfType(String channelId, String type) {
    return em.createQuery(
            "select t.txBytes from LedgerTransactionEntity t where t.channelId = :channel"
                + " and t.txType = :type order by t.height, t.txIndex",
            byte[].class)
        .setParameter("channel", channelId)
        .setParameter("type", type)
        .getResultList();
  }

  @Override
  public List<TimedTransaction> transactionsOfTypes(
      String channelId, java.util.Collection<String> types) {
    List<Object[]> rows =
        em.createQuery(
                "select t.txBytes, t.height, b.headerBytes from LedgerTransactionEntity t,"
                    + " BlockEntity b where b.channelId = t.channelId and b.height = t.height"
                    + " and t.channelId = :channel and t.txType in :types"
                    + " order by t.height, t.txIndex",
                Object[].class)
            .setParameter("channel", channelId)
            .setParameter("types", types)
            .getResultList();
    List<TimedTransaction> result = new java.util.ArrayList<>(rows.size());
    long headerHeight = -1;
    long time = 0;
    for (Object[] row : rows) {
      long height = (Long) row[1];
      if (height != headerHeight) {
        time = BlockHeader.decode((byte[]) row[2]).time();
        headerHeight = height;
      }
      result.add(new TimedTransaction((byte[]) row[0], height, time));
    }
    return result;
  }

  @Override
  public Optional<long[]> locate(String channelId, String txId) {
    LedgerTransactionEntity tx =
        em.find(LedgerTransactionEntity.class, new LedgerTransactionEntity.Key(channelId, txId));
    return tx == null
        ? Optional.empty()
        : Optional.of(new long[] {tx.getHeight(), tx.getTxIndex()});
  }

  @Override
  public Set<String> committedAmong(String channelId, Collection<String> txIds) {
    Set<String> found = new HashSet<>();
    List<String> ids = new ArrayList<>(txIds);
    // Bounded IN lists, so statement plans stay cached per size. The query names only tx_id: H2
    // then serves the IN list from its index (V4); with the channel in the WHERE clause too, it
    // chose the channel's index and compared every row of the channel with the list (a third of
    // all CPU in a profile under load). The channel is checked here instead.
    for (int from = 0; from < ids.size(); from += IN_LIST) {
      List<Object[]> rows =
          em.createQuery(
                  "select t.channelId, t.txId from LedgerTransactionEntity t where t.txId in :ids",
                  Object[].class)
              .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST)))
              .getResultList();
      for (Object[] row : rows) {
        if (channelId.equals(row[0])) {
          found.add((String) row[1]);
        }
      }
    }
    return found;
  }

  @Override
  public List<SharingRefs.Located> sharingTransactionsReferring(
      String channelId, Collection<String> keys) {
    List<String> ids = new ArrayList<>();
    List<String> keyList = new ArrayList<>(keys);
    for (int from = 0; from < keyList.size(); from += IN_LIST) {
      ids.addAll(
          em.createQuery(
                  "select distinct r.txId from SharingRefEntity r where r.refKey in :keys"
                      + " and r.channelId = :channel",
                  String.class)
              .setParameter("keys", keyList.subList(from, Math.min(keyList.size(), from + IN_LIST)))
              .setParameter("channel", channelId)
              .getResultList());
    }
    List<SharingRefs.Located> found = new ArrayList<>(ids.size());
    Set<String> seen = new HashSet<>();
    // By id alone, as committedAmong: H2 serves the IN list from the primary key (V7).
    for (int from = 0; from < ids.size(); from += IN_LIST) {
      List<Object[]> rows =
          em.createQuery(
                  "select t.channelId, t.height, t.txIndex, t.txBytes, t.txId"
                      + " from LedgerTransactionEntity t where t.txId in :ids",
                  Object[].class)
              .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST)))
              .getResultList();
      for (Object[] row : rows) {
        if (channelId.equals(row[0]) && seen.add((String) row[4])) {
          found.add(
              new SharingRefs.Located(
                  (Long) row[1], (Integer) row[2], SignedTransaction.decode((byte[]) row[3])));
        }
      }
    }
    found.sort(
        java.util.Comparator.comparingLong(SharingRefs.Located::height)
            .thenComparingInt(SharingRefs.Located::index));
    return found;
  }

  @Override
  public boolean sharingRefsComplete(String channelId) {
    return em.find(SharingRefBackfillEntity.class, channelId) == null;
  }

  @Override
  public int indexSharingRefsPart(String channelId, int maxTransactions) {
    SharingRefBackfillEntity pending =
        em.find(SharingRefBackfillEntity.class, channelId, LockModeType.PESSIMISTIC_WRITE);
    if (pending == null) {
      return 0; // nothing committed before V8, or another node of the cluster did it
    }
    long from = pending.getIndexedHeight();
    List<long[]> blocks =
        em.createQuery(
                "select b.height, b.txCount from BlockEntity b where b.channelId = :channel"
                    + " and b.height > :from and b.height <= :upTo order by b.height",
                Object[].class)
            .setParameter("channel", channelId)
            .setParameter("from", from)
            .setParameter("upTo", pending.getUpToHeight())
            .setMaxResults(Math.max(1, maxTransactions))
            .getResultStream()
            .map(row -> new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue()})
            .toList();
    long to = partEnd(blocks, pending.getUpToHeight(), maxTransactions);
    // By height range (the (channel, height, index) key), with the type checked here: a type
    // condition could lead the database to the type index and a scan of every part's channel.
    List<Object[]> rows =
        em.createQuery(
                "select t.txType, t.txBytes from LedgerTransactionEntity t"
                    + " where t.channelId = :channel and t.height > :from and t.height <= :to",
                Object[].class)
            .setParameter("channel", channelId)
            .setParameter("from", from)
            .setParameter("to", to)
            .getResultList();
    int indexed = 0;
    for (Object[] row : rows) {
      if (SHARING_TYPES.contains((String) row[0])) {
        indexReferences(channelId, SignedTransaction.decode((byte[]) row[1]));
        indexed++;
      }
    }
    if (to >= pending.getUpToHeight()) {
      em.remove(pending);
    } else {
      pending.indexedUpTo(to);
    }
    return indexed;
  }

  private static final java.util.Set<String> SHARING_TYPES =
      org.careledger.domain.sharing.RecordRules.CHAIN_TYPES.stream()
          .map(TransactionType::wireName)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /**
   * The last height of the next part of a backfill: {@code blocks} are the (height, transaction
   * count) of the blocks above the part's start, in height order (the first {@code max} of them at
   * most); the part takes whole blocks while their transactions add up to at most {@code max}, and
   * always at least one block. Past the last block, or with none left, the part ends at {@code
   * upTo}.
   */
  static long partEnd(List<long[]> blocks, long upTo, int max) {
    if (blocks.isEmpty()) {
      return upTo;
    }
    long end = blocks.get(0)[0];
    long total = blocks.get(0)[1];
    for (int i = 1; i < blocks.size(); i++) {
      long[] block = blocks.get(i);
      if (total + block[1] > max) {
        return end;
      }
      total += block[1];
      end = block[0];
    }
    return blocks.size() < max ? upTo : end;
  }

  /** The rows of the sharing references {@code tx} makes (none for most types). */
  private void indexReferences(String channelId, SignedTransaction tx) {
    for (String key : SharingRefs.of(tx)) {
      em.persist(new SharingRefEntity(key, channelId, tx.idHex()));
    }
  }

  private static final int IN_LIST = 500;
}
