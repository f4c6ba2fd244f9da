package org.careledger.domain.consensus;

import java.util.List;
import java.util.Set;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * The network a protocol suite drives: members running {@link QbftEngine}s, addressed by index.
 * {@link Simulation} implements it in one JVM with simulated time; a transport over JMS between
 * real nodes implements the same operations with wall-clock time.
 */
interface ConsensusCluster extends AutoCloseable {

  int size();

  /** Hands transactions to every running member (as clients and relaying peers would). */
  void submit(List<SignedTransaction> transactions);

  void crash(int member);

  /** Restarts a crashed member from its persisted signed state and committed chain. */
  void restart(int member);

  /** Cuts the network between {@code side} and the other members. */
  void partition(Set<Integer> side);

  void heal();

  /** Lets the cluster run for this long (simulated or real milliseconds). */
  void runFor(long millis);

  /** The member's committed chain, genesis first. */
  List<Block> chain(int member);

  @Override
  default void close() {}
}
