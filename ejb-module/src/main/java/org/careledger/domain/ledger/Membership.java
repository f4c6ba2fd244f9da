package org.careledger.domain.ledger;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;

/**
 * The members of a channel and how many of them must sign a block. The mode follows the size, as
 * ARCHITECTURE.md fixes it: one member signs alone (until consensus exists), two or three sign
 * unanimously, four or more need a BFT quorum of ⌈2n/3⌉ (= 2f+1 for n = 3f+1, as in QBFT).
 *
 * <p><b>Signers.</b> A member whose current signing certificate is revoked (by a channel-config
 * update, see {@link ChannelConfig}) or, seen from a block's time ({@link #atTime}), expired, stays
 * a member and counts in n and in the quorum, but cannot sign: {@link #byInstitution} does not
 * return it, so every check that looks a signer up (transaction signatures, commit seals, consensus
 * messages) refuses it. Keeping it in n is the safe choice: a BFT channel treats it as one of the f
 * faulty members, a unanimity channel stalls until it renews its certificate or is removed, and no
 * quorum ever shrinks because a certificate lapsed.
 */
public final class Membership {

  public enum Mode {
    SINGLE,
    UNANIMITY,
    BFT;

    /**
     * The name in descriptors and channel-config bodies: {@code single}, {@code unanimity}, {@code
     * bft}.
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Mode> ofWireName(String name) {
      for (Mode mode : values()) {
        if (mode.wireName().equals(name)) {
          return Optional.of(mode);
        }
      }
      return Optional.empty();
    }

    /** The mode a channel of {@code size} members uses. */
    public static Mode forSize(int size) {
      return size == 1 ? SINGLE : size <= 3 ? UNANIMITY : BFT;
    }
  }

  private final Map<InstitutionId, Member> members;
  private final Set<Fingerprint> revoked;

  public Membership(List<Member> members) {
    this(members, Set.of());
  }

  /**
   * @param revoked fingerprints of signing certificates that can no longer sign (a member whose
   *     current certificate is among them stays a member but is no signer)
   */
  public Membership(List<Member> members, Set<Fingerprint> revoked) {
    if (members.isEmpty()) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "a channel needs at least one member");
    }
    Map<InstitutionId, Member> byInstitution = new LinkedHashMap<>();
    for (Member member : members) {
      if (byInstitution.put(member.institution(), member) != null) {
        throw new CareLedgerException(
            ErrorCode.TX_MALFORMED, "member " + member.institution() + " is listed twice");
      }
    }
    this.members = Map.copyOf(byInstitution);
    this.revoked = Set.copyOf(revoked);
  }

  /**
   * The member {@code institution} as a signer: empty if it is no member or its current signing
   * certificate is revoked (or expired, in a view from {@link #atTime}).
   */
  public Optional<Member> byInstitution(InstitutionId institution) {
    Member member = members.get(institution);
    return member == null || revoked.contains(member.signingFingerprint())
        ? Optional.empty()
        : Optional.of(member);
  }

  /** The member {@code institution}, whether or not it can sign. */
  public Optional<Member> listed(InstitutionId institution) {
    return Optional.ofNullable(members.get(institution));
  }

  /** Whether {@code institution} is a member (whether or not it can sign). */
  public boolean isMember(InstitutionId institution) {
    return members.containsKey(institution);
  }

  /** Fingerprints of signing certificates revoked in this channel. */
  public Set<Fingerprint> revoked() {
    return revoked;
  }

  /**
   * This membership as seen by a block of time {@code millis}: members whose signing certificate
   * has expired by then cannot sign in it. The same for every node, since block times are on the
   * chain.
   */
  public Membership atTime(long millis) {
    Set<Fingerprint> lapsed = null;
    for (Member member : members.values()) {
      if (!member.validAt(millis) && !revoked.contains(member.signingFingerprint())) {
        if (lapsed == null) {
          lapsed = new HashSet<>(revoked);
        }
        lapsed.add(member.signingFingerprint());
      }
    }
    return lapsed == null ? this : new Membership(List.copyOf(members.values()), lapsed);
  }

  /**
   * The members in the order of their institution ids (Java string order), the same on every node:
   * consensus derives proposer rotation from it.
   */
  public List<Member> members() {
    return members.values().stream()
        .sorted((a, b) -> a.institution().value().compareTo(b.institution().value()))
        .toList();
  }

  public int size() {
    return members.size();
  }

  public Mode mode() {
    return Mode.forSize(size());
  }

  /** Distinct member signatures a block's commit certificate needs. */
  public int quorum() {
    return switch (mode()) {
      case SINGLE, UNANIMITY -> size();
      case BFT -> (2 * size() + 2) / 3;
    };
  }

  /** The body of a channel-config transaction that establishes these members. */
  public Map<String, Object> toConfigBody() {
    List<Object> list = new ArrayList<>();
    members.values().stream()
        .sorted((a, b) -> a.institution().value().compareTo(b.institution().value()))
        .forEach(member -> list.add(member.toJson()));
    return Map.of("members", list);
  }

  /** Reads the members from a channel-config transaction's body. */
  public static Membership fromConfigBody(Map<String, Object> body) {
    List<Member> members = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (Object entry : Json.array(body, "members")) {
        Map<String, Object> json = Json.object(entry, "member", 2);
        X509Certificate cert =
            (X509Certificate)
                x509.generateCertificate(
                    new ByteArrayInputStream(Json.base64url(json, "cert", -1)));
        members.add(new Member(new InstitutionId(Json.string(json, "institution")), cert));
      }
    } catch (CertificateException e) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "channel-config holds a certificate that cannot be read", e);
    }
    return new Membership(members);
  }
}
