package org.careledger.application;

import jakarta.ejb.Local;
import java.util.List;

/** The node itself: its identity, its readiness and its start history. */
@Local
public interface NodeService {

  NodeStatus status();

  /**
   * @throws org.careledger.domain.CareLedgerException with {@code NODE_NOT_READY} until the node is
   *     ready
   */
  NodeInfo nodeInfo();

  /**
   * The signing, agreement and TLS certificates, for the federation descriptor.
   *
   * @throws org.careledger.domain.CareLedgerException with {@code NODE_NOT_READY} until the node is
   *     ready
   */
  NodeCertificates certificates();

  /**
   * The certificates of the node's next identity, made now if there is none: a new signing key for
   * a {@code renew-certificate} update (agreement and TLS certificates unchanged). Each channel
   * switches this member to the new key when its members apply the renewal; the node keeps both
   * keys and signs in each channel with the one in force there.
   *
   * @throws org.careledger.domain.CareLedgerException with {@code NODE_NOT_READY} until the node is
   *     ready
   */
  NodeCertificates nextCertificates();

  /**
   * The certificates for a {@code renew-certificate} update of a channel that names {@code inForce}
   * for this node: with {@code sameKey} a new certificate for that key, otherwise the newest key
   * made after it (made now if there is none). Kept with the node's other renewals; the node signs
   * in each channel with what the channel names.
   */
  NodeCertificates renewalCertificates(
      org.careledger.domain.identity.Fingerprint inForce, boolean sameKey);

  /** Most recent first, at most {@code limit}. */
  List<NodeStart> startHistory(int limit);
}
