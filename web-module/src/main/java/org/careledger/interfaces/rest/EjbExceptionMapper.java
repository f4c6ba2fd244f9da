package org.careledger.interfaces.rest;

import jakarta.ejb.EJBException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import org.careledger.application.DatabaseOutage;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * A coded failure that reached the resource wrapped by the EJB container: an {@link EJBException}
 * or, when it was thrown by a bean called within the caller's transaction, an {@code
 * EJBTransactionRolledbackException} (which RESTEasy's own unwrapping leaves alone, so a bad
 * patient id became a bare 500). A database outage anywhere in the cause chain ({@link
 * DatabaseOutage}: a lost JDBC connection, the pool's refusal) is 503 {@code CL-1008} with {@code
 * Retry-After}; otherwise the first {@link CareLedgerException} in the chain is answered as itself;
 * anything else stays an internal error, with no detail.
 */
@Provider
public class EjbExceptionMapper implements ExceptionMapper<EJBException> {

  @Override
  public Response toResponse(EJBException e) {
    Optional<String> outage = DatabaseOutage.signal(e);
    if (outage.isPresent()) {
      return CareLedgerExceptionMapper.databaseUnreachable(outage.get());
    }
    CareLedgerException coded = coded(e);
    if (coded != null) {
      return new CareLedgerExceptionMapper().toResponse(coded);
    }
    Response.Status status = Response.Status.INTERNAL_SERVER_ERROR;
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .entity(
            new Problem(
                "about:blank",
                status.getReasonPhrase(),
                status.getStatusCode(),
                "internal error; the node's log has the details",
                null))
        .build();
  }

  /** The first coded failure in the cause chain, or null. */
  static CareLedgerException coded(Throwable e) {
    if (e instanceof jakarta.ejb.EJBAccessException) {
      // The service's own role check refused the caller (the resource's check let it through).
      return new CareLedgerException(
          ErrorCode.ROLE_REQUIRED, "the caller's roles do not allow this operation");
    }
    return CareLedgerException.in(e);
  }
}
