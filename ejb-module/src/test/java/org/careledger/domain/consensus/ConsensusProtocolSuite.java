package org.careledger.domain.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.careledger.domain.consensus.ConsensusCluster.CommittedBlock;
import org.junit.jupiter.api.Test;

/**
 * The protocol's behaviour as members and operators see it, written once against {@link
 * ConsensusCluster}; subclasses supply the network: {@code SimulatedConsensusProtocolTest} (one
 * JVM, simulated time) and server-config's {@code JmsConsensusProtocolIT} (four WildFly nodes
 * bridged over JMS). Each check waits until it holds or its time is up (simulated or wall-clock
 * time), so the same test passes on a fast simulated network and on real servers, and fails on both
 * when a member forks, loses a transaction or never catches up.
 */
public abstract class ConsensusProtocolSuite {

  /** How long a healthy cluster may take to commit what was submitted. */
  private static final long COMMIT_MILLIS = 60_000;

  /** How long a restarted or reconnected member may take to catch up. */
  private static final long CATCH_UP_MILLIS = 240_000;

  /** How long a stalled unanimity channel is watched for a (forbidden) commit. */
  private static final long STALL_MILLIS = 30_000;

  private static final long POLL_MILLIS = 500;

  /** A new cluster of {@code members} members on a channel of its own (genesis only). */
  protected abstract ConsensusCluster newCluster(int members);

  @Test
  public void everyMemberCommitsEveryTransactionInTheSameChain() throws Exception {
    try (ConsensusCluster cluster = newCluster(4)) {
      List<String> txs = cluster.submit(6);
      awaitSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs, COMMIT_MILLIS);
      List<String> order = new ArrayList<>();
      List<CommittedBlock> chain = cluster.chain(0);
      chain.subList(1, chain.size()).forEach(block -> order.addAll(block.txIds()));
      assertEquals(txs.size(), order.size(), "after genesis, each exactly once: " + order);
    }
  }

  @Test
  public void aCrashedMemberRestartsFromItsStateAndCatchesUp() throws Exception {
    try (ConsensusCluster cluster = newCluster(4)) {
      List<String> txs = new ArrayList<>(cluster.submit(2));
      awaitSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs, COMMIT_MILLIS);
      cluster.crash(2);
      txs.addAll(cluster.submit(4));
      awaitSameChainHolding(cluster, Set.of(0, 1, 3), txs, COMMIT_MILLIS);
      cluster.restart(2);
      awaitSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs, CATCH_UP_MILLIS);
    }
  }

  @Test
  public void aUnanimityChannelStallsWhileAMemberIsDownAndResumesWithoutForking() throws Exception {
    try (ConsensusCluster cluster = newCluster(3)) {
      List<String> txs = new ArrayList<>(cluster.submit(2));
      awaitSameChainHolding(cluster, Set.of(0, 1, 2), txs, COMMIT_MILLIS);
      int before = cluster.chain(0).size();
      cluster.crash(2);
      txs.addAll(cluster.submit(3));
      cluster.runFor(STALL_MILLIS);
      assertEquals(before, cluster.chain(0).size(), "nothing commits without every member");
      assertEquals(before, cluster.chain(1).size(), "nothing commits without every member");
      cluster.restart(2);
      awaitSameChainHolding(cluster, Set.of(0, 1, 2), txs, CATCH_UP_MILLIS);
    }
  }

  @Test
  public void aPartitionedMinorityCatchesUpAfterTheNetworkHeals() throws Exception {
    try (ConsensusCluster cluster = newCluster(4)) {
      cluster.partition(Set.of(3));
      List<String> txs = new ArrayList<>(cluster.submit(5));
      awaitSameChainHolding(cluster, Set.of(0, 1, 2), txs, COMMIT_MILLIS);
      assertEquals(1, cluster.chain(3).size(), "the cut-off member commits nothing alone");
      cluster.heal();
      txs.addAll(cluster.submit(1));
      awaitSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs, CATCH_UP_MILLIS);
    }
  }

  /**
   * Lets the cluster run until {@code members} hold the same chain (block for block, up to the
   * shorter one) and each holds every one of {@code expected}; fails with the last difference seen
   * once {@code maxMillis} have passed.
   */
  static void awaitSameChainHolding(
      ConsensusCluster cluster, Set<Integer> members, List<String> expected, long maxMillis) {
    long waited = 0;
    while (true) {
      try {
        assertSameChainHolding(cluster, members, expected);
        return;
      } catch (AssertionError notYet) {
        if (waited >= maxMillis) {
          throw notYet;
        }
      }
      cluster.runFor(POLL_MILLIS);
      waited += POLL_MILLIS;
    }
  }

  static void assertSameChainHolding(
      ConsensusCluster cluster, Set<Integer> members, List<String> expected) {
    List<CommittedBlock> reference = null;
    for (int member : members) {
      List<CommittedBlock> chain = cluster.chain(member);
      Set<String> ids = new HashSet<>();
      chain.forEach(block -> ids.addAll(block.txIds()));
      for (String tx : expected) {
        assertTrue(ids.contains(tx), "member " + member + " lacks " + tx);
      }
      if (reference == null) {
        reference = chain;
      }
      List<CommittedBlock> shorter = chain.size() < reference.size() ? chain : reference;
      List<CommittedBlock> longer = shorter == chain ? reference : chain;
      for (int i = 0; i < shorter.size(); i++) {
        assertEquals(shorter.get(i), longer.get(i), "members differ at height " + i);
      }
    }
  }
}
