package org.careledger.domain.ledger;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;

/**
 * A channel's configuration in force at a height — its members with their signing certificates, the
 * revoked certificates, its consent policy, the members' agreement certificates and bridge
 * addresses — and how channel governance changes it. Immutable; {@link #next} folds one committed
 * block into the configuration of the following height, the same on every node, since it reads
 * nothing but the chain.
 *
 * <p><b>Updates.</b> A member proposes a change with a {@link TransactionType#CONFIG_UPDATE}
 * transaction whose body names the configuration it changes ({@code base}: the id of the
 * transaction that made the configuration in force, the genesis channel-config or the last applied
 * update) and one of these changes:
 *
 * <pre>
 * {"base":…,"change":"add-member","subject":"lab-e","cert":"&lt;Ed25519 cert DER, base64url&gt;",
 *  "agreementCert":"&lt;X25519 cert DER, base64url&gt;","bridge":{"host":…,"port":…,"tlsPort":…}}
 * {"base":…,"change":"remove-member","subject":"insurer-d"}
 * {"base":…,"change":"renew-certificate","subject":"clinic-b","cert":…[,"agreementCert":…]}
 * {"base":…,"change":"revoke-certificate","subject":"clinic-b","key":"&lt;SHA-256 fingerprint&gt;"}
 * {"base":…,"change":"consent-policy","consentPolicy":{…}}</pre>
 *
 * Members approve it with {@link TransactionType#CONFIG_APPROVAL} transactions ({@code
 * {"proposal":"<the update's id>"}}); the proposer's own update counts as its approval.
 *
 * <p><b>Who decides.</b> The deciding members are the channel's members, except the subject of a
 * change about one member (remove, renew, revoke): a member cannot keep itself in, vouch for its
 * own new key or veto its own revocation. An update applies when the deciding members' quorum
 * ({@link Membership#quorum()} of them: unanimity of two or three, ⌈2n/3⌉ of four or more) has
 * approved it with valid signatures — a revoked or expired certificate's approval does not count,
 * as its signature is refused. Joining needs the current members' quorum, so a BFT channel of four
 * grows to five with three approvals, and from then on commits blocks with four seals of five.
 *
 * <p><b>When.</b> An update applies at the height after the block in which its last needed approval
 * (or the update itself) is committed: every member applies it at the same height, and the block
 * that completes it is still signed and checked under the configuration before. Applying it
 * supersedes every other pending update (their base is no longer in force); an update that cannot
 * apply to the configuration in force when it is committed (stale base, unknown subject, …) is void
 * and stays on the chain without effect. Nodes refuse such updates before they reach the chain
 * ({@link #problem}).
 *
 * <p><b>Revocation and expiry.</b> A revoked certificate stops signing from the height at which the
 * revocation applies; blocks before stay valid. The member stays a member (counted in n, see {@link
 * Membership}) until it renews with a new key or is removed. An expired certificate stops signing
 * in blocks whose time is past its notAfter ({@link Membership#atTime}).
 */
public final class ChannelConfig {

  /** The changes governance can make. */
  public enum Change {
    ADD_MEMBER("add-member"),
    REMOVE_MEMBER("remove-member"),
    RENEW_CERTIFICATE("renew-certificate"),
    REVOKE_CERTIFICATE("revoke-certificate"),
    CONSENT_POLICY("consent-policy");

    private final String wireName;

    Change(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Optional<Change> ofWireName(String name) {
      return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }

    /** Whether the change is about one member, who then does not decide on it. */
    boolean aboutMember() {
      return this == REMOVE_MEMBER || this == RENEW_CERTIFICATE || this == REVOKE_CERTIFICATE;
    }
  }

  /** A member's bridge address, as the descriptor names it. */
  public record Bridge(String host, long port, long tlsPort) {

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("host", host);
      json.put("port", port);
      json.put("tlsPort", tlsPort);
      return json;
    }
  }

  /**
   * A proposed update, as read from its transaction: {@code member} for add and renew (the subject
   * with its new signing certificate), {@code agreementCertificate} (base64url DER) for add and
   * optionally renew, {@code bridge} for add, {@code key} for revoke, {@code consentPolicy} for a
   * policy change.
   */
  public record Update(
      String id,
      InstitutionId proposer,
      String base,
      Change change,
      InstitutionId subject,
      Member member,
      String agreementCertificate,
      Bridge bridge,
      Fingerprint key,
      Map<String, Object> consentPolicy) {

    /** Reads a config-update transaction; a malformed body is {@code CL-1450}. */
    public static Update of(SignedTransaction tx) {
      Transaction t = tx.transaction();
      if (t.type() != TransactionType.CONFIG_UPDATE) {
        throw invalid("not a config-update transaction: " + t.type().wireName());
      }
      // e.g. an institution id of the wrong form, a certificate without an Ed25519 key: CL-1450
      return of(tx.idHex(), t.author(), t.body());
    }

    /**
     * Reads an update's body as {@code proposer} would submit it ({@code id} stands for the
     * transaction's id, not known before it is signed); a malformed body is {@code CL-1450}.
     */
    public static Update of(String id, InstitutionId proposer, Map<String, Object> body) {
      try {
        return read(id, proposer, body);
      } catch (CareLedgerException e) {
        throw e.errorCode() == ErrorCode.CONFIG_UPDATE_INVALID
            ? e
            : new CareLedgerException(ErrorCode.CONFIG_UPDATE_INVALID, e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new CareLedgerException(ErrorCode.CONFIG_UPDATE_INVALID, e.getMessage(), e);
      }
    }

    private static Update read(String id, InstitutionId proposer, Map<String, Object> body) {
      String base = Json.string(body, "base");
      if (!base.matches("[0-9a-f]{64}")) {
        throw invalid("'base' must be a transaction id (64 lower-case hex digits)");
      }
      String name = Json.string(body, "change");
      Change change =
          Change.ofWireName(name).orElseThrow(() -> invalid("unknown change '" + name + "'"));
      Set<String> keys =
          switch (change) {
            case ADD_MEMBER ->
                Set.of("base", "change", "subject", "cert", "agreementCert", "bridge");
            case REMOVE_MEMBER -> Set.of("base", "change", "subject");
            case RENEW_CERTIFICATE ->
                body.containsKey("agreementCert")
                    ? Set.of("base", "change", "subject", "cert", "agreementCert")
                    : Set.of("base", "change", "subject", "cert");
            case REVOKE_CERTIFICATE -> Set.of("base", "change", "subject", "key");
            case CONSENT_POLICY -> Set.of("base", "change", "consentPolicy");
          };
      if (!body.keySet().equals(keys)) {
        throw invalid("a " + name + " update has exactly the body members " + new TreeSet<>(keys));
      }
      InstitutionId subject =
          body.containsKey("subject") ? new InstitutionId(Json.string(body, "subject")) : null;
      Member member =
          body.containsKey("cert")
              ? new Member(subject, certificate(Json.base64url(body, "cert", -1), "cert"))
              : null;
      String agreement = null;
      if (body.containsKey("agreementCert")) {
        certificate(Json.base64url(body, "agreementCert", -1), "agreementCert");
        agreement = Json.string(body, "agreementCert");
      }
      Bridge bridge = null;
      if (body.containsKey("bridge")) {
        Map<String, Object> b = Json.object(body.get("bridge"), "bridge", 3);
        bridge = new Bridge(Json.string(b, "host"), port(b, "port"), port(b, "tlsPort"));
      }
      Fingerprint key = null;
      if (body.containsKey("key")) {
        key = new Fingerprint(Json.string(body, "key"));
      }
      Map<String, Object> policy =
          body.containsKey("consentPolicy")
              ? Map.copyOf(Json.object(body.get("consentPolicy"), "consentPolicy", -1))
              : null;
      return new Update(
          id, proposer, base, change, subject, member, agreement, bridge, key, policy);
    }

    private static long port(Map<String, Object> json, String key) {
      long port = Json.integer(json, key);
      if (port < 1 || port > 65535) {
        throw invalid("bridge '" + key + "' must be a port number");
      }
      return port;
    }
  }

  private record Pending(Update update, Set<InstitutionId> approvers) {}

  private final String id;
  private final long since;
  private final Membership membership;
  private final Map<String, Object> consentPolicy;
  private final Map<InstitutionId, String> agreementCertificates;
  private final Map<InstitutionId, Bridge> bridges;
  private final Map<String, Pending> pending;

  private ChannelConfig(
      String id,
      long since,
      Membership membership,
      Map<String, Object> consentPolicy,
      Map<InstitutionId, String> agreementCertificates,
      Map<InstitutionId, Bridge> bridges,
      Map<String, Pending> pending) {
    this.id = id;
    this.since = since;
    this.membership = membership;
    this.consentPolicy = consentPolicy;
    this.agreementCertificates = agreementCertificates;
    this.bridges = bridges;
    this.pending = pending;
  }

  /** The configuration a genesis block's channel-config transaction establishes (height 0 on). */
  public static ChannelConfig genesis(SignedTransaction config) {
    Transaction t = config.transaction();
    if (t.type() != TransactionType.CHANNEL_CONFIG) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "genesis must start with channel-config");
    }
    Map<String, Object> body = t.body();
    Membership membership = Membership.fromConfigBody(body);
    Map<String, Object> policy =
        body.get(FederatedGenesis.CONSENT_POLICY) instanceof Map<?, ?>
            ? Map.copyOf(Json.object(body.get(FederatedGenesis.CONSENT_POLICY), "policy", -1))
            : Map.of();
    Map<InstitutionId, String> agreement = new LinkedHashMap<>();
    if (body.get(FederatedGenesis.AGREEMENT_CERTIFICATES) instanceof List<?> list) {
      for (Object entry : list) {
        Map<String, Object> json = Json.object(entry, "agreement certificate", 2);
        agreement.put(
            new InstitutionId(Json.string(json, "institution")), Json.string(json, "cert"));
      }
    }
    return new ChannelConfig(
        config.idHex(), 0, membership, policy, Map.copyOf(agreement), Map.of(), Map.of());
  }

  /**
   * A configuration known from outside the chain (a test's, a tool's): the id is all zeros and it
   * is in force from height 0; updates based on it apply as usual.
   */
  public static ChannelConfig of(Membership membership) {
    return new ChannelConfig(
        "0".repeat(64),
        0,
        Objects.requireNonNull(membership),
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of());
  }

  /** The id of the transaction that made this configuration: genesis config or applied update. */
  public String id() {
    return id;
  }

  /** The height from which this configuration is in force. */
  public long since() {
    return since;
  }

  public Membership membership() {
    return membership;
  }

  /** The consent policy in force (empty for a channel that has none). */
  public Map<String, Object> consentPolicy() {
    return consentPolicy;
  }

  /** Agreement (X25519) certificates by member, base64url DER, where the chain carries them. */
  public Map<InstitutionId, String> agreementCertificates() {
    return agreementCertificates;
  }

  /** Bridge addresses of members that joined by a config update (the others are descriptor's). */
  public Map<InstitutionId, Bridge> bridges() {
    return bridges;
  }

  /** Pending updates in the order they were proposed: id → institutions that approved so far. */
  public Map<String, Set<InstitutionId>> pending() {
    Map<String, Set<InstitutionId>> view = new LinkedHashMap<>();
    pending.forEach((k, v) -> view.put(k, Set.copyOf(v.approvers())));
    return view;
  }

  /** A pending update by id. */
  public Optional<Update> pendingUpdate(String proposalId) {
    return Optional.ofNullable(pending.get(proposalId)).map(Pending::update);
  }

  /** The members who decide on {@code update} (see the class comment). */
  public List<InstitutionId> deciding(Update update) {
    List<InstitutionId> deciding = new ArrayList<>();
    for (Member member : membership.members()) {
      if (!(update.change().aboutMember() && member.institution().equals(update.subject()))) {
        deciding.add(member.institution());
      }
    }
    return deciding;
  }

  /** How many distinct deciding members must approve {@code update}. */
  public int approvalsNeeded(Update update) {
    List<Member> deciding = new ArrayList<>();
    for (InstitutionId institution : deciding(update)) {
      deciding.add(membership.listed(institution).orElseThrow());
    }
    return deciding.isEmpty() ? 1 : new Membership(deciding).quorum();
  }

  /**
   * Why {@code update} cannot apply to this configuration, or null if it can. Checked when a node
   * takes the transaction and again when a committed block is folded in (where a failing update is
   * void).
   */
  public String problem(Update update) {
    if (!update.base().equals(id)) {
      return "the update is based on configuration "
          + update.base()
          + ", but "
          + id
          + " is in force";
    }
    if (membership.byInstitution(update.proposer()).isEmpty()) {
      return update.proposer() + " is no member able to sign in this channel";
    }
    InstitutionId subject = update.subject();
    switch (update.change()) {
      case ADD_MEMBER -> {
        if (membership.isMember(subject)) {
          return subject + " is already a member";
        }
        if (membership.revoked().contains(update.member().signingFingerprint())) {
          return "the certificate of " + subject + " is revoked";
        }
      }
      case REMOVE_MEMBER -> {
        if (!membership.isMember(subject)) {
          return subject + " is not a member";
        }
        if (membership.size() == 1) {
          return "the last member cannot be removed";
        }
      }
      case RENEW_CERTIFICATE -> {
        Member current = membership.listed(subject).orElse(null);
        if (current == null) {
          return subject + " is not a member";
        }
        Fingerprint next = update.member().signingFingerprint();
        if (next.equals(current.signingFingerprint())) {
          return "the certificate of " + subject + " is the one in force";
        }
        if (membership.revoked().contains(next)) {
          return "the new certificate of " + subject + " is revoked";
        }
        if (membership.revoked().contains(current.signingFingerprint())
            && Arrays.equals(
                current.publicKey().getEncoded(), update.member().publicKey().getEncoded())) {
          return "the certificate of "
              + subject
              + " was revoked: its renewal needs a new key, not the same key in a new certificate";
        }
      }
      case REVOKE_CERTIFICATE -> {
        Member current = membership.listed(subject).orElse(null);
        if (current == null) {
          return subject + " is not a member";
        }
        if (!current.signingFingerprint().equals(update.key())) {
          return update.key() + " is not the signing certificate of " + subject + " in force";
        }
        if (membership.revoked().contains(update.key())) {
          return update.key() + " is already revoked";
        }
      }
      case CONSENT_POLICY -> {
        if (update.consentPolicy().equals(consentPolicy)) {
          return "the consent policy is the one in force";
        }
      }
    }
    if (update.change() != Change.CONSENT_POLICY && deciding(update).isEmpty()) {
      return "no member could approve it";
    }
    return null;
  }

  /**
   * Why {@code approver} cannot approve the pending update {@code proposalId} now, with its code,
   * or null if it can.
   */
  public CareLedgerException approvalProblem(String proposalId, InstitutionId approver) {
    Pending p = pending.get(proposalId);
    if (p == null) {
      return new CareLedgerException(
          ErrorCode.CONFIG_PROPOSAL_UNKNOWN,
          "no pending config update " + proposalId + " (unknown, applied or superseded)");
    }
    if (!deciding(p.update()).contains(approver)) {
      return new CareLedgerException(
          ErrorCode.CONFIG_APPROVAL_INVALID,
          approver
              + " does not decide on "
              + p.update().change().wireName()
              + " of "
              + p.update().subject());
    }
    if (p.approvers().contains(approver)) {
      return new CareLedgerException(
          ErrorCode.CONFIG_APPROVAL_INVALID, approver + " has approved " + proposalId + " already");
    }
    return null;
  }

  /**
   * The configuration of the height after {@code height}, given the transactions of the committed
   * block at {@code height} (whose signatures the caller has verified under this configuration).
   */
  public ChannelConfig next(long height, List<SignedTransaction> transactions) {
    ChannelConfig config = this;
    for (SignedTransaction tx : transactions) {
      TransactionType type = tx.transaction().type();
      if (type == TransactionType.CONFIG_UPDATE) {
        config = config.proposed(tx, height);
      } else if (type == TransactionType.CONFIG_APPROVAL) {
        config = config.approved(tx, height);
      }
    }
    return config;
  }

  private ChannelConfig proposed(SignedTransaction tx, long height) {
    Update update;
    try {
      update = Update.of(tx);
    } catch (CareLedgerException e) {
      return this; // void
    }
    if (problem(update) != null || pending.containsKey(update.id())) {
      return this;
    }
    Set<InstitutionId> approvers = new LinkedHashSet<>();
    if (deciding(update).contains(update.proposer())) {
      approvers.add(update.proposer());
    }
    return withPending(new Pending(update, approvers), height);
  }

  private ChannelConfig approved(SignedTransaction tx, long height) {
    Object proposal = tx.transaction().body().get("proposal");
    if (!(proposal instanceof String id)
        || approvalProblem(id, tx.transaction().author()) != null) {
      return this; // void
    }
    Pending p = pending.get(id);
    Set<InstitutionId> approvers = new LinkedHashSet<>(p.approvers());
    approvers.add(tx.transaction().author());
    return withPending(new Pending(p.update(), approvers), height);
  }

  private ChannelConfig withPending(Pending p, long height) {
    if (p.approvers().size() >= approvalsNeeded(p.update())) {
      return applied(p.update(), height + 1);
    }
    Map<String, Pending> next = new LinkedHashMap<>(pending);
    next.put(p.update().id(), p);
    return new ChannelConfig(
        id,
        since,
        membership,
        consentPolicy,
        agreementCertificates,
        bridges,
        java.util.Collections.unmodifiableMap(next));
  }

  private ChannelConfig applied(Update u, long from) {
    List<Member> members = new ArrayList<>(membership.members());
    Set<Fingerprint> revoked = new HashSet<>(membership.revoked());
    Map<String, Object> policy = consentPolicy;
    Map<InstitutionId, String> agreement = new LinkedHashMap<>(agreementCertificates);
    Map<InstitutionId, Bridge> bridge = new LinkedHashMap<>(bridges);
    switch (u.change()) {
      case ADD_MEMBER -> {
        members.add(u.member());
        agreement.put(u.subject(), u.agreementCertificate());
        bridge.put(u.subject(), u.bridge());
      }
      case REMOVE_MEMBER -> {
        members.removeIf(m -> m.institution().equals(u.subject()));
        agreement.remove(u.subject());
        bridge.remove(u.subject());
      }
      case RENEW_CERTIFICATE -> {
        members.replaceAll(m -> m.institution().equals(u.subject()) ? u.member() : m);
        if (u.agreementCertificate() != null) {
          agreement.put(u.subject(), u.agreementCertificate());
        }
      }
      case REVOKE_CERTIFICATE -> revoked.add(u.key());
      case CONSENT_POLICY -> policy = u.consentPolicy();
    }
    return new ChannelConfig(
        u.id(),
        from,
        new Membership(members, revoked),
        policy,
        Map.copyOf(agreement),
        Map.copyOf(bridge),
        Map.of());
  }

  // ---- bodies of the updates, for the nodes that propose them

  /** The body of an update adding {@code member}. */
  public static Map<String, Object> addMember(
      String base, Member member, byte[] agreementCertificate, Bridge bridge) {
    Map<String, Object> body = about(base, Change.ADD_MEMBER, member.institution());
    body.put("cert", member.toJson().get("cert"));
    body.put("agreementCert", Json.base64url(agreementCertificate));
    body.put("bridge", bridge.toJson());
    return body;
  }

  public static Map<String, Object> removeMember(String base, InstitutionId subject) {
    return about(base, Change.REMOVE_MEMBER, subject);
  }

  /** The body of an update giving a member a new signing (and maybe agreement) certificate. */
  public static Map<String, Object> renewCertificate(
      String base, Member renewed, byte[] agreementCertificate) {
    Map<String, Object> body = about(base, Change.RENEW_CERTIFICATE, renewed.institution());
    body.put("cert", renewed.toJson().get("cert"));
    if (agreementCertificate != null) {
      body.put("agreementCert", Json.base64url(agreementCertificate));
    }
    return body;
  }

  public static Map<String, Object> revokeCertificate(
      String base, InstitutionId subject, Fingerprint key) {
    Map<String, Object> body = about(base, Change.REVOKE_CERTIFICATE, subject);
    body.put("key", key.hex());
    return body;
  }

  public static Map<String, Object> consentPolicy(String base, Map<String, Object> policy) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("base", base);
    body.put("change", Change.CONSENT_POLICY.wireName());
    body.put("consentPolicy", policy);
    return body;
  }

  public static Map<String, Object> approval(String proposalId) {
    return Map.of("proposal", proposalId);
  }

  private static Map<String, Object> about(String base, Change change, InstitutionId subject) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("base", Objects.requireNonNull(base, "base"));
    body.put("change", change.wireName());
    body.put("subject", subject.value());
    return body;
  }

  private static X509Certificate certificate(byte[] der, String what) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw invalid("'" + what + "' is not an X.509 certificate");
    }
  }

  private static CareLedgerException invalid(String detail) {
    return new CareLedgerException(ErrorCode.CONFIG_UPDATE_INVALID, detail);
  }
}
