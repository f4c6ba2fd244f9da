package org.careledger.application.internal;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerStore;
import org.careledger.application.NodeKeys;
import org.careledger.application.NodeSettings;
import org.careledger.application.PatientIdentities;
import org.careledger.application.RecordService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.ChainVerifier.Check;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.offchain.DataKeyEnvelope;
import org.careledger.domain.offchain.DataKeys;
import org.careledger.infrastructure.offchain.FileBlobStore;
import org.careledger.persistence.offchain.BlobEntity;
import org.careledger.persistence.offchain.KeyEnvelopeEntity;
import org.careledger.persistence.sharing.RecordIndexEntity;
import org.careledger.persistence.sharing.RecordMetadataEntity;

/**
 * Registers documents as one unit: the ciphertext file is written first (it cannot take part in the
 * JTA transaction), then its metadata, the key envelope and the register transaction are committed
 * together; if that transaction rolls back, the file is deleted again, so a failed upload leaves
 * neither ciphertext nor ledger entry.
 */
@Stateless
@RolesAllowed({"admin", "clinician", "his-system"})
public class DefaultRecordService implements RecordService {

  private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,80}");
  private static final Pattern LOINC = Pattern.compile("[0-9]{1,8}-[0-9]");
  private static final int TITLE_MAX = 500;
  private static final Pattern REASON = Pattern.compile("[a-z0-9-]{1,40}");

  @EJB private LedgerService ledger;
  @EJB private LedgerStore store;
  @EJB private NodeKeys keys;
  @EJB private PatientIdentities identities;

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  @Resource private TransactionSynchronizationRegistry transactions;

  @Override
  public Registered register(String channelId, Metadata metadata, InputStream content) {
    String recordId =
        metadata.recordId() == null ? UUID.randomUUID().toString() : metadata.recordId();
    require(RECORD_ID, recordId, "recordId");
    require(MEDIA_TYPE, metadata.mediaType(), "media type");
    require(LOINC, metadata.documentClass(), "documentClass (a LOINC code such as 11502-2)");
    String title = title(metadata.title());
    LocalDate documentDate = date(metadata.documentDate());
    if (!store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
    // Before any byte is stored: a bad patient id or a missing key leaves nothing behind.
    String pseudonym = identities.enrol(channelId, metadata.patientId());
    if (!em.createQuery(
                "select r.txId from RecordIndexEntity r where r.channelId = :channel"
                    + " and r.recordId = :record",
                String.class)
            .setParameter("channel", channelId)
            .setParameter("record", recordId)
            .setMaxResults(1)
            .getResultList()
            .isEmpty()
        || em.find(RecordMetadataEntity.class, new RecordMetadataEntity.Key(channelId, recordId))
            != null) {
      throw new CareLedgerException(
          ErrorCode.RECORD_EXISTS,
          "record " + recordId + " is already registered on channel " + channelId);
    }
    NodeIdentity identity = keys.identity();
    byte[] context = context(channelId, recordId);
    SecretKey dataKey = DataKeys.generate();
    FileBlobStore documents = documents();
    FileBlobStore.Stored stored = documents.store(content, dataKey, context);
    boolean isNew = em.find(BlobEntity.class, stored.contentHash()) == null;
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED && isNew) {
              documents.erase(stored.contentHash());
            }
          }
        });
    byte[] envelope =
        DataKeyEnvelope.seal(dataKey, identity.agreementCertificate().getPublicKey(), context);
    String envelopeHash = sha256(envelope);
    if (isNew) {
      em.persist(new BlobEntity(stored.contentHash(), stored.ciphertextSize(), Instant.now()));
    }
    em.persist(
        new KeyEnvelopeEntity(
            envelopeHash, recordId, identity.institutionId().value(), envelope, Instant.now()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", recordId);
    body.put("version", 1L);
    body.put("contentHash", stored.contentHash());
    body.put("size", stored.ciphertextSize());
    body.put("mediaType", metadata.mediaType());
    body.put("documentClass", metadata.documentClass());
    body.put("patient", pseudonym);
    body.put("envelopeHash", envelopeHash);
    em.persist(
        new RecordMetadataEntity(
            channelId, recordId, pseudonym, title, documentDate, Instant.now()));
    LedgerService.Committed committed = ledger.submit(channelId, "register", body);
    return new Registered(
        channelId,
        recordId,
        stored.contentHash(),
        stored.ciphertextSize(),
        pseudonym,
        committed.txId(),
        committed.height());
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<Found> find(String channelId, Query query) {
    if (!store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
    if (query.documentClass() != null) {
      require(LOINC, query.documentClass(), "documentClass (a LOINC code such as 11502-2)");
    }
    StringBuilder jpql =
        new StringBuilder("select r from RecordIndexEntity r where r.channelId = :channel");
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("channel", channelId);
    if (query.patientId() != null) {
      jpql.append(" and r.pseudonym = :patient");
      parameters.put("patient", identities.pseudonymOf(channelId, query.patientId()));
    }
    if (query.documentClass() != null) {
      jpql.append(" and r.documentClass = :class");
      parameters.put("class", query.documentClass());
    }
    if (query.from() != null) {
      jpql.append(" and r.registeredAt >= :from");
      parameters.put("from", query.from());
    }
    if (query.to() != null) {
      jpql.append(" and r.registeredAt < :to");
      parameters.put("to", query.to());
    }
    jpql.append(" order by r.registeredAt desc, r.height desc");
    var found = em.createQuery(jpql.toString(), RecordIndexEntity.class);
    parameters.forEach(found::setParameter);
    List<RecordIndexEntity> rows = found.setMaxResults(FIND_LIMIT).getResultList();
    java.util.Set<String> erased = new java.util.HashSet<>();
    for (byte[] bytes : store.transactionsOfType(channelId, TransactionType.ERASE.wireName())) {
      erased.add(
          String.valueOf(SignedTransaction.decode(bytes).transaction().body().get("recordId")));
    }
    String self = keys.identity().institutionId().value();
    List<Found> result = new java.util.ArrayList<>();
    for (RecordIndexEntity row : rows) {
      RecordMetadataEntity local =
          self.equals(row.getProvider())
              ? em.find(
                  RecordMetadataEntity.class,
                  new RecordMetadataEntity.Key(channelId, row.getRecordId()))
              : null;
      result.add(
          new Found(
              row.getRecordId(),
              row.getVersion(),
              row.getPseudonym(),
              row.getDocumentClass(),
              row.getMediaType(),
              row.getSize(),
              row.getProvider(),
              row.getContentHash(),
              row.getTxId(),
              row.getHeight(),
              row.getRegisteredAt(),
              erased.contains(row.getRecordId()),
              local == null ? null : local.getTitle(),
              local == null || local.getDocumentDate() == null
                  ? null
                  : local.getDocumentDate().toString()));
    }
    return result;
  }

  @Override
  @RolesAllowed("admin")
  public String erase(String channelId, String recordId, String reasonCode) {
    require(REASON, reasonCode, "reasonCode (e.g. patient-request)");
    Map<String, Object> registration = registration(channelId, recordId);
    String contentHash = (String) registration.get("contentHash");
    BlobEntity blob = em.find(BlobEntity.class, contentHash);
    if (blob == null || blob.getErasedAt() != null) {
      throw erased(recordId);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", recordId);
    body.put("contentHash", contentHash);
    body.put("reasonCode", reasonCode);
    LedgerService.Committed committed = ledger.submit(channelId, "erase", body);
    em.createQuery("delete from KeyEnvelopeEntity e where e.recordId = :record")
        .setParameter("record", recordId)
        .executeUpdate();
    // The title is clinical text: it goes with the content.
    em.createQuery(
            "delete from RecordMetadataEntity m where m.channelId = :channel"
                + " and m.recordId = :record")
        .setParameter("channel", channelId)
        .setParameter("record", recordId)
        .executeUpdate();
    blob.markErased(Instant.now());
    FileBlobStore documents = documents();
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              documents.erase(contentHash);
            }
          }
        });
    return committed.txId();
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public InputStream read(String channelId, String recordId) {
    Map<String, Object> registration = registration(channelId, recordId);
    String contentHash = (String) registration.get("contentHash");
    BlobEntity blob = em.find(BlobEntity.class, contentHash);
    if (blob != null && blob.getErasedAt() != null) {
      throw erased(recordId);
    }
    byte[] context = context(channelId, recordId);
    SecretKey dataKey =
        ownDataKey(
            em, keys.identity(), recordId, (String) registration.get("envelopeHash"), context);
    return documents().open(contentHash, dataKey, context);
  }

  /**
   * The data key of a record this node provides, from its own key envelope: the one whose hash the
   * register transaction carries.
   */
  static SecretKey ownDataKey(
      EntityManager em,
      NodeIdentity identity,
      String recordId,
      String envelopeHash,
      byte[] context) {
    KeyEnvelopeEntity envelope =
        em
            .createNamedQuery(KeyEnvelopeEntity.FOR_RECIPIENT, KeyEnvelopeEntity.class)
            .setParameter("record", recordId)
            .setParameter("recipient", identity.institutionId().value())
            .getResultList()
            .stream()
            .filter(e -> e.getEnvelopeHash().equals(envelopeHash))
            .findFirst()
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.ENVELOPE_INVALID,
                        "no key envelope for record " + recordId + " matches the chain"));
    return DataKeyEnvelope.open(envelope.getEnvelope(), identity.agreementKey(), context);
  }

  @Override
  @RolesAllowed({"admin", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public ChainVerifier.Report verifyWithDocuments(String channelId) {
    ChainVerifier.Report chain = ledger.verify(channelId);
    if (!chain.ok()) {
      return chain;
    }
    FileBlobStore documents = documents();
    for (byte[] bytes : store.transactionsOfType(channelId, TransactionType.REGISTER.wireName())) {
      SignedTransaction tx = SignedTransaction.decode(bytes);
      String hash = (String) tx.transaction().body().get("contentHash");
      BlobEntity blob = em.find(BlobEntity.class, hash);
      if (blob == null || blob.getErasedAt() != null) {
        continue; // registered by another member, or erased: nothing stored here to check
      }
      if (!documents.exists(hash) || !documents.intact(hash)) {
        long[] at = store.locate(channelId, tx.idHex()).orElseThrow();
        return new ChainVerifier.Report(
            chain.blocksVerified(),
            chain.transactionsVerified(),
            new ChainVerifier.Failure(
                at[0],
                (int) at[1],
                Check.STORED_DOCUMENT,
                ErrorCode.BLOB_HASH_MISMATCH,
                "the stored ciphertext of record "
                    + tx.transaction().body().get("recordId")
                    + " is missing or no longer hashes to "
                    + hash));
      }
    }
    return chain;
  }

  private Map<String, Object> registration(String channelId, String recordId) {
    for (byte[] bytes : store.transactionsOfType(channelId, TransactionType.REGISTER.wireName())) {
      Map<String, Object> body = SignedTransaction.decode(bytes).transaction().body();
      if (recordId.equals(body.get("recordId"))) {
        return body;
      }
    }
    throw new CareLedgerException(
        ErrorCode.TX_UNKNOWN, "no record " + recordId + " is registered on channel " + channelId);
  }

  private static CareLedgerException erased(String recordId) {
    return new CareLedgerException(
        ErrorCode.RECORD_ERASED,
        "record " + recordId + " was erased: its content no longer exists");
  }

  static FileBlobStore documents() {
    return new FileBlobStore(NodeSettings.fromSystemProperties().home().resolve("documents"));
  }

  /** Binds a record's ciphertext and envelopes to it: they cannot be replayed for another. */
  static byte[] context(String channelId, String recordId) {
    return ("careledger record " + channelId + "/" + recordId + "/v1")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String title(String title) {
    if (title == null || title.isEmpty()) {
      return null;
    }
    if (title.length() > TITLE_MAX || title.chars().anyMatch(Character::isISOControl)) {
      throw new CareLedgerException(
          ErrorCode.RECORD_METADATA_INVALID,
          "a title is at most " + TITLE_MAX + " characters without control characters");
    }
    return title;
  }

  private static LocalDate date(String date) {
    if (date == null || date.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw new CareLedgerException(
          ErrorCode.RECORD_METADATA_INVALID, "documentDate is an ISO 8601 date such as 2026-11-23");
    }
  }

  private static void require(Pattern pattern, String value, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, what + " is missing or malformed");
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
