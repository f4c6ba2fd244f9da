package org.careledger.application.federation;

import jakarta.ejb.Local;
import org.careledger.domain.identity.InstitutionId;

/**
 * Sends opaque bytes to one peer institution. The bytes go to this node's durable outbound queue
 * for that peer, inside the caller's JTA transaction: a rollback sends nothing, a commit makes the
 * message durable here, and the JMS bridge forwards it when the peer can be reached (store and
 * forward). Delivery is at least once and unordered: receivers must tolerate duplicates and
 * reordering (the federation envelope's replay guard drops duplicates).
 */
@Local
public interface FederationTransport {

  /**
   * @throws org.careledger.domain.CareLedgerException {@code FEDERATION_PEER_UNKNOWN} when no
   *     bridge to {@code peer} is configured on this node, {@code FEDERATION_SEND_FAILED} when the
   *     local broker refuses the message
   */
  void send(InstitutionId peer, byte[] payload);
}
