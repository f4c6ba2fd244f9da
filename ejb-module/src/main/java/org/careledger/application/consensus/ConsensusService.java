package org.careledger.application.consensus;

import jakarta.ejb.Local;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.careledger.application.LedgerService.Committed;
import org.careledger.domain.federation.MessageType;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * The channels this node holds as a member of a federation, ordered by consensus (QBFT for four or
 * more members, unanimity for two or three) over the federation transport.
 */
@Local
public interface ConsensusService {

  /** Whether {@code channelId} is a federated channel this node runs consensus for. */
  boolean manages(String channelId);

  /**
   * Hands a signed transaction to the channel's consensus and waits until the block holding it is
   * committed and durable on this node.
   *
   * @throws org.careledger.domain.CareLedgerException {@code FEDERATION_COMMIT_TIMEOUT} when {@code
   *     wait} passes first (the transaction may still commit later)
   */
  Committed submit(String channelId, SignedTransaction transaction, Duration wait);

  /**
   * As {@link #submit}, without holding the caller's thread: the stage completes once the block is
   * committed and durable here, or exceptionally with {@code FEDERATION_COMMIT_TIMEOUT}.
   */
  java.util.concurrent.CompletionStage<Committed> submitAsync(
      String channelId, SignedTransaction transaction, Duration wait);

  /**
   * Hands several signed transactions to the channel at once: every one is verified and checked
   * against the channel's rules before any is handed over (one refused refuses them all, nothing is
   * queued), then all are queued together. They stay independent transactions: each commits in
   * whichever block takes it. The stage completes with their commits in the order given once all
   * are committed and durable here, or exceptionally with {@code FEDERATION_COMMIT_TIMEOUT} if any
   * is not within {@code wait} (those not committed stay pending and may still commit).
   */
  java.util.concurrent.CompletionStage<List<Committed>> submitAllAsync(
      String channelId, List<SignedTransaction> transactions, Duration wait);

  /**
   * Wraps {@code payload} in a federation envelope signed by this node, once the node has its
   * federation descriptor; empty before.
   *
   * @param channel null only for {@link MessageType#PING}
   */
  Optional<byte[]> seal(String channel, MessageType type, byte[] payload);

  /**
   * The X25519 key-agreement certificate the federation descriptor gives for {@code institution}
   * (to wrap a data key for it), if this node runs a federation that names it.
   */
  Optional<java.security.cert.X509Certificate> agreementCertificate(String institution);

  /**
   * The fingerprint of this node's signing key in force in the channel (after a key renewal the
   * channel applied, the new one), if this node runs consensus for it.
   */
  default Optional<org.careledger.domain.identity.Fingerprint> ownKey(String channelId) {
    return Optional.empty();
  }

  /**
   * Whether this node's institution left the channel (its descriptor names it under {@code left}):
   * it keeps the chain it holds and takes part in nothing more.
   */
  default boolean hasLeft(String channelId) {
    return false;
  }

  /**
   * Whether this node runs the institution's consensus member for the channel. Usually the same as
   * {@link #manages}; on a standby node of an institution run as a cluster, which takes submissions
   * for the member's node, it is false while {@code manages} is true.
   */
  default boolean runsMember(String channelId) {
    return manages(channelId);
  }

  /**
   * Validly signed consensus payloads that contradict an earlier one of the same member (same kind,
   * height and round), counted per member since this node started: evidence of equivocation (see
   * {@link org.careledger.domain.consensus.EquivocationWatch}). Members with none are absent.
   */
  default java.util.Map<String, Long> equivocations(String channelId) {
    return java.util.Map.of();
  }

  /** The round in progress at the next height, if this node runs consensus for the channel. */
  Optional<Integer> round(String channelId);

  /** The channel's recent commit rate and latency here, if this node runs consensus for it. */
  Optional<org.careledger.domain.monitoring.CommitMetrics.Snapshot> metrics(String channelId);

  /**
   * When a verified federation message last arrived from each member, by institution id (since this
   * node started; members not heard from since are absent).
   */
  java.util.Map<String, java.time.Instant> lastHeard();

  /** The members this node shares a channel with, each with the channels shared; empty if none. */
  java.util.Map<String, java.util.List<String>> peers();
}
