package org.careledger.interfaces.rest.ledger;

import org.careledger.domain.ledger.ChainVerifier;

/**
 * The answer to {@code POST /api/v1/channels/{channel}/verify}.
 *
 * @param failure null when {@code ok}; else the first block (and transaction, -1 for the block
 *     itself) that failed, the check, and the stable error code
 */
public record VerificationResult(
    boolean ok, long blocksVerified, long transactionsVerified, Failure failure) {

  public record Failure(
      long height, int transactionIndex, String check, String code, String detail) {}

  public static VerificationResult of(ChainVerifier.Report report) {
    ChainVerifier.Failure f = report.failure();
    return new VerificationResult(
        report.ok(),
        report.blocksVerified(),
        report.transactionsVerified(),
        f == null
            ? null
            : new Failure(
                f.height(), f.transactionIndex(), f.check().name(), f.code().code(), f.detail()));
  }
}
