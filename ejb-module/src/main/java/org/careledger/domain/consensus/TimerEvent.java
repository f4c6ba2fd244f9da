package org.careledger.domain.consensus;

/**
 * A timer the engine asked for. Timers are never cancelled: an event for a height or round the
 * engine has left is ignored when it fires, which keeps the driver simple.
 */
public record TimerEvent(Kind kind, long height, int round) {

  public enum Kind {
    /** The round did not decide in time: move to the next round (QBFT's round timer). */
    ROUND,
    /** The proposer's batch delay is over: propose what is pending. */
    BATCH
  }
}
