package org.careledger.application.console;

import jakarta.ejb.Local;
import java.time.Instant;
import java.util.List;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.monitoring.CommitMetrics;

/**
 * The admin console's view of the node (roles {@code admin} and {@code auditor}: everything here is
 * read-only, verification included).
 */
@Local
public interface ConsoleService {

  /** Certificates within this many days of expiry are flagged (the node's one warning period). */
  int EXPIRY_WARNING_DAYS = (int) org.careledger.domain.ledger.CertificateExpiry.WARNING.toDays();

  /** One of the node's certificates: {@code name} is signing, key-agreement or tls. */
  record CertificateView(
      String name,
      String subject,
      String sha256,
      Instant notAfter,
      long daysLeft,
      boolean warning) {}

  record NodeOverview(
      String institutionId,
      String version,
      String databaseProduct,
      Instant startedAt,
      long uptimeSeconds,
      List<CertificateView> certificates) {}

  /**
   * A member this node shares a channel with, and the bridge to it. {@code state}: {@code down} (no
   * bridge, or the bridge is stopped), {@code backlog} (messages wait in the outbound queue: the
   * peer's broker does not take them now, or the bridge is behind), {@code reachable} (the bridge
   * runs and everything sent was taken), {@code unknown} (the broker could not be asked). {@code
   * lastHeardAt}: the last verified message from the peer since this node started.
   */
  record PeerView(
      String institution,
      List<String> channels,
      String bridge,
      Boolean bridgeStarted,
      Long forwarded,
      Long waiting,
      Instant lastHeardAt,
      String state) {}

  /** A channel with its recent commit metrics (null where no consensus runs here). */
  record ChannelView(
      String channelId,
      String mode,
      int quorum,
      List<String> members,
      long height,
      Integer round,
      String headHash,
      Instant lastCommitAt,
      CommitMetrics.Snapshot metrics,
      org.careledger.application.LedgerService.ConfigView configuration) {}

  /** A verification run: {@code state} running or done; {@code report} set once done. */
  record VerificationView(
      String id,
      String channel,
      String state,
      long blocksTotal,
      long blocksDone,
      Instant startedAt,
      Instant finishedAt,
      ChainVerifier.Report report,
      String errorCode,
      String errorDetail) {}

  NodeOverview node();

  List<PeerView> peers();

  List<ChannelView> channels();

  /**
   * Starts verifying {@code channel} (chain from genesis and stored documents) in the background.
   */
  VerificationView startVerification(String channel);

  /** A verification started here (the last {@value #KEPT_VERIFICATIONS} are kept). */
  VerificationView verification(String id);

  int KEPT_VERIFICATIONS = 20;
}
