package org.careledger.interfaces.fhir;

import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.careledger.application.DatabaseOutage;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.interfaces.rest.CareLedgerExceptionMapper;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Every failure of the FHIR interface as an OperationOutcome with the same HTTP status and {@code
 * CL-} code as the REST API gives for it: coded failures of the services and of the FHIR mapping,
 * the database outage (503, {@code Retry-After}), role refusals, unknown paths and methods. Nothing
 * of an uncoded failure's message reaches the caller (it may hold SQL or what the caller sent).
 */
@Provider
public class FhirExceptionMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(FhirExceptionMapper.class.getName());

  @Override
  public Response toResponse(Throwable e) {
    Optional<String> outage = DatabaseOutage.signal(e);
    if (outage.isPresent()) {
      LOG.warning(
          ErrorCode.DATABASE_UNREACHABLE.code()
              + ": database unreachable ("
              + outage.get()
              + "); FHIR request refused with 503");
      return outcome(
              503,
              OperationOutcomes.of(
                  ErrorCode.DATABASE_UNREACHABLE,
                  OperationOutcome.IssueType.TRANSIENT,
                  ErrorCode.DATABASE_UNREACHABLE.code() + ": " + DatabaseOutage.DETAIL,
                  null))
          .header(HttpHeaders.RETRY_AFTER, String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS))
          .build();
    }
    if (e instanceof EJBAccessException || e.getCause() instanceof EJBAccessException) {
      return coded(
          new CareLedgerException(
              ErrorCode.ROLE_REQUIRED, "the caller's roles do not allow this operation"));
    }
    CareLedgerException coded =
        e instanceof CareLedgerException c
            ? c
            : e instanceof EJBException ? CareLedgerException.in(e) : null;
    if (coded != null) {
      return coded(coded);
    }
    if (e instanceof WebApplicationException web && web.getResponse() != null) {
      int status = web.getResponse().getStatus();
      ErrorCode code =
          switch (status) {
            case 400 -> ErrorCode.FHIR_RESOURCE_INVALID;
            case 401, 403 -> ErrorCode.ROLE_REQUIRED;
            case 404 -> ErrorCode.PATH_UNKNOWN;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 415 -> ErrorCode.MEDIA_TYPE_UNSUPPORTED;
            default -> null;
          };
      if (code == null) {
        return web.getResponse();
      }
      return outcome(
              status,
              OperationOutcomes.of(
                  code,
                  status == 404
                      ? OperationOutcome.IssueType.NOTFOUND
                      : status == 403
                          ? OperationOutcome.IssueType.FORBIDDEN
                          : status == 400
                              ? OperationOutcome.IssueType.INVALID
                              : OperationOutcome.IssueType.NOTSUPPORTED,
                  code.code() + ": " + http(status),
                  null))
          .build();
    }
    LOG.log(Level.SEVERE, "FHIR request failed", e);
    return outcome(
            500,
            OperationOutcomes.of(
                ErrorCode.INTERNAL_ERROR,
                OperationOutcome.IssueType.EXCEPTION,
                "internal error; the node's log has the details",
                null))
        .build();
  }

  private static Response coded(CareLedgerException e) {
    int status = CareLedgerExceptionMapper.statusOf(e.errorCode()).getStatusCode();
    return outcome(status, OperationOutcomes.of(e)).build();
  }

  private static String http(int status) {
    return switch (status) {
      case 400 -> "the request body could not be read";
      case 401, 403 -> "the caller's roles do not allow this operation";
      case 404 -> "no FHIR interaction at this path";
      case 405 -> "this path does not offer that HTTP method";
      case 406 -> "the interaction answers in none of the accepted media types";
      default -> "the interaction does not take a body of this Content-Type";
    };
  }

  static Response.ResponseBuilder outcome(int status, OperationOutcome outcome) {
    return Response.status(status).type(Fhir.MEDIA_TYPE).entity(Fhir.write(outcome));
  }
}
