package org.careledger.infrastructure.federation;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.MessageDriven;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.time.Instant;
import java.util.logging.Logger;
import org.careledger.application.federation.FederationInboundHandler;
import org.careledger.application.federation.InboundFederationMessage;
import org.careledger.domain.ErrorCode;

/**
 * Reads this node's federation inbound queue, into which the peers' JMS bridges deliver, and hands
 * each message's bytes to the {@link FederationInboundHandler} in the listener's transaction.
 * Translates only: the handler decides. Listeners run in parallel, so order is not kept.
 */
@MessageDriven(
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "destinationLookup",
          propertyValue = "java:/jms/careledger/FederationInbound"),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Queue")
    })
public class FederationInboundMdb implements MessageListener {

  private static final Logger LOG = Logger.getLogger(FederationInboundMdb.class.getName());

  @EJB private FederationInboundHandler handler;

  @Override
  public void onMessage(Message message) {
    try {
      if (!(message instanceof BytesMessage bytes)) {
        LOG.warning(
            ErrorCode.FEDERATION_MESSAGE_MALFORMED
                + ": dropped a federation message that is not a BytesMessage ("
                + message.getClass().getSimpleName()
                + ")");
        return;
      }
      byte[] payload = new byte[(int) bytes.getBodyLength()];
      bytes.readBytes(payload);
      handler.handle(
          new InboundFederationMessage(
              message.getStringProperty(JmsFederationTransport.SENDER_PROPERTY),
              payload,
              Instant.now()));
    } catch (JMSException e) {
      throw new EJBException("cannot read a federation message", e);
    }
  }
}
