package org.careledger.application.federation;

import jakarta.ejb.Local;
import java.time.Instant;
import java.util.List;

/** Pings peers through the federation transport and remembers the pings that arrived here. */
@Local
public interface PingService {

  /** What was sent: to whom, the nonce to look for at the peer, and when. */
  record SentPing(String peer, String nonce, Instant sentAt) {}

  /**
   * A ping that arrived here. {@code from} is what the ping says; {@code sender} what the sending
   * node's transport declared on the JMS message. Neither is authenticated until messages are
   * signed (FederationEnvelope); the bridge user only proves the message came through a bridge.
   */
  record ReceivedPing(
      String from, String sender, String nonce, Instant sentAt, Instant receivedAt) {}

  /**
   * Sends a ping with a fresh random nonce to {@code peer}, in the caller's transaction.
   *
   * @throws org.careledger.domain.CareLedgerException {@code INVALID_INSTITUTION_ID}, {@code
   *     FEDERATION_PEER_UNKNOWN}, {@code FEDERATION_SEND_FAILED}
   */
  SentPing ping(String peer);

  /**
   * Records a ping that arrived: inside a verified federation envelope (then {@code declaredSender}
   * is the envelope's authenticated sender) or, before the node has a federation descriptor, as the
   * transport check's bare ping. Anything else is logged and dropped.
   */
  void receive(InboundFederationMessage message);

  /** Pings received since this node started, oldest first (at most the last 10,000). */
  List<ReceivedPing> received();
}
