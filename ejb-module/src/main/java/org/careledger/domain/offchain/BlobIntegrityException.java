package org.careledger.domain.offchain;

import java.io.IOException;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * A blob that cannot be trusted, thrown from stream methods that may only throw {@link
 * IOException}. {@link #errorCode()} is one of {@link ErrorCode#BLOB_TAMPERED}, {@link
 * ErrorCode#BLOB_TRUNCATED} or {@link ErrorCode#BLOB_FORMAT_UNSUPPORTED}; the cause is the
 * equivalent {@link CareLedgerException}, which callers outside stream code can rethrow as is.
 */
public final class BlobIntegrityException extends IOException {

  private static final long serialVersionUID = 1L;

  BlobIntegrityException(ErrorCode errorCode, String message) {
    this(new CareLedgerException(errorCode, message));
  }

  private BlobIntegrityException(CareLedgerException cause) {
    super(cause.getMessage(), cause);
  }

  public ErrorCode errorCode() {
    return getCause().errorCode();
  }

  @Override
  public synchronized CareLedgerException getCause() {
    return (CareLedgerException) super.getCause();
  }
}
