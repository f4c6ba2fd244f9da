package org.careledger.federation.tool;

import java.util.Map;

/**
 * The jboss-cli script that gives one node its side of the federation, from the descriptor: for
 * every peer sharing a channel with it, a durable outbound queue {@code CareLedgerOutbound.<peer>}
 * and a JMS bridge {@code careledger-to-<peer>} from that queue into the peer's {@code
 * CareLedgerFederationInbound}.
 *
 * <p>Idempotent and additive: every add is guarded by {@code read-resource}, and nothing existing
 * is written, removed or re-created, so a new member's bridges appear without touching the others'.
 * The one removal: the bridge, outbound queue and password of a peer this node no longer shares any
 * channel with (it left them, or this node did: {@code obsolete}), each guarded the same way. The
 * script runs against the running server; a JMS bridge added at run time starts at once.
 *
 * <p>Bridge settings, and why:
 *
 * <ul>
 *   <li>{@code quality-of-service=DUPLICATES_OK}: at-least-once. ONCE_AND_ONLY_ONCE would need XA
 *       connection factories on both sides and a two-phase commit over the network per message
 *       (plus recovery configuration for the remote resource); the federation protocol already
 *       tolerates duplicates (the envelope's replay guard drops them, votes are idempotent), so the
 *       cheaper guarantee is the right one. {@code add-messageID-in-header} keeps the original
 *       message id for diagnosis.
 *   <li>{@code max-retries=-1}, {@code failure-retry-interval=1000}: a peer may be away for hours;
 *       the bridge keeps trying and messages wait in the durable outbound queue (store and forward;
 *       the queue's address setting never sends them to a DLQ).
 *   <li>{@code max-batch-size=1}: forward each message at once (with 10, the bridge held messages
 *       until 10 piled up, adding up to {@code max-batch-time} of latency).
 *   <li>TLS: the target is reached on the peer's HTTPS port, through its remote JNDI ({@code
 *       remote+https}) and its {@code jms/careledger/RemoteConnectionFactoryTls} (Artemis over an
 *       HTTP upgrade of the HTTPS listener). This node's default SSL context trusts exactly the
 *       members' TLS certificates from the descriptor (see {@link Truststore}).
 *   <li>An institution run as a cluster of nodes (federation.sh's {@code
 *       CARELEDGER_FEDERATION_CLUSTER}): the provider URL names each of its nodes ({@code
 *       remote+https://a:p1,remote+https://b:p2}); the naming client takes one that answers, and
 *       the bridge, whenever its connection fails (the node died), connects anew through the list.
 *       Whichever node the bridge reaches, the member gets the messages: a standby node forwards
 *       them (ConsensusDriver, the cluster inbox). Between real institutions the descriptor's
 *       address is the institution's load balancer instead.
 *   <li>The bridge authenticates as {@code bridge-<this node>}, a user in the peer's
 *       ApplicationRealm whose password this node keeps in its credential store under {@code
 *       bridge-to-<peer>}.
 * </ul>
 */
final class BridgeCli {

  static final String SERVER = "/subsystem=messaging-activemq/server=default";
  static final String STORE = "/subsystem=elytron/credential-store=careledger";

  private BridgeCli() {}

  /**
   * The member's HTTPS listener, which its Artemis accepts bridges on (descriptor {@code tlsPort}).
   */
  static int httpsPort(Descriptor.Member member) {
    return member.tlsPort();
  }

  static String queueName(String peer) {
    return "CareLedgerOutbound." + peer;
  }

  static String queueJndi(String peer) {
    return "java:/jms/careledger/outbound/" + peer;
  }

  static String bridgeName(String peer) {
    return "careledger-to-" + peer;
  }

  /** The user a node's bridge logs in as at its peers. */
  static String bridgeUser(String institution) {
    return "bridge-" + institution;
  }

  /** The credential-store alias under which a node keeps its password at {@code peer}. */
  static String credentialAlias(String peer) {
    return "bridge-to-" + peer;
  }

  /**
   * @param newSecrets passwords to (re)write into this node's credential store, by alias: the
   *     script then holds secrets and must be kept private and deleted after use
   * @param reloadUsers whether this node's application users file changed (a peer's bridge user was
   *     added), so the realm must re-read it
   */
  static String forNode(
      Descriptor descriptor,
      String self,
      Map<String, String> newSecrets,
      boolean reloadUsers,
      boolean reloadTrust) {
    return forNode(descriptor, self, newSecrets, reloadUsers, reloadTrust, java.util.List.of());
  }

  /**
   * @param obsolete peers this node had bridges to and shares no channel with any more: their
   *     bridges, outbound queues (with whatever still waits in them) and passwords go
   */
  static String forNode(
      Descriptor descriptor,
      String self,
      Map<String, String> newSecrets,
      boolean reloadUsers,
      boolean reloadTrust,
      java.util.List<String> obsolete) {
    return forNode(descriptor, self, newSecrets, reloadUsers, reloadTrust, obsolete, Map.of());
  }

  /**
   * @param also more nodes (HOST:HTTPS_PORT) of peers run as clusters, by institution: each bridge
   *     to such a peer names all of its nodes
   */
  static String forNode(
      Descriptor descriptor,
      String self,
      Map<String, String> newSecrets,
      boolean reloadUsers,
      boolean reloadTrust,
      java.util.List<String> obsolete,
      Map<String, java.util.List<String>> also) {
    descriptor.member(self);
    StringBuilder cli = new StringBuilder();
    cli.append("# CareLedger federation '")
        .append(descriptor.federation())
        .append("': bridges of ")
        .append(self)
        .append(". Generated from the federation descriptor; safe to re-run.\n");
    if (reloadTrust) {
      // The truststore file changed (a member joined or renewed its TLS certificate).
      cli.append("/subsystem=elytron/key-store=careledger-federation-trust:load\n");
      cli.append("/subsystem=elytron/trust-manager=careledger-federation-trust:init\n");
    }
    if (reloadUsers) {
      cli.append("/subsystem=elytron/properties-realm=ApplicationRealm:load\n");
    }
    if (!newSecrets.isEmpty()) {
      // The store's file first: another node of an institution run as a cluster shares it and
      // may have added aliases since this node read it; writing from a stale copy would drop them.
      cli.append(STORE).append(":reload\n");
    }
    for (Map.Entry<String, String> secret : newSecrets.entrySet()) {
      String value = quote(secret.getValue());
      String alias = secret.getKey();
      cli.append("if (outcome != success) of ")
          .append(STORE)
          .append(":set-secret(alias=")
          .append(alias)
          .append(", secret-value=")
          .append(value)
          .append(")\n  ")
          .append(STORE)
          .append(":add-alias(alias=")
          .append(alias)
          .append(", secret-value=")
          .append(value)
          .append(")\nend-if\n");
    }
    for (String gone : obsolete) {
      guardedRemove(cli, "/subsystem=messaging-activemq/jms-bridge=" + bridgeName(gone));
      guardedRemove(cli, SERVER + "/jms-queue=" + queueName(gone));
      cli.append("try\n  ")
          .append(STORE)
          .append(":remove-alias(alias=")
          .append(credentialAlias(gone))
          .append(")\ncatch\n  ")
          .append(STORE)
          .append(":read-aliases\nend-try\n");
    }
    for (Descriptor.Member peer : descriptor.peersOf(self)) {
      String p = peer.institution();
      String queue = SERVER + "/jms-queue=" + queueName(p);
      String bridge = "/subsystem=messaging-activemq/jms-bridge=" + bridgeName(p);
      guardedAdd(cli, queue, "add(entries=[\"" + queueJndi(p) + "\"], durable=true)");
      guardedAdd(
          cli,
          bridge,
          "add(module=org.apache.activemq.artemis"
              + ", quality-of-service=DUPLICATES_OK"
              + ", failure-retry-interval=1000, max-retries=-1"
              + ", max-batch-size=1, max-batch-time=100"
              + ", add-messageID-in-header=true"
              + ", source-connection-factory=ConnectionFactory"
              + ", source-destination=\""
              + queueJndi(p)
              + "\", target-connection-factory=jms/careledger/RemoteConnectionFactoryTls"
              + ", target-destination=jms/careledger/FederationInbound"
              + ", target-user="
              + bridgeUser(self)
              + ", target-credential-reference={store=careledger, alias="
              + credentialAlias(p)
              + "}"
              + ", target-context={java.naming.factory.initial=org.wildfly.naming.client.WildFlyInitialContextFactory"
              + ", java.naming.provider.url=\""
              + providerUrl(peer, also.getOrDefault(p, java.util.List.of()))
              + "\"})");
      if (newSecrets.containsKey(credentialAlias(p))) {
        // A bridge that existed before its password changed reads the new one only on (re)start.
        cli.append("if (outcome == success) of ")
            .append(bridge)
            .append(":read-resource\n  ")
            .append(bridge)
            .append(":stop\n  ")
            .append(bridge)
            .append(":start\nend-if\n");
      }
    }
    return cli.toString();
  }

  /** The peer's remote JNDI URL: its descriptor address, then any more nodes of its cluster. */
  static String providerUrl(Descriptor.Member peer, java.util.List<String> also) {
    StringBuilder url =
        new StringBuilder("remote+https://")
            .append(peer.host())
            .append(':')
            .append(httpsPort(peer));
    for (String node : also) {
      url.append(",remote+https://").append(node);
    }
    return url.toString();
  }

  private static void guardedRemove(StringBuilder cli, String address) {
    cli.append("if (outcome == success) of ")
        .append(address)
        .append(":read-resource\n  ")
        .append(address)
        .append(":remove\nend-if\n");
  }

  private static void guardedAdd(StringBuilder cli, String address, String add) {
    cli.append("if (outcome != success) of ")
        .append(address)
        .append(":read-resource\n  ")
        .append(address)
        .append(":")
        .append(add)
        .append("\nend-if\n");
  }

  private static String quote(String value) {
    if (!value.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("secrets are generated url-safe base64");
    }
    return "\"" + value + "\"";
  }
}
