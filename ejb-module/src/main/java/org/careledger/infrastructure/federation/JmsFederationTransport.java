package org.careledger.infrastructure.federation;

import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import org.careledger.application.NodeKeys;
import org.careledger.application.federation.FederationTransport;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;

/**
 * Puts each payload as a persistent {@link BytesMessage} on {@value #OUTBOUND_JNDI_PREFIX}{@code
 * <peer>}. The container-injected {@link JMSContext} (default pooled connection factory) enlists in
 * the caller's JTA transaction (Jakarta Messaging 3.1, section 12.4), so the message exists only if
 * that transaction commits. The queue exists only if a bridge to the peer was configured: that
 * lookup is what tells a peer from a stranger.
 */
@Stateless
@Local(FederationTransport.class)
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class JmsFederationTransport implements FederationTransport {

  /** JNDI prefix of the outbound queues; server-config's federation tool creates them. */
  public static final String OUTBOUND_JNDI_PREFIX = "java:/jms/careledger/outbound/";

  /** JMS property naming the sending institution (self-declared; signatures come later). */
  public static final String SENDER_PROPERTY = "CareLedgerSender";

  @Inject private JMSContext jms;
  @EJB private NodeKeys keys;

  @Override
  public void send(InstitutionId peer, byte[] payload) {
    Queue queue = outboundQueue(peer);
    try {
      BytesMessage message = jms.createBytesMessage();
      message.writeBytes(payload);
      message.setStringProperty(SENDER_PROPERTY, keys.identity().institutionId().value());
      jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(queue, message);
    } catch (JMSException | JMSRuntimeException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_SEND_FAILED,
          "cannot queue a message for " + peer + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Queues found so far, by peer: a JNDI lookup per message showed up in profiles. Only found
   * queues are kept, so a bridge configured later is seen at the next send.
   */
  private static final java.util.concurrent.ConcurrentMap<InstitutionId, Queue> QUEUES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Queue outboundQueue(InstitutionId peer) {
    Queue known = QUEUES.get(peer);
    if (known != null) {
      return known;
    }
    try {
      Queue queue = (Queue) new InitialContext().lookup(OUTBOUND_JNDI_PREFIX + peer.value());
      QUEUES.put(peer, queue);
      return queue;
    } catch (NameNotFoundException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_PEER_UNKNOWN,
          "no bridge to institution '" + peer + "' is configured on this node");
    } catch (NamingException | ClassCastException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_SEND_FAILED,
          "the outbound queue for " + peer + " cannot be looked up: " + e,
          e);
    }
  }
}
