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

  /** {@code current} first, then the renewals in the order they were made. */
  public NodeKeyRing(NodeIdentity current, List<NodeIdentity> renewals) {
    List<NodeIdentity> all = new ArrayList<>();
    all.add(current);
    all.addAll(renewals);
    this.identities = List.copyOf(all);
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
    int age = age(inForce);
    return identities.stream()
        .filter(i -> age(i) > age)
        .max(
            Comparator.comparingInt(this::age)
                .thenComparing(i -> i.signingCertificate().getNotBefore())
                .thenComparingInt(identities::indexOf));
  }

  /** The newest renewal (the last made), if any. */
  public Optional<NodeIdentity> newest() {
    return identities.size() > 1
        ? Optional.of(identities.get(identities.size() - 1))
        : Optional.empty();
  }

  /**
   * The rank of {@code identity}'s key among the keys held, oldest 0: by its first certificate's
   * notBefore, then by position.
   */
  private int age(NodeIdentity identity) {
    List<NodeIdentity> firsts = new ArrayList<>();
    for (NodeIdentity i : identities) {
      if (firsts.stream().noneMatch(f -> sameKey(f, i))) {
        firsts.add(i);
      }
    }
    List<NodeIdentity> ordered = new ArrayList<>(firsts);
    ordered.sort(
        Comparator.comparing((NodeIdentity i) -> i.signingCertificate().getNotBefore())
            .thenComparingInt(firsts::indexOf));
    for (int rank = 0; rank < ordered.size(); rank++) {
      if (sameKey(ordered.get(rank), identity)) {
        return rank;
      }
    }
    throw new IllegalArgumentException("not a key of this node: " + identity);
  }

  /** Whether two identities sign with the same key (their certificates' public keys). */
  public static boolean sameKey(NodeIdentity a, NodeIdentity b) {
    return Arrays.equals(
        a.signingCertificate().getPublicKey().getEncoded(),
        b.signingCertificate().getPublicKey().getEncoded());
  }
}
