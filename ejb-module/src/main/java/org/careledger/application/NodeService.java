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

  /** Most recent first, at most {@code limit}. */
  List<NodeStart> startHistory(int limit);
}
