package org.careledger.application.internal;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.careledger.application.DatabaseOutage;
import org.careledger.application.LedgerStore;
import org.careledger.application.NodeCertificates;
import org.careledger.application.NodeInfo;
import org.careledger.application.NodeKeys;
import org.careledger.application.NodeService;
import org.careledger.application.NodeSettings;
import org.careledger.application.NodeStart;
import org.careledger.application.NodeStartLog;
import org.careledger.application.NodeStatus;
import org.careledger.application.readiness.Readiness;
import org.careledger.application.readiness.ReadinessProbe;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.careledger.domain.identity.NodeIdentityStore;
import org.careledger.domain.identity.NodeKeyRing;
import org.careledger.infrastructure.identity.ElytronSecretStore;
import org.careledger.infrastructure.migration.SchemaMigrator;

/**
 * Starts the node: migrates the schema, loads (or on first start generates) the identity, and
 * records the start. Until all three are done the node is not ready.
 *
 * <p>A database that cannot be reached is retried every {@value #RETRY_MILLIS} ms, since it may
 * simply be starting too; a bad keystore or configuration is not retried, because only an operator
 * can fix it. Either way the reason is logged once with its code and shown by the readiness check.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@Local({NodeService.class, ReadinessProbe.class, NodeKeys.class})
public class DefaultNodeService implements NodeService, ReadinessProbe, NodeKeys {

  private static final Logger LOG = Logger.getLogger(DefaultNodeService.class.getName());
  static final long RETRY_MILLIS = 5_000;

  @Resource(lookup = "java:jboss/datasources/CareLedgerDS")
  private DataSource dataSource;

  @Resource private TimerService timers;

  @EJB private NodeStartLog startLog;
  @EJB private LedgerStore ledgerStore;

  private volatile NodeStatus status =
      NodeStatus.starting(ErrorCode.NODE_NOT_READY, "start-up has not run yet");
  private volatile NodeInfo info;
  private volatile NodeIdentity identity;

  /** The renewals the node made (new keys, new certificates), in the order it made them. */
  private volatile List<NodeIdentity> renewals = List.of();

  private volatile NodeIdentityStore identityStore;
  private volatile String lastLoggedProblem;

  @PostConstruct
  void start() {
    tryStart();
  }

  @Timeout
  void retry() {
    tryStart();
  }

  private synchronized void tryStart() {
    if (status.isReady()) {
      return;
    }
    try {
      NodeSettings settings = NodeSettings.fromSystemProperties();
      InstitutionId institution = new InstitutionId(settings.institutionId());
      SchemaMigrator.Result migration =
          SchemaMigrator.migrate(dataSource, SchemaMigrator.class.getClassLoader());
      if (migration.applied() > 0) {
        LOG.info(
            "CareLedger schema migrated to version "
                + migration.schemaVersion()
                + " ("
                + migration.applied()
                + " migrations applied)");
      }
      indexSharingReferences();
      if (identity == null) {
        NodeIdentityStore store =
            new NodeIdentityStore(
                settings.keystore(),
                new ElytronSecretStore(settings.credentialStore()),
                new NodeIdentityGenerator(),
                new SecureRandom());
        NodeIdentityStore.Loaded loaded =
            store.loadOrCreate(institution, Instant.now(), settings.tlsHostNames());
        renewals = store.loadRenewals();
        identityStore = store;
        identity = loaded.identity();
        LOG.info(
            (loaded.created() ? "Generated new" : "Loaded")
                + " node identity for institution "
                + institution
                + ", signing key SHA-256 "
                + identity.signingFingerprint()
                + " ("
                + settings.keystore()
                + ")");
      }
      // Microseconds: what both H2 and PostgreSQL keep, so the API and the database agree.
      Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
      startLog.record(
          new NodeStart(
              institution.value(), identity.signingFingerprint().hex(), version(), startedAt));
      info =
          new NodeInfo(
              institution.value(),
              identity.signingFingerprint().hex(),
              version(),
              migration.databaseProduct(),
              startedAt);
      status = NodeStatus.ready();
      LOG.info("CareLedger node " + institution + " is ready");
    } catch (RuntimeException e) {
      CareLedgerException coded = startUpProblem(e);
      if (coded == null) {
        status = NodeStatus.failed(ErrorCode.INTERNAL_ERROR, "start-up failed: " + e);
        logOnce(ErrorCode.INTERNAL_ERROR.code() + ": node start-up failed", e);
        return;
      }
      boolean retryable = coded.errorCode() == ErrorCode.DATABASE_UNREACHABLE;
      status =
          retryable
              ? NodeStatus.starting(coded.errorCode(), coded.getMessage())
              : NodeStatus.failed(coded.errorCode(), coded.getMessage());
      logOnce(coded.getMessage(), e);
      if (retryable) {
        timers.createSingleActionTimer(RETRY_MILLIS, new TimerConfig(null, false));
      }
    }
  }

  /**
   * Indexes the sharing transactions of chains committed before migration V8 (SharingRefs), in
   * parts of at most about {@code careledger.sharing-refs.backfill-part} transactions (default
   * {@value #BACKFILL_PART}), each part a database transaction of its own, so that no chain is too
   * long to finish within the transaction timeout; views of a channel read the whole channel until
   * its last part is done. A failure (a database outage) fails the start, which is retried and goes
   * on from the last part that committed.
   */
  private void indexSharingReferences() {
    int part =
        Math.max(1, Integer.getInteger("careledger.sharing-refs.backfill-part", BACKFILL_PART));
    for (String channelId : ledgerStore.channelIds()) {
      if (!ledgerStore.sharingRefsComplete(channelId)) {
        long started = System.nanoTime();
        long indexed = 0;
        int parts = 0;
        do {
          indexed += ledgerStore.indexSharingRefsPart(channelId, part);
          parts++;
        } while (!ledgerStore.sharingRefsComplete(channelId));
        LOG.info(
            "indexed the references of "
                + indexed
                + " sharing transactions of channel "
                + channelId
                + " committed before schema version 8, in "
                + parts
                + " parts and "
                + (System.nanoTime() - started) / 1_000_000
                + " ms");
      }
    }
  }

  static final int BACKFILL_PART = 5_000;

  /**
   * The coded problem a start-up failure stands for, or null if it is none: a database outage
   * anywhere in its cause chain ({@link DatabaseOutage}) is {@code CL-1008}, retried, even when it
   * was coded otherwise on the way (a migration or the start record losing the connection).
   */
  static CareLedgerException startUpProblem(RuntimeException e) {
    CareLedgerException coded = CareLedgerException.in(e);
    if (DatabaseOutage.in(e)
        && (coded == null || coded.errorCode() != ErrorCode.DATABASE_UNREACHABLE)) {
      return new CareLedgerException(
          ErrorCode.DATABASE_UNREACHABLE,
          "database unreachable during start-up ("
              + DatabaseOutage.signal(e).orElseThrow()
              + "); retried every "
              + RETRY_MILLIS / 1000
              + " s",
          e);
    }
    return coded;
  }

  private void logOnce(String message, Exception e) {
    if (!message.equals(lastLoggedProblem)) {
      lastLoggedProblem = message;
      LOG.log(Level.SEVERE, message, e);
    }
  }

  @Override
  public NodeStatus status() {
    return status;
  }

  @Override
  public NodeIdentity identity() {
    NodeIdentity current = identity;
    if (current == null || !status.isReady()) {
      throw new CareLedgerException(
          ErrorCode.NODE_NOT_READY,
          "the node is not ready yet: " + status.problem().orElse("starting"));
    }
    return current;
  }

  @Override
  public java.util.Optional<NodeIdentity> identity(
      org.careledger.domain.identity.Fingerprint signing) {
    return ring().find(signing);
  }

  @Override
  public java.util.Optional<NodeIdentity> nextIdentity() {
    return ring().newest();
  }

  private NodeKeyRing ring() {
    return new NodeKeyRing(identity(), renewals);
  }

  /** A renewal of the node's own key: what a channel that never renewed it is renewed to. */
  @Override
  public NodeCertificates nextCertificates() {
    return renewalCertificates(identity().signingFingerprint(), false);
  }

  /**
   * For a channel that names {@code inForce} for this node: with {@code sameKey} a new certificate
   * for that key (made now), otherwise the newest key made after it, made now if there is none — so
   * renewing channel after channel gives each the same new key, and renewing a channel again gives
   * it a newer one.
   */
  @Override
  public synchronized NodeCertificates renewalCertificates(
      org.careledger.domain.identity.Fingerprint inForce, boolean sameKey) {
    NodeIdentity current = identity();
    NodeKeyRing ring = ring();
    NodeIdentity named =
        ring.find(inForce)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.IDENTITY_INCOMPLETE,
                        "the channel names signing certificate "
                            + inForce
                            + ", whose key this node does not hold: restore its keystore under"
                            + " identity/renewals"));
    java.util.Optional<NodeIdentity> newer =
        sameKey ? java.util.Optional.empty() : ring.newerKeyThan(named);
    if (newer.isPresent()) {
      return certificatesOf(newer.get());
    }
    NodeIdentity made = identityStore.createRenewal(named, current, sameKey, Instant.now());
    added(made, sameKey ? "a new certificate for its signing key" : "a new signing key");
    return certificatesOf(made);
  }

  private void added(NodeIdentity renewal, String what) {
    List<NodeIdentity> more = new java.util.ArrayList<>(renewals);
    more.add(renewal);
    renewals = List.copyOf(more);
    LOG.info(
        "Made "
            + what
            + " of institution "
            + renewal.institutionId()
            + ", certificate SHA-256 "
            + renewal.signingFingerprint()
            + ": each channel signs with it once its members apply the renewal");
  }

  @Override
  public Readiness readiness() {
    NodeStatus current = status;
    return new Readiness(
        current.isReady(),
        current.state().name(),
        current.code().map(ErrorCode::code).orElse(null),
        current.problem().orElse(null));
  }

  @Override
  public NodeInfo nodeInfo() {
    NodeInfo current = info;
    if (current == null) {
      throw new CareLedgerException(
          ErrorCode.NODE_NOT_READY,
          "the node is not ready yet: " + status.problem().orElse("starting"));
    }
    return current;
  }

  @Override
  public NodeCertificates certificates() {
    return certificatesOf(identity());
  }

  private static NodeCertificates certificatesOf(NodeIdentity current) {
    return new NodeCertificates(
        current.institutionId().value(),
        der(current.signingCertificate()),
        der(current.agreementCertificate()),
        der(current.tlsCertificate()));
  }

  private static String der(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new CareLedgerException(
          ErrorCode.INTERNAL_ERROR, "cannot encode the node's certificate", e);
    }
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<NodeStart> startHistory(int limit) {
    return startLog.latest(limit);
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in =
        DefaultNodeService.class.getResourceAsStream("/careledger-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read careledger-version.properties", e);
    }
    return properties.getProperty("version", "unknown");
  }
}
