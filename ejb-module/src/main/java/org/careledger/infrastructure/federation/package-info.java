/**
 * The federation transport on WildFly's Artemis broker: a durable outbound queue per peer, drained
 * by a JMS bridge into the peer's inbound queue (configured by server-config's federation tool),
 * and the message-driven bean that reads this node's inbound queue.
 */
package org.careledger.infrastructure.federation;
