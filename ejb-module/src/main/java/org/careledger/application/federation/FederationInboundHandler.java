package org.careledger.application.federation;

import jakarta.ejb.Local;

/**
 * Receives every message that arrives on this node's federation inbound queue, in the message
 * listener's transaction. A message the handler cannot read is logged with {@code
 * FEDERATION_MESSAGE_MALFORMED} and the handler returns normally, which drops it (it would fail
 * again); an exception rolls the transaction back and JMS redelivers the message (at most 10 times,
 * then it goes to the federation DLQ). Messages arrive unordered and possibly more than once.
 */
@Local
public interface FederationInboundHandler {

  void handle(InboundFederationMessage message);
}
