package org.careledger.application;

import jakarta.ejb.Local;
import java.util.List;
import java.util.Map;
import org.careledger.domain.ledger.ChainVerifier;

/**
 * The node's ledgers. Until consensus exists, channels created here have this node as their only
 * member, and each submitted transaction is committed at once in a block signed by it.
 */
@Local
public interface LedgerService {

  /** A channel this node holds, with its head. */
  record ChannelSummary(
      String channelId, String genesisHash, long height, String headHash, int members) {}

  /** Where a committed transaction sits. */
  record Committed(String channelId, String txId, long height, int index, String blockHash) {}

  /** One member of a channel, as its genesis (or later channel-config) names it. */
  record MemberView(String institution, String signingFingerprint) {}

  /**
   * A channel's state: members, mode ({@code single}, {@code unanimity}, {@code bft}), quorum,
   * height and hash of the head; {@code round} is the consensus round in progress at the next
   * height, or null where no consensus runs (single-member channels).
   */
  record ChannelDetail(
      String channelId,
      String genesisHash,
      String mode,
      int quorum,
      List<MemberView> members,
      long height,
      String headHash,
      Integer round,
      boolean consensusHere,
      java.util.Map<String, Long> equivocations) {}

  /**
   * A committed block as stored: its decoded header fields, the ids of its transactions, who signed
   * its commit certificate, and the exact stored bytes (base64url) so anyone can re-check.
   */
  record BlockView(
      String channelId,
      long height,
      String hash,
      String previousHash,
      String txRoot,
      int txCount,
      long time,
      String proposer,
      List<String> txIds,
      List<String> signers,
      String header,
      List<String> transactions,
      String certificate) {}

  /**
   * A member as the channel's configuration in force names it: its signing certificate's
   * fingerprint and expiry, whether it can sign now (not revoked, not expired) and whether its
   * certificate expires within {@link org.careledger.domain.ledger.CertificateExpiry#WARNING}.
   */
  record ConfigMember(
      String institution,
      String signingFingerprint,
      String certificateNotAfter,
      boolean canSign,
      boolean revoked,
      boolean expiresSoon) {}

  /** A config update waiting for approvals: who approved, who decides, how many are needed. */
  record PendingUpdate(
      String proposal,
      String change,
      String subject,
      String proposer,
      List<String> approvals,
      List<String> deciding,
      int needed) {}

  /**
   * A channel's configuration in force (channel governance): the id of the transaction that made it
   * and the height from which it holds, mode, quorum, members, consent policy, pending updates.
   */
  record ConfigView(
      String channelId,
      String configId,
      long since,
      String mode,
      int quorum,
      List<ConfigMember> members,
      Map<String, Object> consentPolicy,
      List<PendingUpdate> pending) {}

  /**
   * Where a config update stands after this node's proposal or approval committed: {@code pending}
   * (with its approvals and the number needed), {@code applied} (in force from the configuration's
   * {@code since}), or {@code void} (superseded by another update before it completed).
   */
  record UpdateStatus(
      String proposal,
      String state,
      String txId,
      long height,
      List<String> approvals,
      int needed,
      ConfigView configuration) {}

  /** The channel's configuration in force, folded from its chain. */
  ConfigView configuration(String channelId);

  /**
   * The signing certificate {@code channelId}'s configuration in force names for this node (what a
   * renewal there renews).
   *
   * @throws org.careledger.domain.CareLedgerException CHANNEL_UNKNOWN when this node runs no
   *     consensus for the channel (not a member, left it, or not started yet)
   */
  org.careledger.domain.identity.Fingerprint signingKeyInForce(String channelId);

  /**
   * Proposes a change of a federated channel's configuration, signed by this node, and waits for
   * its commit. The request: {@code {"change":"add-member","institution":…,"signingCertificate":…,
   * "agreementCertificate":…,"bridge":{"host":…,"port":…,"tlsPort":…}}}, {@code
   * {"change":"remove-member","institution":…}}, {@code {"change":"renew-certificate",
   * "institution":…,"signingCertificate":…[,"agreementCertificate":…]}}, {@code
   * {"change":"revoke-certificate","institution":…[,"key":<fingerprint>]}} or {@code
   * {"change":"consent-policy","consentPolicy":{…}}} (certificates base64 DER, as {@code
   * /node/certificates} serves them). An update that cannot apply now is refused ({@code CL-1450})
   * before anything is submitted.
   */
  UpdateStatus proposeUpdate(
      String channelId, Map<String, Object> request, java.time.Duration commitWait);

  /**
   * Approves a pending config update as this node's institution and waits for its commit. A
   * proposal this node's chain does not hold yet is waited for (up to 10 s, within {@code
   * commitWait}) before the approval is refused as unknown ({@code CL-1451}).
   */
  UpdateStatus approveUpdate(String channelId, String proposalId, java.time.Duration commitWait);

  ChannelSummary createChannel(String channelId);

  /** The channel's members, mode, quorum and head. */
  ChannelDetail channel(String channelId);

  /** One committed block. */
  BlockView block(String channelId, long height);

  List<ChannelSummary> channels();

  /** Signs {@code body} as a transaction of {@code type} by this node and commits it. */
  Committed submit(String channelId, String type, Map<String, Object> body);

  /**
   * As {@link #submit(String, String, Map)}, waiting at most {@code commitWait} for the commit on a
   * federated channel (single-member channels commit at once).
   */
  Committed submit(
      String channelId, String type, Map<String, Object> body, java.time.Duration commitWait);

  /**
   * As {@link #submit(String, String, Map, Duration)} without holding the caller's thread while a
   * federated channel commits; a single-member channel commits before this returns.
   */
  java.util.concurrent.CompletionStage<Committed> submitAsync(
      String channelId, String type, Map<String, Object> body, java.time.Duration commitWait);

  /** One entry of a batch: a transaction type and its body, as {@link #submit} takes them. */
  record Submission(String type, Map<String, Object> body) {}

  /**
   * Signs every submission as a transaction by this node and commits them, for clients that send
   * many at once (a hospital system's backlog, a bulk import). Every entry is checked (type, body,
   * signature, the channel's rules) before any is submitted: one refused refuses the batch, with
   * its index in the message, and nothing is stored. On a federated channel the transactions stay
   * independent: each commits in whichever block takes it, and the stage completes once all are
   * committed and durable here (or with {@code FEDERATION_COMMIT_TIMEOUT}, the rest pending). On a
   * channel of this node alone they commit one block each in one database transaction, all or none,
   * before this returns.
   */
  java.util.concurrent.CompletionStage<List<Committed>> submitAllAsync(
      String channelId, List<Submission> submissions, java.time.Duration commitWait);

  /** The proof bundle for a transaction, up to block {@code head} (the current head if null). */
  byte[] proofBundle(String channelId, String txId, Long head);

  /** Re-checks the whole chain from genesis. */
  ChainVerifier.Report verify(String channelId);

  /** As {@link #verify(String)}, reporting the blocks checked so far to {@code progress}. */
  ChainVerifier.Report verify(String channelId, java.util.function.LongConsumer progress);

  /** The number of blocks the channel holds here (its height + 1), for progress reporting. */
  long blockCount(String channelId);
}
