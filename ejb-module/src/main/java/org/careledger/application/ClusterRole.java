package org.careledger.application;

/**
 * Whether this node may run its institution's consensus member.
 *
 * <p>A node on its own (the system property {@value #NODE_PROPERTY} unset, as {@code node.sh}
 * starts a single node) always may. A node of an institution run as a cluster ({@code node.sh} with
 * {@code CARELEDGER_CLUSTER_NODE}: WildFly's HA profile, all nodes on one database) may only while
 * WildFly's HA singleton service for the member runs on it: the singleton subsystem's default
 * policy elects one node of the cluster (see {@code
 * org.careledger.infrastructure.cluster.ConsensusMemberElection}), starts the service there, and
 * starts it on another node when that one leaves the cluster view (a crash, a kill -9, a shutdown).
 *
 * <p>Election alone does not keep the institution from voting twice: two nodes that cannot see each
 * other both believe they are elected. The consensus driver therefore also takes the database's
 * member lease when it starts the member, and every save of what it signed checks the lease's epoch
 * ({@code ConsensusTransactions.saveState}); a node that lost the lease signs nothing more.
 *
 * <p>Static state, because WildFly starts the singleton service (an MSC service, not a bean) and
 * the driver reads it; both live in this EJB module's class loader, so a redeployment starts with a
 * fresh one.
 */
public final class ClusterRole {

  /** System property naming this node within its institution's cluster (set by node.sh). */
  public static final String NODE_PROPERTY = "careledger.cluster.node";

  private static volatile boolean elected;

  private ClusterRole() {}

  /** Whether this node is one of several nodes of its institution. */
  public static boolean clustered() {
    String node = System.getProperty(NODE_PROPERTY);
    return node != null && !node.isBlank();
  }

  /** This node's name for the lease's holder column and logs. */
  public static String nodeName() {
    String node = System.getProperty("jboss.node.name");
    if (node == null || node.isBlank()) {
      node = System.getProperty(NODE_PROPERTY, "standalone");
    }
    return node.length() > 200 ? node.substring(0, 200) : node;
  }

  /** Whether the consensus member may run here: always on a single node, else while elected. */
  public static boolean mayRunConsensus() {
    return !clustered() || elected;
  }

  /** Whether the HA singleton service runs here (meaningful on a cluster node only). */
  public static boolean elected() {
    return elected;
  }

  /** Called by the singleton service as WildFly starts and stops it on this node. */
  public static void elected(boolean now) {
    elected = now;
  }
}
