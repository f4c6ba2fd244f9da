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
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
import org.careledger.application.consensus.ConsensusService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.ChainVerifier.Check;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.offchain.DataKeyEnvelope;
import org.careledger.domain.offchain.DataKeys;
import org.careledger.domain.research.ExportKeys;
import org.careledger.domain.research.ResearchDataset;
import org.careledger.domain.research.ResearchExportEvent;
import org.careledger.domain.sharing.AccessLedger;
import org.careledger.domain.sharing.AmendmentPlan;
import org.careledger.domain.sharing.RecordRules;
import org.careledger.domain.sharing.ResearchConsent;
import org.careledger.infrastructure.offchain.FileBlobStore;
import org.careledger.persistence.offchain.BlobEntity;
import org.careledger.persistence.offchain.KeyEnvelopeEntity;
import org.careledger.persistence.sharing.RecordIndexEntity;
import org.careledger.persistence.sharing.RecordMetadataEntity;

/**
 * Registers and amends documents as one unit: the ciphertext file is written first (it cannot take
 * part in the JTA transaction), then its metadata, the key envelopes and the register or amend
 * transaction are committed together; if that transaction rolls back, the file is deleted again, so
 * a failed upload leaves neither ciphertext nor ledger entry.
 *
 * <p><b>Amendments</b> ({@link #amend}). Design choices, for the record:
 *
 * <ul>
 *   <li>Only the record's provider amends it: the institution whose node registered it holds the
 *       ciphertext, the keys and the clinical responsibility for the document. Another member's
 *       correction is a request to the provider, or a record of its own.
 *   <li>A version is a full document, not a patch: a fresh AES-256-GCM data key, its own
 *       content-addressed ciphertext, its own key envelopes, and its own key-derivation context
 *       ({@link #context(String, String, long)}), so no key or ciphertext of one version opens or
 *       passes for another. The previous versions stay stored and on the chain (nothing is
 *       overwritten); erasure destroys them all.
 *   <li>A grant is for the record, every version: the grantee of a grant in force keeps access to
 *       the new version. The new data key is wrapped for every such grantee in the same local
 *       transaction as the amendment, and the envelope hashes go on the chain in the amendment
 *       ({@code grantEnvelopes}, by grant transaction id), so the grantee checks its envelope
 *       against the chain exactly as for a grant, and a revoke destroys the envelopes of every
 *       version. Every member checks that the amendment carries all grants in force at its time
 *       ({@link RecordRules}).
 *   <li>Concurrency: every member refuses an amendment that does not follow the current version
 *       (two made from the same version: one commits, the other is refused with {@code
 *       RECORD_VERSION_CONFLICT} and leaves nothing behind), and the caller may name the version it
 *       amends ({@link Amendment#expectedVersion()}) to be refused rather than replace a version it
 *       never saw.
 * </ul>
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
  @EJB private ConsensusService consensus;

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
    byte[] context = context(channelId, recordId, 1L);
    SecretKey dataKey = DataKeys.generate();
    FileBlobStore documents = documents();
    FileBlobStore.Stored stored = documents.store(content, dataKey, context);
    boolean isNew = deleteUnlessCommitted(documents, stored.contentHash());
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

  /**
   * See {@link RecordService#amend} and the class comment. Checked here before a byte is stored
   * (and again by every member from its chain): the record is registered, this institution is its
   * provider, it is not erased, and it is still at the caller's expected version. A grantee without
   * a key-agreement certificate in the federation descriptor fails the amendment ({@code
   * FEDERATION_PEER_UNKNOWN}) rather than silently losing access.
   */
  @Override
  public Amended amend(
      String channelId, String recordId, Amendment amendment, InputStream content) {
    require(RECORD_ID, recordId, "recordId");
    if (amendment == null || content == null) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "an amendment needs a document");
    }
    require(MEDIA_TYPE, amendment.mediaType(), "media type");
    String title = title(amendment.title());
    LocalDate documentDate = date(amendment.documentDate());
    NodeIdentity identity = keys.identity();
    AmendmentPlan plan =
        AmendmentPlan.of(
            DefaultSharingService.recordView(store, channelId, recordId),
            channelId,
            recordId,
            identity.institutionId(),
            amendment.expectedVersion(),
            System.currentTimeMillis());
    // Each grantee's key resolved before any byte is stored.
    Map<AccessLedger.Grant, PublicKey> recipients = new LinkedHashMap<>();
    for (AccessLedger.Grant grant : plan.carried()) {
      recipients.put(grant, agreementKey(grant.grantee().value()));
    }
    byte[] context = context(channelId, recordId, plan.version());
    SecretKey dataKey = DataKeys.generate();
    FileBlobStore documents = documents();
    FileBlobStore.Stored stored = documents.store(content, dataKey, context);
    boolean isNew = deleteUnlessCommitted(documents, stored.contentHash());
    Instant at = Instant.now();
    String envelopeHash =
        keepEnvelope(
            recordId,
            identity.institutionId().value(),
            DataKeyEnvelope.seal(dataKey, identity.agreementCertificate().getPublicKey(), context),
            at);
    Map<String, String> grantEnvelopes = new LinkedHashMap<>();
    List<String> grantees = new ArrayList<>();
    recipients.forEach(
        (grant, recipient) -> {
          grantEnvelopes.put(
              grant.txId(),
              keepEnvelope(
                  recordId,
                  grant.grantee().value(),
                  DataKeyEnvelope.seal(dataKey, recipient, context),
                  at));
          if (!grantees.contains(grant.grantee().value())) {
            grantees.add(grant.grantee().value());
          }
        });
    if (isNew) {
      em.persist(new BlobEntity(stored.contentHash(), stored.ciphertextSize(), at));
    }
    RecordMetadataEntity local =
        em.find(RecordMetadataEntity.class, new RecordMetadataEntity.Key(channelId, recordId));
    if (local != null) {
      local.amend(title, documentDate);
    }
    Map<String, Object> body =
        plan.body(
            stored.contentHash(),
            stored.ciphertextSize(),
            amendment.mediaType(),
            envelopeHash,
            grantEnvelopes);
    LedgerService.Committed committed = ledger.submit(channelId, "amend", body);
    return new Amended(
        channelId,
        recordId,
        plan.version(),
        plan.current().version(),
        stored.contentHash(),
        stored.ciphertextSize(),
        amendment.mediaType(),
        List.copyOf(grantees),
        committed.txId(),
        committed.height());
  }

  /** Keeps a key envelope at this node; returns its SHA-256, which goes on the chain. */
  private String keepEnvelope(String recordId, String recipient, byte[] envelope, Instant at) {
    String hash = sha256(envelope);
    em.persist(new KeyEnvelopeEntity(hash, recordId, recipient, envelope, at));
    return hash;
  }

  private PublicKey agreementKey(String institution) {
    return consensus
        .agreementCertificate(institution)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.FEDERATION_PEER_UNKNOWN,
                    "the federation descriptor names no key-agreement certificate for "
                        + institution
                        + ", who holds a grant in force: the new version cannot be wrapped for"
                        + " it"))
        .getPublicKey();
  }

  /**
   * Deletes the just-written ciphertext again unless the current transaction commits; returns
   * whether the file is new (a file that was there before is never deleted here).
   */
  private boolean deleteUnlessCommitted(FileBlobStore documents, String contentHash) {
    boolean isNew = em.find(BlobEntity.class, contentHash) == null;
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED && isNew) {
              documents.erase(contentHash);
            }
          }
        });
    return isNew;
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
    // One row per record: that of its current version (an amendment's row repeats the pseudonym,
    // class and registration time, so the filters match every version alike).
    StringBuilder jpql =
        new StringBuilder(
            "select r from RecordIndexEntity r where r.channelId = :channel"
                + " and r.version = (select max(v.version) from RecordIndexEntity v"
                + " where v.channelId = r.channelId and v.recordId = r.recordId)");
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
    if (query.recordId() != null) {
      jpql.append(" and r.recordId = :record");
      parameters.put("record", query.recordId());
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
    AccessLedger versions = versions(channelId);
    AccessLedger.Registration current =
        versions.record(recordId).orElseThrow(() -> unknownRecord(channelId, recordId));
    String contentHash = current.contentHash();
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
    // Every version goes: the erase names the current one, and the record as a whole is erased.
    List<String> contentHashes = new ArrayList<>();
    for (AccessLedger.Registration version : versions.versions(recordId)) {
      BlobEntity stored = em.find(BlobEntity.class, version.contentHash());
      if (stored != null && stored.getErasedAt() == null) {
        stored.markErased(Instant.now());
        contentHashes.add(version.contentHash());
      }
    }
    FileBlobStore documents = documents();
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              contentHashes.forEach(documents::erase);
            }
          }
        });
    return committed.txId();
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  @RolesAllowed({"admin", "clinician", "his-system", "auditor"})
  public List<SignedVersion> signedVersions(String channelId, String recordId) {
    if (!store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
    List<SignedVersion> versions = new ArrayList<>();
    for (LedgerStore.TimedTransaction timed :
        store.transactionsOfTypes(
            channelId,
            List.of(TransactionType.REGISTER.wireName(), TransactionType.AMEND.wireName()))) {
      SignedTransaction signed = SignedTransaction.decode(timed.bytes());
      Map<String, Object> body = signed.transaction().body();
      if (!recordId.equals(body.get("recordId"))) {
        continue;
      }
      long version = body.get("version") instanceof Number n ? n.longValue() : 1L;
      boolean first = signed.transaction().type() == TransactionType.REGISTER;
      if (first ? !versions.isEmpty() : versions.isEmpty()) {
        continue; // a second register of the id, or an amend without a record: not this record's
      }
      versions.add(
          new SignedVersion(
              recordId,
              version,
              signed.transaction().author().value(),
              signed.idHex(),
              timed.height(),
              Instant.ofEpochMilli(timed.blockTime()),
              signed.signature(),
              signed.transaction().canonicalBytes()));
    }
    return versions;
  }

  /** Plaintext larger than this is not read into a research export (counted as skipped). */
  static final long RESEARCH_DOCUMENT_MAX = 64L << 20;

  @Override
  @RolesAllowed("researcher")
  public ResearchExport researchExport(String channelId, String documentClass, Integer requestedK) {
    if (documentClass == null || !LOINC.matcher(documentClass).matches()) {
      throw new CareLedgerException(
          ErrorCode.RESEARCH_EXPORT_INVALID, "documentClass (a LOINC code such as 11502-2)");
    }
    int minK = Integer.getInteger(RESEARCH_MIN_K, 5);
    int k = requestedK == null ? minK : requestedK;
    if (k < minK || k < 2) {
      throw new CareLedgerException(
          ErrorCode.RESEARCH_EXPORT_INVALID,
          "k must be at least this node's minimum " + Math.max(minK, 2) + ", asked " + k);
    }
    if (!store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
    List<Map<String, Object>> consents = new ArrayList<>();
    for (byte[] bytes : store.transactionsOfType(channelId, TransactionType.CONSENT.wireName())) {
      consents.add(SignedTransaction.decode(bytes).transaction().body());
    }
    java.util.Set<String> consenting = ResearchConsent.consenting(consents);
    java.util.Set<String> erased = new java.util.HashSet<>();
    for (byte[] bytes : store.transactionsOfType(channelId, TransactionType.ERASE.wireName())) {
      erased.add(
          String.valueOf(SignedTransaction.decode(bytes).transaction().body().get("recordId")));
    }
    String self = keys.identity().institutionId().value();
    List<RecordIndexEntity> rows =
        em.createQuery(
                "select r from RecordIndexEntity r where r.channelId = :channel"
                    + " and r.provider = :self and r.documentClass = :class"
                    + " and r.version = (select max(v.version) from RecordIndexEntity v"
                    + " where v.channelId = r.channelId and v.recordId = r.recordId)"
                    + " order by r.height, r.recordId",
                RecordIndexEntity.class)
            .setParameter("channel", channelId)
            .setParameter("self", self)
            .setParameter("class", documentClass)
            .getResultList();
    List<ResearchDataset.Input> inputs = new ArrayList<>();
    for (RecordIndexEntity row : rows) {
      if (erased.contains(row.getRecordId()) || !consenting.contains(row.getPseudonym())) {
        continue;
      }
      byte[] content = new byte[0]; // not decrypted unless it can be de-identified
      if (ResearchDataset.isFhirJson(row.getMediaType())
          && row.getSize() <= RESEARCH_DOCUMENT_MAX) {
        try (InputStream in = read(channelId, row.getRecordId())) {
          content = in.readAllBytes();
        } catch (java.io.IOException e) {
          throw new CareLedgerException(
              ErrorCode.BLOB_NOT_FOUND, "record " + row.getRecordId() + " cannot be read", e);
        }
      }
      inputs.add(
          new ResearchDataset.Input(
              row.getPseudonym(), row.getRecordId(), row.getMediaType(), content));
    }
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    ResearchDataset.Dataset dataset;
    try {
      dataset =
          ResearchDataset.build(
              inputs, ExportKeys.of(secret), k, LocalDate.now(java.time.ZoneOffset.UTC));
    } finally {
      java.util.Arrays.fill(secret, (byte) 0); // pseudonyms and shifts of this export only
    }
    String exportId = UUID.randomUUID().toString();
    List<String> txIds = new ArrayList<>();
    long height = 0;
    for (Map<String, Object> body :
        ResearchExportEvent.bodies(
            exportId,
            documentClass,
            k,
            dataset.includedPatients(),
            dataset.recordsIncluded(),
            dataset.sha256Hex())) {
      LedgerService.Committed committed = ledger.submit(channelId, "research-export", body);
      txIds.add(committed.txId());
      height = committed.height();
    }
    return new ResearchExport(
        exportId,
        List.copyOf(txIds),
        height,
        documentClass,
        k,
        dataset.recordsIncluded(),
        dataset.recordsSkipped(),
        dataset.patients(),
        dataset.smallestGroup(),
        dataset.sha256Hex(),
        dataset.bundleJson());
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public InputStream read(String channelId, String recordId) {
    AccessLedger.Registration current =
        versions(channelId).record(recordId).orElseThrow(() -> unknownRecord(channelId, recordId));
    String contentHash = current.contentHash();
    BlobEntity blob = em.find(BlobEntity.class, contentHash);
    if (blob != null && blob.getErasedAt() != null) {
      throw erased(recordId);
    }
    byte[] context = context(channelId, recordId, current.version());
    SecretKey dataKey = ownDataKey(em, keys.identity(), recordId, current.envelopeHash(), context);
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
    return verifyWithDocuments(channelId, done -> {});
  }

  @Override
  @RolesAllowed({"admin", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public ChainVerifier.Report verifyWithDocuments(
      String channelId, java.util.function.LongConsumer progress) {
    ChainVerifier.Report chain = ledger.verify(channelId, progress);
    if (!chain.ok()) {
      return chain;
    }
    FileBlobStore documents = documents();
    List<byte[]> versions =
        new ArrayList<>(store.transactionsOfType(channelId, TransactionType.REGISTER.wireName()));
    versions.addAll(store.transactionsOfType(channelId, TransactionType.AMEND.wireName()));
    for (byte[] bytes : versions) {
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

  /** The channel's records and their versions, as its register, amend and erase say. */
  private AccessLedger versions(String channelId) {
    List<SignedTransaction> txs = new ArrayList<>();
    for (TransactionType type :
        List.of(TransactionType.REGISTER, TransactionType.AMEND, TransactionType.ERASE)) {
      for (byte[] bytes : store.transactionsOfType(channelId, type.wireName())) {
        txs.add(SignedTransaction.decode(bytes));
      }
    }
    return AccessLedger.of(txs);
  }

  private static CareLedgerException unknownRecord(String channelId, String recordId) {
    return new CareLedgerException(
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

  /**
   * Binds a version's ciphertext and envelopes to it: they cannot be replayed for another record or
   * another version. Version 1 keeps the context records had before amendments existed (so
   * documents stored then still open); a later version appends its number ({@code /version/2}; a
   * record id holds no {@code /}, so no two contexts are equal).
   */
  static byte[] context(String channelId, String recordId, long version) {
    String context = "careledger record " + channelId + "/" + recordId + "/v1";
    return (version == 1 ? context : context + "/version/" + version)
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
