package org.careledger.domain.consensus;

import java.util.List;
import java.util.Set;

/**
 * The network a {@link ConsensusProtocolSuite} drives: the members of one channel, addressed by
 * index. {@code SimulatedConsensusProtocolTest} implements it with {@link Simulation} in one JVM
 * and simulated time; server-config's {@code JmsConsensusProtocolIT} with real WildFly nodes
 * bridged over JMS and wall-clock time. Everything is relative to the channel the cluster was
 * given: a new cluster's chains hold the genesis block only.
 */
public interface ConsensusCluster extends AutoCloseable {

  int size();

  /**
   * Submits {@code count} new transactions as clients would, to members that can reach a quorum if
   * any can (the simulation hands them to every running member; a real cluster posts each to one
   * running member outside the partitioned side), and returns their ids (hex). Does not wait for a
   * commit: a stalled channel keeps them pending.
   */
  List<String> submit(int count);

  /** Stops the member at once, with no orderly shutdown (kill -9 for a real node). */
  void crash(int member);

  /** Restarts a crashed member from its persisted signed state and committed chain. */
  void restart(int member);

  /** Cuts the network between {@code side} and the other members. */
  void partition(Set<Integer> side);

  void heal();

  /** Lets the cluster run for this long (simulated or real milliseconds). */
  void runFor(long millis);

  /** The member's committed chain of this channel, genesis first. */
  List<CommittedBlock> chain(int member);

  /** A committed block as members compare them: its hash, and its transactions' ids in order. */
  record CommittedBlock(String hash, List<String> txIds) {
    public CommittedBlock {
      txIds = List.copyOf(txIds);
    }
  }

  @Override
  default void close() {}
}
