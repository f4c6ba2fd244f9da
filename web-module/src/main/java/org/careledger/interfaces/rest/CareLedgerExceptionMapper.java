package org.careledger.interfaces.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.logging.Logger;
import org.careledger.application.DatabaseOutage;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Turns a coded failure into an RFC 9457 problem response. A database outage anywhere in its cause
 * chain ({@link DatabaseOutage}) is answered 503 {@code CL-1008} with {@code Retry-After}, whatever
 * code was put on it on the way.
 */
@Provider
public class CareLedgerExceptionMapper implements ExceptionMapper<CareLedgerException> {

  private static final Logger LOG = Logger.getLogger(CareLedgerExceptionMapper.class.getName());

  @Override
  public Response toResponse(CareLedgerException e) {
    Optional<String> outage = DatabaseOutage.signal(e);
    if (outage.isPresent()) {
      return databaseUnreachable(outage.get());
    }
    Response.Status status = statusOf(e.errorCode());
    String code = e.errorCode().code();
    Problem problem =
        new Problem(
            "urn:careledger:error:" + code,
            status.getReasonPhrase(),
            status.getStatusCode(),
            e.getMessage(),
            code);
    return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  /**
   * 503 {@code CL-1008} with {@code Retry-After} and a fixed detail (the driver's message may name
   * hosts or hold SQL). Logs one WARNING line per refused request: the code and the link that
   * showed the outage, no stack trace, nothing of the request.
   */
  public static Response databaseUnreachable(String signal) {
    String code = ErrorCode.DATABASE_UNREACHABLE.code();
    LOG.warning(
        code
            + ": database unreachable ("
            + signal
            + "); REST request refused with 503, Retry-After "
            + DatabaseOutage.RETRY_AFTER_SECONDS
            + " s");
    Response.Status status = Response.Status.SERVICE_UNAVAILABLE;
    Problem problem =
        new Problem(
            "urn:careledger:error:" + code,
            status.getReasonPhrase(),
            status.getStatusCode(),
            code + ": " + DatabaseOutage.DETAIL,
            code);
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .header(HttpHeaders.RETRY_AFTER, String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS))
        .entity(problem)
        .build();
  }

  public static Response.Status statusOf(ErrorCode code) {
    return switch (code) {
      case NODE_NOT_READY, DATABASE_UNREACHABLE, CONSENSUS_MEMBER_FENCED ->
          Response.Status.SERVICE_UNAVAILABLE;
      case CHANNEL_UNKNOWN, TX_UNKNOWN, BLOCK_UNKNOWN, BLOB_NOT_FOUND, FEDERATION_PEER_UNKNOWN ->
          Response.Status.NOT_FOUND;
      case CHANNEL_EXISTS,
          RECORD_EXISTS,
          REQUEST_CLOSED,
          REQUEST_FOR_OWN_RECORD,
          RECORD_VERSION_CONFLICT,
          CLASS_REQUEST_NO_RECORDS,
          CONFIG_APPROVAL_INVALID ->
          Response.Status.CONFLICT;
      case ACCESS_DENIED,
          TX_UNKNOWN_AUTHOR, // this node's institution is not (or no longer) a channel member
          NOT_RECORD_PROVIDER,
          ROLE_REQUIRED,
          POLICY_VIOLATION,
          PATIENT_NOT_LINKED ->
          Response.Status.FORBIDDEN;
      case REQUEST_UNKNOWN, GRANT_UNKNOWN, VERIFICATION_UNKNOWN, CONFIG_PROPOSAL_UNKNOWN ->
          Response.Status.NOT_FOUND;
      case CONSOLE_NOT_SIGNED_IN -> Response.Status.UNAUTHORIZED;
      case CSRF_TOKEN_INVALID, CONSOLE_ROLE_REQUIRED -> Response.Status.FORBIDDEN;
      case TRANSFER_TIMEOUT -> Response.Status.GATEWAY_TIMEOUT;
      case TRANSFER_FAILED -> Response.Status.BAD_GATEWAY;
      // Not committed within the wait: a gateway timeout, the transaction stays pending.
      case FEDERATION_COMMIT_TIMEOUT -> Response.Status.GATEWAY_TIMEOUT;
      case RECORD_ERASED -> Response.Status.GONE;
      case INVALID_INSTITUTION_ID,
          TX_MALFORMED,
          TX_TOO_LARGE,
          ENCODING_UNSUPPORTED_VALUE,
          ENCODING_MALFORMED,
          ENCODING_NOT_CANONICAL,
          ENCODING_LIMIT_EXCEEDED,
          PATIENT_ID_INVALID,
          RECORD_METADATA_INVALID,
          QUERY_INVALID,
          PURPOSE_INVALID,
          CONSENT_INVALID,
          CONFIG_UPDATE_INVALID,
          RESEARCH_EXPORT_INVALID,
          FHIR_RESOURCE_INVALID,
          FHIR_NOT_SUPPORTED,
          FHIR_PATIENT_ID_IN_URL ->
          Response.Status.BAD_REQUEST;
      case RESEARCH_BELOW_K -> Response.Status.FORBIDDEN; // a privacy rule refuses it, as a policy
      case FHIR_ATTACHMENT_TOO_LARGE, TX_BATCH_TOO_LARGE ->
          Response.Status.REQUEST_ENTITY_TOO_LARGE;
      default -> Response.Status.INTERNAL_SERVER_ERROR;
    };
  }
}
