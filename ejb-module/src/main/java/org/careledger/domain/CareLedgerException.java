package org.careledger.domain;

import java.util.Objects;

/**
 * A failure with a stable {@link ErrorCode}; its message names the problem and, where known, the
 * fix.
 */
public class CareLedgerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;
  private final String detail;

  public CareLedgerException(ErrorCode errorCode, String message) {
    this(errorCode, message, null);
  }

  public CareLedgerException(ErrorCode errorCode, String message, Throwable cause) {
    super(errorCode.code() + ": " + message, cause);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    this.detail = message;
  }

  /**
   * The same failure, its message prefixed by where it happened (e.g. {@code transactions[3]}, the
   * entry of a batch), so a caller of a batch knows which entry was refused.
   */
  public CareLedgerException at(String where) {
    return new CareLedgerException(errorCode, where + ": " + detail, this);
  }

  public ErrorCode errorCode() {
    return errorCode;
  }

  /**
   * The first coded failure in {@code e}'s cause chain (e.g. inside the EJB container's {@code
   * EJBException}), or null.
   */
  public static CareLedgerException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CareLedgerException coded) {
        return coded;
      }
    }
    return null;
  }
}
