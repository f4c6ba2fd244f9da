package org.careledger.application.internal;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerService.ChannelDetail;
import org.careledger.application.LedgerService.ChannelSummary;
import org.careledger.application.LedgerStore;
import org.careledger.application.NodeInfo;
import org.careledger.application.NodeKeys;
import org.careledger.application.NodeService;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.application.console.ConsoleService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.NodeIdentity;

/**
 * The console's view of the node. Bridges and queues are read from WildFly's management model as
 * its JMX facade exposes it ({@code jboss.as:subsystem=messaging-activemq,...}): the same resources
 * {@code federation.sh status} reads with the CLI, without a management connection or a password in
 * the application. Verification runs in {@link VerificationRunner} (an asynchronous EJB method, so
 * the caller's identity and roles carry over) and reports progress per block.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@RolesAllowed({"admin", "auditor"})
@Local(ConsoleService.class)
public class DefaultConsoleService implements ConsoleService {

  private static final Logger LOG = Logger.getLogger(DefaultConsoleService.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The jboss-cli names server-config's federation tool gives (see its BridgeCli). */
  static final String BRIDGE_PREFIX = "careledger-to-";

  static final String OUTBOUND_QUEUE_PREFIX = "CareLedgerOutbound.";

  @EJB private NodeService node;
  @EJB private NodeKeys keys;
  @EJB private LedgerService ledger;
  @EJB private LedgerStore store;
  @EJB private ConsensusService consensus;
  @EJB private VerificationRunner runner;

  private final Map<String, VerificationRunner.Job> jobs = new LinkedHashMap<>();

  @Override
  public NodeOverview node() {
    NodeInfo info = node.nodeInfo();
    NodeIdentity identity = keys.identity();
    Instant now = Instant.now();
    return new NodeOverview(
        info.institutionId(),
        info.version(),
        info.databaseProduct(),
        info.startedAt(),
        Duration.between(info.startedAt(), now).toSeconds(),
        List.of(
            certificate("signing", identity.signingCertificate(), now),
            certificate("key-agreement", identity.agreementCertificate(), now),
            certificate("tls", identity.tlsCertificate(), now)));
  }

  static CertificateView certificate(String name, X509Certificate certificate, Instant now) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    long daysLeft = Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L);
    return new CertificateView(
        name,
        certificate.getSubjectX500Principal().getName(),
        Fingerprint.of(certificate).hex(),
        notAfter,
        daysLeft,
        daysLeft <= EXPIRY_WARNING_DAYS);
  }

  @Override
  public List<PeerView> peers() {
    Map<String, Instant> heard = consensus.lastHeard();
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<PeerView> peers = new ArrayList<>();
    for (Map.Entry<String, List<String>> peer : consensus.peers().entrySet()) {
      String institution = peer.getKey();
      String bridge = BRIDGE_PREFIX + institution;
      Boolean started = null;
      Long forwarded = null;
      Long waiting = null;
      String state;
      try {
        ObjectName bridgeName =
            new ObjectName("jboss.as:subsystem=messaging-activemq,jms-bridge=" + bridge);
        ObjectName queueName =
            new ObjectName(
                "jboss.as:subsystem=messaging-activemq,server=default,jms-queue="
                    + OUTBOUND_QUEUE_PREFIX
                    + institution);
        if (!server.isRegistered(bridgeName)) {
          state = "down";
        } else {
          started = Boolean.TRUE.equals(server.getAttribute(bridgeName, "started"));
          forwarded = number(server.getAttribute(bridgeName, "messageCount"));
          waiting =
              server.isRegistered(queueName)
                  ? number(server.getAttribute(queueName, "messageCount"))
                  : null;
          state = peerState(started, waiting);
        }
      } catch (JMException | RuntimeException e) {
        LOG.log(Level.FINE, "cannot read the bridge to " + institution, e);
        state = "unknown";
      }
      peers.add(
          new PeerView(
              institution,
              peer.getValue(),
              bridge,
              started,
              forwarded,
              waiting,
              heard.get(institution),
              state));
    }
    return peers;
  }

  /** See {@link PeerView}: a started bridge with nothing waiting has delivered all it was given. */
  static String peerState(Boolean started, Long waiting) {
    if (!Boolean.TRUE.equals(started)) {
      return "down";
    }
    if (waiting == null) {
      return "unknown";
    }
    return waiting == 0 ? "reachable" : "backlog";
  }

  private static Long number(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }

  @Override
  public List<ChannelView> channels() {
    List<ChannelView> views = new ArrayList<>();
    for (ChannelSummary summary : ledger.channels()) {
      ChannelDetail detail = ledger.channel(summary.channelId());
      Instant lastCommit =
          detail.height() == 0
              ? null
              : store
                  .head(detail.channelId())
                  .map(h -> Instant.ofEpochMilli(h.time()))
                  .orElse(null);
      views.add(
          new ChannelView(
              detail.channelId(),
              detail.mode(),
              detail.quorum(),
              detail.members().stream().map(LedgerService.MemberView::institution).toList(),
              detail.height(),
              detail.round(),
              detail.headHash(),
              lastCommit,
              consensus.metrics(detail.channelId()).orElse(null),
              governance(detail.channelId(), detail.round() != null)));
    }
    return views;
  }

  /**
   * The configuration in force of a channel this node runs consensus for (members with their
   * certificates' expiry, updates waiting for approvals), for the console's governance view; null
   * for a channel of this node alone or one it does not run.
   */
  private LedgerService.ConfigView governance(String channelId, boolean running) {
    if (!running) {
      return null;
    }
    try {
      return ledger.configuration(channelId);
    } catch (org.careledger.domain.CareLedgerException e) {
      return null;
    }
  }

  @Override
  public VerificationView startVerification(String channel) {
    long total = ledger.blockCount(channel); // CHANNEL_UNKNOWN before anything starts
    String id = "v-" + HexFormat.of().formatHex(randomBytes());
    VerificationRunner.Job job = new VerificationRunner.Job(id, channel, total, Instant.now());
    synchronized (jobs) {
      jobs.put(id, job);
      while (jobs.size() > KEPT_VERIFICATIONS) {
        jobs.remove(jobs.keySet().iterator().next());
      }
    }
    runner.run(job);
    return job.view();
  }

  @Override
  public VerificationView verification(String id) {
    VerificationRunner.Job job;
    synchronized (jobs) {
      job = jobs.get(id);
    }
    if (job == null) {
      throw new CareLedgerException(
          ErrorCode.VERIFICATION_UNKNOWN, "no verification " + id + " is known on this node");
    }
    return job.view();
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
