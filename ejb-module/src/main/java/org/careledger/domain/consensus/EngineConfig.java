package org.careledger.domain.consensus;

import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * The engine's settings, with their defaults in one place.
 *
 * @param batchMaxTransactions a proposer proposes as soon as this many transactions are pending
 * @param batchMaxDelayMillis or when the oldest pending transaction has waited this long
 * @param baseRoundTimeoutMillis round r times out after base·2^min(r, maxTimeoutDoublings) (round 0
 *     also waits the batch delay), as QBFT's exponential round timer
 * @param maxTimeoutDoublings caps the exponential growth, so a long partition does not leave
 *     members waiting hours after it heals
 * @param maxFutureBlockMillis a proposed block's time may be at most this far ahead of the latest
 *     time the driver reported; it must never be before its parent's
 * @param futureRounds messages for rounds further ahead than this are dropped (bounds memory)
 * @param futureHeights messages up to this many heights ahead are kept until the member gets there
 */
public record EngineConfig(
    int batchMaxTransactions,
    long batchMaxDelayMillis,
    long baseRoundTimeoutMillis,
    int maxTimeoutDoublings,
    long maxFutureBlockMillis,
    int futureRounds,
    int futureHeights) {

  public static final EngineConfig DEFAULTS = new EngineConfig(500, 200, 2_000, 6, 10_000, 16, 8);

  public EngineConfig {
    if (batchMaxTransactions < 1
        || batchMaxTransactions > MessageCodec.MAX_TRANSACTIONS
        || batchMaxDelayMillis < 0
        || baseRoundTimeoutMillis < 1
        || maxTimeoutDoublings < 0
        || maxTimeoutDoublings > 20
        || maxFutureBlockMillis < 0
        || futureRounds < 1
        || futureHeights < 1) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_CONFIG_INVALID, "engine settings out of range: " + this);
    }
  }

  long roundTimeout(int round) {
    long timeout = baseRoundTimeoutMillis << Math.min(round, maxTimeoutDoublings);
    return round == 0 ? timeout + batchMaxDelayMillis : timeout;
  }
}
