package org.careledger.application.internal;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Local;
import jakarta.ejb.Singleton;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import org.careledger.application.NodeKeys;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.application.federation.FederationTransport;
import org.careledger.application.federation.InboundFederationMessage;
import org.careledger.application.federation.Ping;
import org.careledger.application.federation.PingService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.federation.MessageType;
import org.careledger.domain.identity.InstitutionId;

/**
 * Sends pings and records the pings that arrive (handed over by the federation inbound handler,
 * {@link ConsensusDriver}). Received pings are kept in memory only (the last {@value #KEEP}): they
 * prove that bridges deliver, nothing more. Until consensus messages exist, any other payload is
 * refused as malformed, which drops it.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@Local(PingService.class)
public class DefaultPingService implements PingService {

  private static final Logger LOG = Logger.getLogger(DefaultPingService.class.getName());
  static final int KEEP = 10_000;

  private final SecureRandom random = new SecureRandom();
  private final Deque<ReceivedPing> received = new ArrayDeque<>();

  @EJB private FederationTransport transport;
  @EJB private NodeKeys keys;
  @EJB private ConsensusService consensus;

  @Override
  public SentPing ping(String peer) {
    InstitutionId to = new InstitutionId(peer);
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    Ping ping =
        Ping.of(
            keys.identity().institutionId(), nonce, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    try {
      // Signed in an envelope once the node is in a federation; bare before (transport check).
      byte[] bytes = consensus.seal(null, MessageType.PING, ping.encode()).orElse(ping.encode());
      transport.send(to, bytes);
    } catch (EJBException e) {
      // The transport's coded refusal arrives wrapped (a system exception of another bean); the
      // caller should see its code, not an internal error.
      if (e.getCause() instanceof CareLedgerException coded) {
        throw coded;
      }
      throw e;
    }
    return new SentPing(to.value(), ping.nonce(), ping.sentAt());
  }

  @Override
  public List<ReceivedPing> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @Override
  public void receive(InboundFederationMessage message) {
    Ping ping;
    try {
      if (!Ping.isPing(message.payload())) {
        throw new CareLedgerException(
            ErrorCode.FEDERATION_MESSAGE_MALFORMED,
            "no handler for this federation message kind yet (only pings are read)");
      }
      ping = Ping.decode(message.payload());
    } catch (CareLedgerException e) {
      LOG.warning(
          e.errorCode()
              + ": dropped a federation message ("
              + message.payload().length
              + " bytes) declared from "
              + message.declaredSender()
              + ": "
              + e.getMessage());
      return;
    }
    ReceivedPing entry =
        new ReceivedPing(
            ping.from().value(),
            message.declaredSender(),
            ping.nonce(),
            ping.sentAt(),
            message.receivedAt());
    synchronized (received) {
      if (received.size() == KEEP) {
        received.removeFirst();
      }
      received.addLast(entry);
    }
    LOG.fine(() -> "ping " + entry.nonce() + " from " + entry.from());
  }
}
