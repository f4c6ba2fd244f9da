package org.careledger.application;

import jakarta.ejb.Local;
import java.util.Optional;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.NodeIdentity;

/** The node's own identity, for the services that sign in its name. Never exposed to interfaces. */
@Local
public interface NodeKeys {

  /**
   * @throws org.careledger.domain.CareLedgerException NODE_NOT_READY before the identity is loaded
   */
  NodeIdentity identity();

  /**
   * The node's identity whose signing certificate has {@code signing}'s fingerprint: the current
   * one or, during a key renewal, the next one (a channel that applied the renewal names the new
   * key, one that did not yet the old). Empty for a key this node does not hold.
   */
  default Optional<NodeIdentity> identity(Fingerprint signing) {
    NodeIdentity current = identity();
    return current.signingFingerprint().equals(signing) ? Optional.of(current) : Optional.empty();
  }

  /** The next identity of a key renewal, if one was made. */
  default Optional<NodeIdentity> nextIdentity() {
    return Optional.empty();
  }
}
