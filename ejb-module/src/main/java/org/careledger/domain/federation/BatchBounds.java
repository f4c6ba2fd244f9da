package org.careledger.domain.federation;

import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * How a channel's proposer cuts blocks: at most {@code maxTransactions} transactions, and no
 * transaction waits longer than {@code maxDelayMillis} for its block.
 *
 * @param maxTransactions 1 to {@value #MAX_TRANSACTIONS}
 * @param maxDelayMillis 1 to {@value #MAX_DELAY_MILLIS} (one minute)
 */
public record BatchBounds(int maxTransactions, int maxDelayMillis) {

  public static final int MAX_TRANSACTIONS = 10_000;
  public static final int MAX_DELAY_MILLIS = 60_000;

  public BatchBounds {
    if (maxTransactions < 1 || maxTransactions > MAX_TRANSACTIONS) {
      throw outOfRange(
          "maxTransactions " + maxTransactions + " is not within 1-" + MAX_TRANSACTIONS);
    }
    if (maxDelayMillis < 1 || maxDelayMillis > MAX_DELAY_MILLIS) {
      throw outOfRange("maxDelayMillis " + maxDelayMillis + " is not within 1-" + MAX_DELAY_MILLIS);
    }
  }

  private static CareLedgerException outOfRange(String why) {
    return new CareLedgerException(ErrorCode.FEDERATION_BATCH_OUT_OF_RANGE, "batch: " + why);
  }
}
