package org.careledger.domain.ledger;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;

/**
 * The form of a genesis block derived from a federation descriptor, which every member of a
 * multi-member channel computes for itself, byte for byte the same, so no member has to sign it for
 * the others.
 *
 * <p>Such a genesis is fully determined by its inputs: height 0, previous hash all zeros, time the
 * descriptor's {@code createdAt}, proposer the federation id, and exactly one transaction, an
 * <em>unsigned</em> channel-config authored by the federation id with the key fingerprint {@link
 * #NO_KEY} (64 zeros), the nonce {@link #NONCE} (16 zero bytes) and the descriptor's time. Its
 * commit certificate is empty. The body has exactly these members:
 *
 * <pre>
 * {"agreementCertificates":[{"cert":"&lt;X25519 cert DER, base64url&gt;","institution":".."},...],
 *  "batch":{"maxDelayMillis":50,"maxTransactions":500},"consensus":"bft",
 *  "consentPolicy":{...},"federation":"local-demo",
 *  "members":[{"cert":"&lt;Ed25519 cert DER, base64url&gt;","institution":".."},...]}</pre>
 *
 * where {@code members} is {@link Membership#toConfigBody()}'s list, and both lists are sorted by
 * institution.
 *
 * <p>Why it can be trusted without a signature: every member derives it from the same descriptor,
 * so they all hold the same genesis hash, and block 1's commit certificate, signed by a quorum of
 * the members it lists, links to that hash. Someone holding only the chain learns the members from
 * the genesis and checks every later certificate against them; whether the genesis is <em>the</em>
 * federation's is answered by comparing its hash with the one derived from the descriptor (as it is
 * for a self-signed single-member genesis). The federation id is reserved as the author and
 * proposer: it may not also be a member's institution id, so no member can pass one of its own
 * transactions off as the federation's.
 *
 * <p>{@link ChainVerifier} accepts an unsigned transaction nowhere but as this genesis's only
 * transaction; {@link SignedTransaction#verify} rejects every unsigned transaction.
 */
public final class FederatedGenesis {

  /** The key fingerprint an unsigned genesis configuration names: no key at all. */
  public static final Fingerprint NO_KEY = new Fingerprint("0".repeat(64));

  /** Its nonce: 16 zero bytes in unpadded base64url. */
  public static final String NONCE = Json.base64url(new byte[16]);

  public static final String FEDERATION = "federation";
  public static final String CONSENSUS = "consensus";
  public static final String MEMBERS = "members";
  public static final String AGREEMENT_CERTIFICATES = "agreementCertificates";
  public static final String CONSENT_POLICY = "consentPolicy";
  public static final String BATCH = "batch";

  private static final Set<String> BODY_KEYS =
      Set.of(FEDERATION, CONSENSUS, MEMBERS, AGREEMENT_CERTIFICATES, CONSENT_POLICY, BATCH);

  private FederatedGenesis() {}

  /**
   * Builds the genesis block of {@code channel}. The body must have exactly the members listed
   * above; {@code federation} is its author and proposer and {@code time} its time.
   */
  public static Block block(
      ChannelId channel, InstitutionId federation, long time, Map<String, Object> body) {
    Objects.requireNonNull(body, "body");
    if (!body.keySet().equals(BODY_KEYS)) {
      throw Transaction.malformed("a federated genesis body has exactly the members " + BODY_KEYS);
    }
    SignedTransaction config =
        SignedTransaction.unsigned(
            new Transaction(
                channel, TransactionType.CHANNEL_CONFIG, federation, NO_KEY, NONCE, time, body));
    List<SignedTransaction> transactions = List.of(config);
    BlockHeader header = Block.header(channel, null, transactions, time, federation);
    return new Block(header, transactions, new CommitCertificate(List.of()));
  }

  /**
   * Why block 0, whose first transaction {@code config} is unsigned, is not a federated genesis, or
   * null if it is one.
   */
  static String problem(
      BlockHeader header,
      SignedTransaction config,
      int transactionCount,
      CommitCertificate certificate,
      Membership membership) {
    Transaction tx = config.transaction();
    Map<String, Object> body = tx.body();
    if (header.height() != 0) {
      return "an unsigned channel-config is only valid as a genesis";
    }
    if (transactionCount != 1) {
      return "an unsigned genesis holds exactly one transaction, not " + transactionCount;
    }
    if (!body.keySet().equals(BODY_KEYS)) {
      return "an unsigned genesis configuration has exactly the body members " + BODY_KEYS;
    }
    if (!tx.author().value().equals(body.get(FEDERATION))) {
      return "an unsigned genesis configuration is authored by the federation it names";
    }
    if (!tx.author().equals(header.proposer())) {
      return "an unsigned genesis is proposed by its federation";
    }
    if (membership.byInstitution(tx.author()).isPresent()) {
      return "the federation id " + tx.author() + " is also a member";
    }
    if (!NO_KEY.equals(tx.authorKey()) || !NONCE.equals(tx.nonce())) {
      return "an unsigned genesis configuration names no key and has the zero nonce";
    }
    if (tx.time() != header.time()) {
      return "an unsigned genesis configuration has the genesis block's time";
    }
    if (!membership.mode().wireName().equals(body.get(CONSENSUS))) {
      return "consensus '"
          + body.get(CONSENSUS)
          + "' does not fit "
          + membership.size()
          + " members ("
          + membership.mode().wireName()
          + ")";
    }
    if (!(body.get(CONSENT_POLICY) instanceof Map)
        || !(body.get(BATCH) instanceof Map)
        || !(body.get(AGREEMENT_CERTIFICATES) instanceof List)) {
      return "consentPolicy and batch must be objects, agreementCertificates an array";
    }
    if (!certificate.signatures().isEmpty()) {
      return "an unsigned genesis carries an empty commit certificate";
    }
    return null;
  }
}
