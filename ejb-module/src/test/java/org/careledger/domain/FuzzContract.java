package org.careledger.domain;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The contract the domain's fuzz tests check: a decoder returns a value or rejects its input with a
 * {@link CareLedgerException} of one of its documented codes. Any other throwable
 * (NullPointerException, ClassCastException, ArrayIndexOutOfBoundsException, NumberFormatException,
 * StackOverflowError, OutOfMemoryError …) is not caught here, so Jazzer reports it as a finding. A
 * coded rejection whose cause is an unexpected runtime exception is a finding too: that is a
 * decoder's last-resort safety net catching a crash, which hides the bug rather than rejecting the
 * input on purpose.
 */
public final class FuzzContract {

  private FuzzContract() {}

  /**
   * Runs {@code decoder}; returns its value, or null if it rejected the input with one of {@code
   * codes}.
   *
   * @throws AssertionError for a coded rejection with another code, or one that wraps a crash
   */
  public static <T> T decodeOrNull(Supplier<T> decoder, Set<ErrorCode> codes) {
    try {
      return decoder.get();
    } catch (CareLedgerException e) {
      requireDocumented(e, codes);
      return null;
    }
  }

  /** Checks a rejection against the contract; see {@link #decodeOrNull}. */
  public static void requireDocumented(CareLedgerException e, Set<ErrorCode> codes) {
    if (!codes.contains(e.errorCode())) {
      throw new AssertionError(
          "rejected with " + e.errorCode().name() + ", which is not one of " + codes, e);
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof RuntimeException && !(cause instanceof CareLedgerException)) {
        throw new AssertionError("a safety net turned a crash into " + e.errorCode().name(), e);
      }
      if (cause == cause.getCause()) {
        break;
      }
    }
  }
}
