package org.careledger.domain.identity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The signing identities a node holds: the one it was created with and those made for certificate
 * renewals (a new key, or a new certificate for a key it has). Each channel names one of them for
 * the node (its configuration in force); the node signs there with that one.
 *
 * <p>Which renewal a channel gets: a key renewal for a channel that names key K is the newest key
 * made after K, so an institution renewing channel after channel gives each the same new key, and
 * one that renews a channel again (the next year) gets a key newer than the one that channel has. A
 * key's age is the notBefore of its first certificate (then the order the node made them).
 */
public final class NodeKeyRing {

  private final List<NodeIdentity> identities;

  /** Each identity's key's age rank (oldest 0), by position in {@link #identities}. */
  private final int[] ages;

  /** {@code current} first, then the renewals in the order they were made. */
  public NodeKeyRing(NodeIdentity current, List<NodeIdentity> renewals) {
    List<NodeIdentity> all = new ArrayList<>();
    all.add(current);
    all.addAll(renewals);
    this.identities = List.copyOf(all);
    // A key's first certificate stands for it; keys ranked by its notBefore, then by position.
    List<NodeIdentity> firsts = new ArrayList<>();
    for (NodeIdentity i : identities) {
      if (firsts.stream().noneMatch(f -> sameKey(f, i))) {
        firsts.add(i);
      }
    }
    List<NodeIdentity> byAge = new ArrayList<>(firsts);
    byAge.sort(
        Comparator.comparing((NodeIdentity i) -> i.signingCertificate().getNotBefore())
            .thenComparingInt(firsts::indexOf));
    this.ages = new int[identities.size()];
    for (int n = 0; n < identities.size(); n++) {
      for (int rank = 0; rank < byAge.size(); rank++) {
        if (sameKey(byAge.get(rank), identities.get(n))) {
          ages[n] = rank;
        }
      }
    }
  }

  public List<NodeIdentity> identities() {
    return identities;
  }

  /** The identity whose signing certificate has this fingerprint. */
  public Optional<NodeIdentity> find(Fingerprint signing) {
    return identities.stream().filter(i -> i.signingFingerprint().equals(signing)).findFirst();
  }

  /**
   * The newest key made after {@code inForce}'s (with its newest certificate), if there is one: the
   * key a channel naming {@code inForce} is renewed to.
   */
  public Optional<NodeIdentity> newerKeyThan(NodeIdentity inForce) {
    int index = identities.indexOf(inForce);
    if (index < 0) {
      throw new IllegalArgumentException("not an identity of this node: " + inForce);
    }
    int newest = -1;
    for (int n = 0; n < identities.size(); n++) {
      if (ages[n] > ages[index]
          && (newest < 0
              || ages[n] > ages[newest]
              || (ages[n] == ages[newest]
                  && !identities
                      .get(n)
                      .signingCertificate()
                      .getNotBefore()
                      .before(identities.get(newest).signingCertificate().getNotBefore())))) {
        newest = n;
      }
    }
    return newest < 0 ? Optional.empty() : Optional.of(identities.get(newest));
  }

  /** The newest renewal (the last made), if any. */
  public Optional<NodeIdentity> newest() {
    return identities.size() > 1
        ? Optional.of(identities.get(identities.size() - 1))
        : Optional.empty();
  }

  /** Whether two identities sign with the same key (their certificates' public keys). */
  public static boolean sameKey(NodeIdentity a, NodeIdentity b) {
    return Arrays.equals(
        a.signingCertificate().getPublicKey().getEncoded(),
        b.signingCertificate().getPublicKey().getEncoded());
  }
}
