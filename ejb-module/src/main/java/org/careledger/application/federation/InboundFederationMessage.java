package org.careledger.application.federation;

import java.time.Instant;
import java.util.Objects;

/**
 * One message as the inbound queue delivered it.
 *
 * @param declaredSender the institution the sending node named itself (a JMS property the sender
 *     sets; not proof of anything until messages are signed)
 * @param payload the bytes the sender passed to {@link FederationTransport#send}
 * @param receivedAt when this node's listener took the message
 */
public record InboundFederationMessage(String declaredSender, byte[] payload, Instant receivedAt) {

  public InboundFederationMessage {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }
}
