package org.careledger.it;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * The JMS side of a node that is not a member: what a server of another institution, holding a TLS
 * identity from another CA, can do with a member's broker when it has some bridge account. Run by
 * {@code FederationIT} as a separate JVM on WildFly's own client jar ({@code
 * bin/client/jboss-client.jar}) plus the test classes, exactly as a bridge connects: remote JNDI
 * over {@code remote+https}, then the exported TLS connection factory. The JVM's default SSL
 * context (javax.net.ssl.* properties) holds the foreign key and trusts the member's TLS
 * certificate, fetched from the member like any client would.
 *
 * <pre>
 * ForeignNodeClient URL USER PASSWORD send FILE SENDER   put FILE's bytes into the inbound queue
 * ForeignNodeClient URL USER PASSWORD consume QUEUE      try to read from the queue of that name
 * </pre>
 *
 * Prints one line, {@code SENT}, {@code CONSUMED <n>} or {@code REFUSED <exception>: <message>},
 * and exits 0 (the test reads the line; a refusal is an expected outcome).
 */
public final class ForeignNodeClient {

  private ForeignNodeClient() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String operation = args[3];
    try {
      Hashtable<String, String> env = new Hashtable<>();
      env.put(
          Context.INITIAL_CONTEXT_FACTORY,
          "org.wildfly.naming.client.WildFlyInitialContextFactory");
      env.put(Context.PROVIDER_URL, url);
      env.put(Context.SECURITY_PRINCIPAL, user);
      env.put(Context.SECURITY_CREDENTIALS, password);
      InitialContext context = new InitialContext(env);
      try {
        ConnectionFactory factory =
            (ConnectionFactory) context.lookup("jms/careledger/RemoteConnectionFactoryTls");
        try (Connection connection = factory.createConnection(user, password)) {
          Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
          if (operation.equals("send")) {
            Queue inbound = (Queue) context.lookup("jms/careledger/FederationInbound");
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(Files.readAllBytes(Path.of(args[4])));
            message.setStringProperty("CareLedgerSender", args[5]);
            try (MessageProducer producer = session.createProducer(inbound)) {
              producer.send(message);
            }
            System.out.println("SENT");
          } else if (operation.equals("consume")) {
            connection.start();
            int read = 0;
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(args[4]))) {
              while (consumer.receive(2_000) != null) {
                read++;
              }
            }
            System.out.println("CONSUMED " + read);
          } else {
            throw new IllegalArgumentException("unknown operation " + operation);
          }
        }
      } finally {
        context.close();
      }
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      System.out.println(
          "REFUSED " + e.getClass().getName() + ": " + e.getMessage() + " / " + root);
    }
    System.exit(0);
  }
}
