package org.careledger.application.internal;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
import org.careledger.application.RecordService;
import org.careledger.application.SharingService;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.offchain.DataKeyEnvelope;
import org.careledger.domain.sharing.AccessLedger;
import org.careledger.domain.sharing.RecordRules;
import org.careledger.domain.sharing.SharingRefs;
import org.careledger.persistence.offchain.KeyEnvelopeEntity;

/**
 * Requests, grants, denials, revocations and retrievals (see {@link SharingService}). Each check
 * reads the channel's committed transactions through {@link AccessLedger}, so this node decides
 * exactly as the chain says; the provider's node checks again before it serves a byte ({@link
 * DocumentTransfers}).
 *
 * <p><b>Class requests.</b> {@link #requestClass} puts the channel's pseudonym of the patient on
 * the chain, never the id the caller gave (which this node does not keep either), with the LOINC
 * class and the provider asked; it checks that the provider is another member of the channel, but
 * not whether it holds such records (the chain may not show them yet, and the provider answers).
 * {@link #grant} of a class request commits one grant per record the provider holds for that
 * pseudonym and class, not erased, at the time of the grant, ordered by record id, each prepared
 * exactly as a record grant (its own envelope for the current version, the same expiry): every
 * grant on the chain stays tied to one record and one envelope, so revoke, expiry, erasure,
 * amendments and retrieval need no change, and an auditor reads each record's grant as for a record
 * request. Records registered later are not covered; the requester asks again. All the grants share
 * class, purpose, grantee and patient, so the channel's policy allows all or none: a refusal comes
 * at the first and nothing is committed. The envelopes are kept in this method's transaction, as
 * for a record grant: should a later grant of the series fail after an earlier one committed, the
 * whole transaction rolls back and the committed grants have no envelope at the provider, which
 * then refuses to serve under them (fail closed; the provider revokes them and the requester asks
 * again).
 *
 * <p>Retrieval runs outside any JTA transaction ({@code NOT_SUPPORTED}): it waits for a transfer
 * across the federation (at most {@value #RETRIEVE_WAIT_PROPERTY} seconds, 120 by default) and
 * commits its access or refusal transaction on its own, so a refusal is logged even though the
 * caller then receives an error.
 */
@Stateless
@RolesAllowed({"admin", "clinician", "his-system"})
public class DefaultSharingService implements SharingService {

  /** System property: seconds a retrieval waits for the provider's node (default 120). */
  public static final String RETRIEVE_WAIT_PROPERTY = "careledger.retrieve.wait.seconds";

  private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern REQUEST_ID = Pattern.compile("[0-9a-f-]{36}");
  private static final Pattern TX_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern REASON = Pattern.compile("[a-z0-9-]{1,40}");

  /** A LOINC code, of the form the register path accepts ({@code DefaultRecordService}). */
  private static final Pattern LOINC = Pattern.compile("[0-9]{1,8}-[0-9]");

  /** What an auditor's query covers: every transaction of the sharing flows. */
  private static final List<TransactionType> AUDITED =
      List.of(
          TransactionType.REGISTER,
          TransactionType.AMEND,
          TransactionType.REQUEST,
          TransactionType.GRANT,
          TransactionType.DENY,
          TransactionType.REVOKE,
          TransactionType.ACCESS_LOGGED,
          TransactionType.ACCESS_REFUSED,
          TransactionType.BREAK_GLASS,
          TransactionType.ERASE);

  @EJB private LedgerService ledger;
  @EJB private LedgerStore store;
  @EJB private NodeKeys keys;
  @EJB private RecordService records;
  @EJB private ConsensusService consensus;
  @EJB private DocumentTransfers transfers;
  @EJB private org.careledger.application.PatientIdentities identities;

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  /** Throws CHANNEL_UNKNOWN unless this node holds the channel. */
  private static void requireChannel(LedgerStore store, String channelId) {
    if (!store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
  }

  /** Who may read what on the channel, as its committed transactions say. */
  static AccessLedger accessLedger(LedgerStore store, String channelId) {
    requireChannel(store, channelId);
    return AccessLedger.of(sharingTransactions(store, channelId));
  }

  /**
   * The view of one record ({@link SharingRefs#forRecord}: its own transactions, not the whole
   * channel's), which answers for that record exactly as {@link #accessLedger} does.
   */
  static AccessLedger recordView(LedgerStore store, String channelId, String recordId) {
    requireChannel(store, channelId);
    return AccessLedger.of(recordTransactions(store, channelId, recordId));
  }

  /**
   * The committed transactions the view of {@code recordId} depends on, in chain order: read
   * through the index of sharing references, or all of the channel's while a node has not yet
   * indexed the chain it held before migration V8 (it does so at start).
   */
  static List<SignedTransaction> recordTransactions(
      LedgerStore store, String channelId, String recordId) {
    if (!store.sharingRefsComplete(channelId)) {
      return sharingTransactions(store, channelId);
    }
    return indexedRecordTransactions(store, channelId, recordId);
  }

  /** {@link #recordTransactions} once the channel is known to exist and to be fully indexed. */
  private static List<SignedTransaction> indexedRecordTransactions(
      LedgerStore store, String channelId, String recordId) {
    return SharingRefs.transactionsForRecord(
        recordId, keys -> store.sharingTransactionsReferring(channelId, keys));
  }

  /**
   * The view the listings of requests and break-glass accesses read ({@link
   * SharingRefs#forListings}): every request and break-glass transaction of the channel, by type,
   * and the transactions of the records they name, not every registration of the channel; the whole
   * channel while the node has not yet indexed a chain from before V8.
   */
  static AccessLedger listingView(LedgerStore store, String channelId) {
    requireChannel(store, channelId);
    if (!store.sharingRefsComplete(channelId)) {
      return AccessLedger.of(sharingTransactions(store, channelId));
    }
    return AccessLedger.of(
        SharingRefs.forListings(
            decoded(store.transactionsOfType(channelId, TransactionType.REQUEST.wireName())),
            decoded(store.transactionsOfType(channelId, TransactionType.BREAK_GLASS.wireName())),
            keys -> store.sharingTransactionsReferring(channelId, keys)));
  }

  private static List<SignedTransaction> decoded(List<byte[]> encoded) {
    List<SignedTransaction> txs = new ArrayList<>(encoded.size());
    for (byte[] bytes : encoded) {
      txs.add(SignedTransaction.decode(bytes));
    }
    return txs;
  }

  /**
   * The view for deciding on a request: its record's view ({@link #recordView}) for a record's
   * request, the whole channel's for a class request (it covers every record of its patient and
   * class), an empty one for a request the chain does not hold (yet).
   */
  static AccessLedger requestView(LedgerStore store, String channelId, String requestId) {
    if (store.channelExists(channelId, false) && store.sharingRefsComplete(channelId)) {
      boolean classRequest = false;
      for (SharingRefs.Located found :
          store.sharingTransactionsReferring(channelId, List.of(SharingRefs.request(requestId)))) {
        Transaction t = found.tx().transaction();
        if (t.type() == TransactionType.REQUEST
            && String.valueOf(t.body().get("requestId")).equals(requestId)) {
          // The first request with the id counts (AccessLedger), and these are in chain order.
          if ("class".equals(t.body().get("scope"))) {
            classRequest = true;
            break;
          }
          return AccessLedger.of(
              indexedRecordTransactions(
                  store, channelId, String.valueOf(t.body().get("recordId"))));
        }
      }
      if (!classRequest) {
        // Not on this chain (yet): a view without it, not a read of the whole channel.
        return AccessLedger.of(List.of());
      }
    }
    return accessLedger(store, channelId);
  }

  /** The view for a grant's revocation: the view of the record it grants. */
  static AccessLedger grantView(LedgerStore store, String channelId, String grantTx) {
    if (store.channelExists(channelId, false) && store.sharingRefsComplete(channelId)) {
      for (SharingRefs.Located found :
          store.sharingTransactionsReferring(channelId, List.of(SharingRefs.grant(grantTx)))) {
        if (found.tx().transaction().type() == TransactionType.GRANT
            && found.tx().idHex().equals(grantTx)) {
          return AccessLedger.of(
              indexedRecordTransactions(
                  store,
                  channelId,
                  String.valueOf(found.tx().transaction().body().get("recordId"))));
        }
      }
      return AccessLedger.of(List.of()); // no such grant on the chain: a view without it
    }
    return accessLedger(store, channelId);
  }

  /**
   * The channel's committed transactions that {@link AccessLedger} and {@link RecordRules} read, in
   * chain order per type.
   */
  static List<SignedTransaction> sharingTransactions(LedgerStore store, String channelId) {
    List<SignedTransaction> txs = new ArrayList<>();
    for (TransactionType type : RecordRules.CHAIN_TYPES) {
      txs.addAll(decoded(store.transactionsOfType(channelId, type.wireName())));
    }
    return txs;
  }

  @Override
  public Requested request(String channelId, String recordId, String purpose) {
    require(RECORD_ID, recordId, "recordId");
    requirePurpose(purpose);
    AccessLedger access = recordView(store, channelId, recordId);
    AccessLedger.Registration record = registered(access, channelId, recordId);
    if (record.provider().equals(self())) {
      throw new CareLedgerException(
          ErrorCode.REQUEST_FOR_OWN_RECORD,
          "record " + recordId + " is this institution's own: read it directly");
    }
    String requestId = UUID.randomUUID().toString();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", requestId);
    body.put("scope", "record");
    body.put("recordId", recordId);
    body.put("provider", record.provider().value());
    body.put("purpose", purpose);
    LedgerService.Committed committed = ledger.submit(channelId, "request", body);
    return new Requested(
        requestId, recordId, record.provider().value(), committed.txId(), committed.height());
  }

  @Override
  public Requested requestClass(
      String channelId, String patientId, String documentClass, String provider, String purpose) {
    require(LOINC, documentClass, "documentClass (a LOINC code such as 11502-2)");
    requirePurpose(purpose);
    if (provider == null || provider.isBlank()) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "provider is missing");
    }
    // The channel's genesis names its members; an unknown channel is refused here (CL-1170).
    boolean member =
        ledger.channel(channelId).members().stream()
            .anyMatch(m -> m.institution().equals(provider));
    if (!member) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED,
          "provider " + provider + " is not a member of channel " + channelId);
    }
    if (provider.equals(self().value())) {
      throw new CareLedgerException(
          ErrorCode.REQUEST_FOR_OWN_RECORD,
          provider + " is this institution: it reads its own records directly");
    }
    String pseudonym = identities.pseudonymOf(channelId, patientId);
    String requestId = UUID.randomUUID().toString();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", requestId);
    body.put("scope", "class");
    body.put("patient", pseudonym);
    body.put("documentClass", documentClass);
    body.put("provider", provider);
    body.put("purpose", purpose);
    LedgerService.Committed committed = ledger.submit(channelId, "request", body);
    return new Requested(
        requestId, null, provider, committed.txId(), committed.height(), documentClass);
  }

  private static void requirePurpose(String purpose) {
    if (purpose == null || !PURPOSES.contains(purpose)) {
      throw new CareLedgerException(
          ErrorCode.PURPOSE_INVALID, "purpose must be one of " + String.join(", ", PURPOSES));
    }
  }

  @Override
  @RolesAllowed({"admin", "clinician", "his-system", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<RequestView> requests(String channelId, boolean openOnly) {
    AccessLedger access = listingView(store, channelId);
    InstitutionId self = self();
    List<RequestView> views = new ArrayList<>();
    for (AccessLedger.RequestView request : access.requests()) {
      boolean classScope = request.scope() == AccessLedger.Scope.CLASS;
      InstitutionId provider =
          classScope
              ? request.provider()
              : access
                  .record(request.recordId())
                  .map(AccessLedger.Registration::provider)
                  .orElse(null);
      boolean mine = request.requester().equals(self) || self.equals(provider);
      if (!mine || (openOnly && request.status() != AccessLedger.Status.OPEN)) {
        continue;
      }
      views.add(
          new RequestView(
              request.requestId(),
              request.recordId(),
              request.requester().value(),
              provider == null ? null : provider.value(),
              request.purpose(),
              request.status().name().toLowerCase(),
              request.txId(),
              Instant.ofEpochMilli(request.time()),
              request.decisionTx(),
              classScope ? "class" : "record",
              request.documentClass()));
    }
    views.sort(
        Comparator.comparing(RequestView::requestedAt)
            .reversed()
            .thenComparing(RequestView::requestId));
    return views;
  }

  @Override
  @RolesAllowed({"admin", "clinician"})
  public Decision grant(String channelId, String requestId, Instant expiresAt) {
    AccessLedger access = requestView(store, channelId, requestId);
    AccessLedger.RequestView request = openRequestOfMine(access, channelId, requestId);
    if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "expiresAt must be in the future");
    }
    if (request.scope() == AccessLedger.Scope.CLASS) {
      return grantClass(channelId, access, request, expiresAt);
    }
    AccessLedger.Registration record = access.record(request.recordId()).orElseThrow();
    requireEnvelope(record);
    Map<String, Object> body =
        grantBody(channelId, request, record, recipient(request.requester()), expiresAt);
    LedgerService.Committed committed = ledger.submit(channelId, "grant", body);
    return new Decision(
        requestId,
        record.recordId(),
        request.requester().value(),
        committed.txId(),
        committed.height());
  }

  /**
   * Grants a class request addressed to this node: one grant per record it provides for the
   * request's pseudonym and class, not erased, as the chain stands (see the class comment).
   */
  private Decision grantClass(
      String channelId, AccessLedger access, AccessLedger.RequestView request, Instant expiresAt) {
    List<AccessLedger.Registration> covered = new ArrayList<>(access.recordsCoveredBy(request));
    covered.removeIf(r -> !r.provider().equals(self()));
    covered.sort(Comparator.comparing(AccessLedger.Registration::recordId));
    if (covered.isEmpty()) {
      throw new CareLedgerException(
          ErrorCode.CLASS_REQUEST_NO_RECORDS,
          self()
              + " provides no record of class "
              + request.documentClass()
              + " for the patient of request "
              + request.requestId()
              + " on channel "
              + channelId
              + " (none registered, or all erased): deny the request instead");
    }
    covered.forEach(DefaultSharingService::requireEnvelope);
    X509Certificate recipient = recipient(request.requester());
    List<Map<String, Object>> bodies = new ArrayList<>();
    for (AccessLedger.Registration record : covered) {
      bodies.add(grantBody(channelId, request, record, recipient, expiresAt));
    }
    List<RecordGrant> made = new ArrayList<>();
    for (Map<String, Object> body : bodies) {
      LedgerService.Committed committed = ledger.submit(channelId, "grant", body);
      made.add(
          new RecordGrant((String) body.get("recordId"), committed.txId(), committed.height()));
    }
    RecordGrant first = made.get(0);
    return new Decision(
        request.requestId(),
        first.recordId(),
        request.requester().value(),
        first.txId(),
        first.height(),
        List.copyOf(made));
  }

  private static void requireEnvelope(AccessLedger.Registration record) {
    if (record.envelopeHash() == null) {
      throw new CareLedgerException(
          ErrorCode.ENVELOPE_INVALID, "record " + record.recordId() + " names no key envelope");
    }
  }

  /** The grantee's X25519 certificate from the federation descriptor. */
  private X509Certificate recipient(InstitutionId grantee) {
    return consensus
        .agreementCertificate(grantee.value())
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.FEDERATION_PEER_UNKNOWN,
                    "the federation descriptor names no key-agreement certificate for " + grantee));
  }

  /**
   * Wraps the data key of {@code record}'s current version for the requester, keeps the envelope
   * with the ciphertext (in the caller's transaction) and returns the grant's body.
   */
  private Map<String, Object> grantBody(
      String channelId,
      AccessLedger.RequestView request,
      AccessLedger.Registration record,
      X509Certificate recipient,
      Instant expiresAt) {
    String grantee = request.requester().value();
    // The envelope wraps the data key of the record's current version, and the grant says which
    // (every member refuses it if another version became current meanwhile); later versions get
    // their envelopes from the amendments that make them.
    byte[] context = DefaultRecordService.context(channelId, record.recordId(), record.version());
    NodeIdentity identity = keys.identity();
    SecretKey dataKey =
        DefaultRecordService.ownDataKey(
            em, identity, record.recordId(), record.envelopeHash(), context);
    byte[] envelope = DataKeyEnvelope.seal(dataKey, recipient.getPublicKey(), context);
    String envelopeHash = sha256(envelope);
    em.persist(
        new KeyEnvelopeEntity(envelopeHash, record.recordId(), grantee, envelope, Instant.now()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", request.requestId());
    body.put("recordId", record.recordId());
    body.put("grantee", grantee);
    body.put("envelopeHash", envelopeHash);
    body.put("version", record.version());
    body.put("purpose", request.purpose());
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt.toEpochMilli());
    }
    return body;
  }

  @Override
  @RolesAllowed({"admin", "clinician"})
  public Decision consent(String channelId, String patientId, String grantee, String decision) {
    Map<String, Object> body =
        consentBody(store, consensus, identities, channelId, patientId, grantee, decision, "staff");
    LedgerService.Committed committed = ledger.submit(channelId, "consent", body);
    return new Decision(null, null, grantee, committed.txId(), committed.height());
  }

  /**
   * The body of a consent transaction, checked: {@code decision} is permit or withdraw, {@code
   * grantee} a member of the federation or {@link
   * org.careledger.domain.sharing.ResearchConsent#SCOPE} (consent to research use), the patient
   * only as the channel's pseudonym; {@code via} says who gave it to this node ({@code staff}
   * recorded it, or the {@code patient} did).
   */
  static Map<String, Object> consentBody(
      LedgerStore store,
      ConsensusService consensus,
      org.careledger.application.PatientIdentities identities,
      String channelId,
      String patientId,
      String grantee,
      String decision,
      String via) {
    if (!"permit".equals(decision) && !"withdraw".equals(decision)) {
      throw new CareLedgerException(ErrorCode.CONSENT_INVALID, "decision is permit or withdraw");
    }
    boolean research = org.careledger.domain.sharing.ResearchConsent.SCOPE.equals(grantee);
    if (grantee == null || (!research && consensus.agreementCertificate(grantee).isEmpty())) {
      throw new CareLedgerException(
          ErrorCode.CONSENT_INVALID, "grantee must be a member of the federation: " + grantee);
    }
    requireChannel(store, channelId);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("patient", identities.pseudonymOf(channelId, patientId));
    body.put("scope", grantee);
    body.put("decision", decision);
    body.put("via", via);
    return body;
  }

  @Override
  @RolesAllowed({"admin", "clinician", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<ConsentView> consents(String channelId, String patientId) {
    requireChannel(store, channelId);
    String pseudonym = identities.pseudonymOf(channelId, patientId);
    List<ConsentView> views = new ArrayList<>();
    for (LedgerStore.TimedTransaction timed :
        store.transactionsOfTypes(channelId, List.of(TransactionType.CONSENT.wireName()))) {
      SignedTransaction signed = SignedTransaction.decode(timed.bytes());
      Map<String, Object> body = signed.transaction().body();
      if (pseudonym.equals(body.get("patient"))) {
        views.add(
            new ConsentView(
                pseudonym,
                String.valueOf(body.get("scope")),
                String.valueOf(body.get("decision")),
                body.get("via") instanceof String via ? via : "staff",
                signed.transaction().author().value(),
                signed.idHex(),
                timed.height(),
                Instant.ofEpochMilli(timed.blockTime())));
      }
    }
    return views;
  }

  @Override
  @RolesAllowed({"admin", "clinician"})
  public Decision deny(String channelId, String requestId, String reasonCode) {
    require(REASON, reasonCode, "reasonCode (e.g. not-involved-in-care)");
    AccessLedger access = requestView(store, channelId, requestId);
    AccessLedger.RequestView request = openRequestOfMine(access, channelId, requestId);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", requestId);
    if (request.recordId() != null) {
      body.put("recordId", request.recordId()); // a class request names no record: one deny
    }
    body.put("reasonCode", reasonCode);
    LedgerService.Committed committed = ledger.submit(channelId, "deny", body);
    return new Decision(
        requestId,
        request.recordId(),
        request.requester().value(),
        committed.txId(),
        committed.height());
  }

  @Override
  @RolesAllowed({"admin", "clinician"})
  public Decision revoke(String channelId, String grantTx) {
    require(TX_ID, grantTx, "grantTx (64 hex digits)");
    AccessLedger access = grantView(store, channelId, grantTx);
    AccessLedger.Grant grant =
        access
            .grant(grantTx)
            .filter(g -> !g.revoked())
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.GRANT_UNKNOWN,
                        "no grant " + grantTx + " in force on channel " + channelId));
    if (!grant.grantor().equals(self())) {
      throw new CareLedgerException(
          ErrorCode.NOT_RECORD_PROVIDER, "only " + grant.grantor() + " may revoke this grant");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("grantTx", grantTx);
    body.put("recordId", grant.recordId());
    body.put("grantee", grant.grantee().value());
    LedgerService.Committed committed = ledger.submit(channelId, "revoke", body);
    // The grantee's envelopes go too, of every version the grant reached: even a stale view of the
    // chain cannot make this node serve the document under the revoked grant again.
    em.createQuery("delete from KeyEnvelopeEntity e where e.envelopeHash in :hashes")
        .setParameter("hashes", access.envelopesOf(grant))
        .executeUpdate();
    return new Decision(
        grant.requestId(),
        grant.recordId(),
        grant.grantee().value(),
        committed.txId(),
        committed.height());
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public Retrieved retrieve(String channelId, String recordId) {
    AccessLedger access = recordView(store, channelId, recordId);
    AccessLedger.Registration record = readable(access, channelId, recordId);
    InstitutionId self = self();
    if (record.provider().equals(self)) {
      InputStream plaintext = records.read(channelId, recordId);
      String accessTx = logAccess(channelId, record, "provider", record.txId());
      return new Retrieved(plaintext, accessTx, self.value());
    }
    AccessLedger.Grant grant =
        access.grantInForce(recordId, self, System.currentTimeMillis()).orElse(null);
    if (grant == null) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("recordId", recordId);
      body.put("accessor", self.value());
      body.put("reasonCode", "no-grant-in-force");
      String refusalTx = ledger.submit(channelId, "access-refused", body).txId();
      throw new CareLedgerException(
          ErrorCode.ACCESS_DENIED,
          self
              + " holds no grant in force for record "
              + recordId
              + " (the refusal is logged on the chain as "
              + refusalTx
              + ")");
    }
    return fetchAndOpen(
        channelId,
        record,
        grant.txId(),
        AccessLedger.envelopeFor(grant, record).orElseThrow(),
        "grant");
  }

  @Override
  @RolesAllowed({"admin", "clinician"})
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public Retrieved breakGlass(String channelId, String recordId, String reasonCode) {
    require(REASON, reasonCode, "reasonCode (mandatory, e.g. unconscious-patient)");
    AccessLedger access = recordView(store, channelId, recordId);
    AccessLedger.Registration record = readable(access, channelId, recordId);
    if (record.provider().equals(self())) {
      throw new CareLedgerException(
          ErrorCode.REQUEST_FOR_OWN_RECORD,
          "record " + recordId + " is this institution's own: read it directly");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", recordId);
    body.put("accessor", self().value());
    body.put("reasonCode", reasonCode);
    String breakGlassTx = ledger.submit(channelId, "break-glass", body).txId();
    return fetchAndOpen(channelId, record, breakGlassTx, null, "break-glass");
  }

  /**
   * Fetches the record's current version (as this node's chain says) from its provider under {@code
   * basisTx}, checks the key envelope against {@code envelopeHash} where the chain names one (the
   * grant's own for the version it was made at, the amendment's for a later one), logs the access
   * with the version read, and hands out the plaintext (whose stream checks the content hash first
   * and authenticates every chunk). Where the provider has moved on to a version this node's chain
   * does not hold yet, or not yet to one it holds, the hashes differ and the transfer fails ({@code
   * TRANSFER_FAILED}); a retry once both chains hold the same version succeeds.
   */
  private Retrieved fetchAndOpen(
      String channelId,
      AccessLedger.Registration record,
      String basisTx,
      String envelopeHash,
      String basis) {
    String recordId = record.recordId();
    DocumentTransfers.Fetched fetched = transfers.fetch(channelId, record, basisTx, retrieveWait());
    try {
      if (fetched.envelope() == null
          || (envelopeHash != null && !sha256(fetched.envelope()).equals(envelopeHash))) {
        throw new CareLedgerException(
            ErrorCode.TRANSFER_FAILED,
            "the key envelope from " + record.provider() + " is not the one the grant names");
      }
      byte[] context = DefaultRecordService.context(channelId, recordId, record.version());
      SecretKey dataKey =
          DataKeyEnvelope.open(fetched.envelope(), keys.identity().agreementKey(), context);
      InputStream plaintext = fetched.store().open(record.contentHash(), dataKey, context);
      String accessTx;
      try {
        accessTx = logAccess(channelId, record, basis, basisTx);
      } catch (RuntimeException e) {
        closeQuietly(plaintext);
        throw e;
      }
      InputStream owned =
          new FilterInputStream(plaintext) {
            @Override
            public void close() throws IOException {
              try {
                super.close();
              } finally {
                DocumentTransfers.discard(fetched.directory());
              }
            }
          };
      return new Retrieved(owned, accessTx, record.provider().value());
    } catch (RuntimeException e) {
      DocumentTransfers.discard(fetched.directory());
      throw e;
    }
  }

  @Override
  @RolesAllowed({"admin", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<AccessEvent> accesses(String channelId, String recordId) {
    require(RECORD_ID, recordId, "recordId");
    registered(recordView(store, channelId, recordId), channelId, recordId);
    List<AccessEvent> events = new ArrayList<>();
    for (TransactionType type :
        List.of(
            TransactionType.ACCESS_LOGGED,
            TransactionType.ACCESS_REFUSED,
            TransactionType.BREAK_GLASS)) {
      for (byte[] bytes : store.transactionsOfType(channelId, type.wireName())) {
        SignedTransaction signed = SignedTransaction.decode(bytes);
        Transaction tx = signed.transaction();
        if (!recordId.equals(tx.body().get("recordId"))) {
          continue;
        }
        events.add(
            new AccessEvent(
                type.wireName(),
                recordId,
                String.valueOf(tx.body().get("accessor")),
                (String) tx.body().get("basis"),
                (String) tx.body().get("grantTx"),
                (String) tx.body().get("reasonCode"),
                signed.idHex(),
                Instant.ofEpochMilli(tx.time())));
      }
    }
    events.sort(Comparator.comparing(AccessEvent::loggedAt).thenComparing(AccessEvent::txId));
    return events;
  }

  @Override
  @RolesAllowed({"admin", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<AccessEvent> breakGlassEvents(String channelId) {
    AccessLedger access = listingView(store, channelId);
    InstitutionId self = self();
    List<AccessEvent> events = new ArrayList<>();
    for (AccessLedger.BreakGlass event : access.breakGlassEvents()) {
      boolean mine =
          event.accessor().equals(self)
              || access.record(event.recordId()).map(r -> r.provider().equals(self)).orElse(false);
      if (mine) {
        events.add(
            new AccessEvent(
                TransactionType.BREAK_GLASS.wireName(),
                event.recordId(),
                event.accessor().value(),
                null,
                null,
                event.reasonCode(),
                event.txId(),
                Instant.ofEpochMilli(event.time())));
      }
    }
    events.sort(Comparator.comparing(AccessEvent::loggedAt).reversed());
    return events;
  }

  @Override
  @RolesAllowed({"admin", "auditor"})
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<AuditEvent> audit(String channelId, AuditQuery query) {
    if (query.recordId() != null) {
      require(RECORD_ID, query.recordId(), "recordId");
    }
    requireChannel(store, channelId);
    List<AuditEvent> events = new ArrayList<>();
    // A record's patient (the channel's pseudonym) is on its register; later events about the
    // record name only the record, so the pseudonym is carried over from the register seen first.
    Map<String, String> patientOfRecord = new HashMap<>();
    for (LedgerStore.TimedTransaction timed :
        store.transactionsOfTypes(
            channelId, AUDITED.stream().map(TransactionType::wireName).toList())) {
      if (events.size() == AUDIT_LIMIT) {
        break;
      }
      SignedTransaction signed = SignedTransaction.decode(timed.bytes());
      Transaction tx = signed.transaction();
      Map<String, Object> body = tx.body();
      String recordId = body.get("recordId") instanceof String r ? r : null;
      String patient = body.get("patient") instanceof String p ? p : null;
      if (recordId != null && patient != null) {
        patientOfRecord.putIfAbsent(recordId, patient);
      } else if (recordId != null) {
        patient = patientOfRecord.get(recordId);
      }
      Instant at = Instant.ofEpochMilli(timed.blockTime());
      if ((query.from() != null && at.isBefore(query.from()))
          || (query.to() != null && !at.isBefore(query.to()))) {
        continue;
      }
      String subject =
          body.get("grantee") instanceof String g
              ? g
              : body.get("accessor") instanceof String a ? a : null;
      if ((query.recordId() != null && !query.recordId().equals(recordId))
          || (query.patient() != null && !query.patient().equals(patient))
          || (query.institution() != null
              && !query.institution().equals(tx.author().value())
              && !query.institution().equals(subject))) {
        continue;
      }
      events.add(
          new AuditEvent(
              tx.type().wireName(),
              recordId,
              patient,
              tx.author().value(),
              subject,
              body.get("basis") instanceof String b ? b : null,
              body.get("reasonCode") instanceof String c ? c : null,
              signed.idHex(),
              timed.height(),
              at));
    }
    return events;
  }

  /** Logs an access to {@code record}'s current version, the one read. */
  private String logAccess(
      String channelId, AccessLedger.Registration record, String basis, String grantTx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", record.recordId());
    body.put("version", record.version());
    body.put("accessor", self().value());
    body.put("basis", basis);
    body.put("grantTx", grantTx);
    return ledger.submit(channelId, "access-logged", body).txId();
  }

  private AccessLedger.RequestView openRequestOfMine(
      AccessLedger access, String channelId, String requestId) {
    require(REQUEST_ID, requestId, "requestId");
    AccessLedger.RequestView request =
        access
            .request(requestId)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.REQUEST_UNKNOWN,
                        "no request " + requestId + " on channel " + channelId));
    if (request.scope() == AccessLedger.Scope.CLASS) {
      // A class request is decided by the provider it names (AccessLedger's rule).
      if (!self().equals(request.provider())) {
        throw new CareLedgerException(
            ErrorCode.NOT_RECORD_PROVIDER,
            "only " + request.provider() + ", the provider asked, decides on this request");
      }
    } else {
      AccessLedger.Registration record = access.record(request.recordId()).orElse(null);
      if (record == null || !record.provider().equals(self())) {
        throw new CareLedgerException(
            ErrorCode.NOT_RECORD_PROVIDER,
            "only the provider of record " + request.recordId() + " decides on this request");
      }
    }
    if (request.status() != AccessLedger.Status.OPEN) {
      throw new CareLedgerException(
          ErrorCode.REQUEST_CLOSED,
          "request " + requestId + " is " + request.status().name().toLowerCase() + " already");
    }
    if (request.recordId() != null && access.erased(request.recordId())) {
      throw new CareLedgerException(
          ErrorCode.RECORD_ERASED, "record " + request.recordId() + " was erased");
    }
    return request;
  }

  /** The record's registration, if it names a record of the channel whose content still exists. */
  private static AccessLedger.Registration readable(
      AccessLedger access, String channelId, String recordId) {
    require(RECORD_ID, recordId, "recordId");
    AccessLedger.Registration record = registered(access, channelId, recordId);
    if (access.erased(recordId)) {
      throw new CareLedgerException(
          ErrorCode.RECORD_ERASED,
          "record " + recordId + " was erased: its content no longer exists");
    }
    return record;
  }

  private static AccessLedger.Registration registered(
      AccessLedger access, String channelId, String recordId) {
    return access
        .record(recordId)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.TX_UNKNOWN,
                    "no record " + recordId + " is registered on channel " + channelId));
  }

  private InstitutionId self() {
    return keys.identity().institutionId();
  }

  private static Duration retrieveWait() {
    return Duration.ofSeconds(Long.getLong(RETRIEVE_WAIT_PROPERTY, 120L));
  }

  private static void require(Pattern pattern, String value, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, what + " is missing or malformed");
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing was handed out
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
