package org.careledger.domain.consensus;

import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;

/**
 * What the engine asks its driver to do, in order. The order is part of the contract: a {@link
 * Persist} must be durable before any output after it is performed, and a {@link Commit} must be
 * stored before the driver feeds the engine anything else.
 */
public sealed interface Output {

  /** Make this state durable (replacing the previous one) before performing what follows. */
  record Persist(SignedState state) implements Output {}

  /** Send to every other member of the channel. */
  record Broadcast(ConsensusMessage message) implements Output {}

  /** Send to one member. */
  record SendTo(InstitutionId member, ConsensusMessage message) implements Output {}

  /** Call {@link QbftEngine#onTimer} with this event after {@code delayMillis}. */
  record ScheduleTimer(TimerEvent event, long delayMillis) implements Output {}

  /** Append this block (with its commit certificate) to the channel's chain. */
  record Commit(Block block) implements Output {}

  /**
   * Ask {@code member} for its committed blocks from {@code fromHeight} on, and feed the answer to
   * {@link QbftEngine#onBlocksReceived}.
   */
  record RequestSync(InstitutionId member, long fromHeight) implements Output {}

  /**
   * An input was ignored, and why: for logs and metrics (a stream of these from one member points
   * at a faulty or hostile peer). The engine's state did not change because of it.
   */
  record Dropped(ErrorCode code, String detail) implements Output {}
}
