package org.careledger.application;

import jakarta.ejb.Local;
import org.careledger.domain.identity.NodeIdentity;

/** The node's own identity, for the services that sign in its name. Never exposed to interfaces. */
@Local
public interface NodeKeys {

  /**
   * @throws org.careledger.domain.CareLedgerException NODE_NOT_READY before the identity is loaded
   */
  NodeIdentity identity();
}
