package org.careledger.domain.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.SignedTransaction;
import org.junit.jupiter.api.Test;

/**
 * The protocol's behaviour as members and operators see it, written once against {@link
 * ConsensusCluster}; subclasses supply the network (simulated in one JVM, or real nodes over JMS).
 * Times are generous enough for a real network with the default-sized round timers of the cluster.
 */
abstract class ConsensusProtocolSuite {

  protected abstract ConsensusCluster newCluster(int members);

  private static List<SignedTransaction> txs(int from, int count) {
    return ConsensusFixture.POOL.subList(from, from + count);
  }

  @Test
  void everyMemberCommitsEveryTransactionInTheSameChain() throws Exception {
    try (ConsensusCluster cluster = newCluster(4)) {
      cluster.submit(txs(0, 6));
      cluster.runFor(20_000);
      assertSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs(0, 6));
    }
  }

  @Test
  void aCrashedMemberRestartsFromItsStateAndCatchesUp() throws Exception {
    try (ConsensusCluster cluster = newCluster(4)) {
      cluster.submit(txs(10, 2));
      cluster.runFor(5_000);
      cluster.crash(2);
      cluster.submit(txs(12, 4));
      cluster.runFor(20_000);
      assertSameChainHolding(cluster, Set.of(0, 1, 3), txs(10, 6));
      cluster.restart(2);
      cluster.runFor(20_000);
      assertSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs(10, 6));
    }
  }

  @Test
  void aUnanimityChannelStallsWhileAMemberIsDownAndResumesWithoutForking() throws Exception {
    try (ConsensusCluster cluster = newCluster(3)) {
      cluster.submit(txs(20, 2));
      cluster.runFor(5_000);
      int before = cluster.chain(0).size();
      assertSameChainHolding(cluster, Set.of(0, 1, 2), txs(20, 2));
      cluster.crash(2);
      cluster.submit(txs(22, 3));
      cluster.runFor(60_000);
      assertEquals(before, cluster.chain(0).size(), "nothing commits without every member");
      assertEquals(before, cluster.chain(1).size());
      cluster.restart(2);
      cluster.runFor(60_000);
      assertSameChainHolding(cluster, Set.of(0, 1, 2), txs(20, 5));
    }
  }

  @Test
  void aPartitionedMinorityCatchesUpAfterTheNetworkHeals() throws Exception {
    try (ConsensusCluster cluster = newCluster(4)) {
      cluster.partition(Set.of(3));
      cluster.submit(txs(30, 5));
      cluster.runFor(20_000);
      assertSameChainHolding(cluster, Set.of(0, 1, 2), txs(30, 5));
      assertEquals(1, cluster.chain(3).size(), "the cut-off member commits nothing alone");
      cluster.heal();
      cluster.submit(txs(35, 1));
      cluster.runFor(30_000);
      assertSameChainHolding(cluster, Set.of(0, 1, 2, 3), txs(30, 6));
    }
  }

  static void assertSameChainHolding(
      ConsensusCluster cluster, Set<Integer> members, List<SignedTransaction> expected) {
    List<Block> reference = null;
    for (int member : members) {
      List<Block> chain = cluster.chain(member);
      Set<String> ids = new HashSet<>();
      chain.forEach(b -> b.transactions().forEach(tx -> ids.add(tx.idHex())));
      for (SignedTransaction tx : expected) {
        assertTrue(ids.contains(tx.idHex()), "member " + member + " lacks " + tx);
      }
      if (reference == null) {
        reference = chain;
      }
      List<Block> shorter = chain.size() < reference.size() ? chain : reference;
      List<Block> longer = shorter == chain ? reference : chain;
      for (int i = 0; i < shorter.size(); i++) {
        assertEquals(
            shorter.get(i).header(), longer.get(i).header(), "members differ at height " + i);
      }
    }
  }
}
