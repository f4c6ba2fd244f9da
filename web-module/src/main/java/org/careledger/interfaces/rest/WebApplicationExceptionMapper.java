package org.careledger.interfaces.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.careledger.domain.ErrorCode;

/**
 * What JAX-RS itself refuses before an operation runs (a body that does not parse, a media type the
 * operation does not take, a method or path that does not exist, a role the resource does not
 * allow), as RFC 9457 problems with stable codes like every other refusal, instead of the
 * container's HTML pages. Statuses without a code of ours keep their status and reason.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

  @Override
  public Response toResponse(WebApplicationException e) {
    int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    ErrorCode code = codeOf(status, e);
    if (code == null) {
      return e.getResponse();
    }
    return problem(status, code, detailOf(code));
  }

  static ErrorCode codeOf(int status, Throwable e) {
    return switch (status) {
      case 400 -> ErrorCode.REQUEST_BODY_MALFORMED;
      // RESTEasy's own @RolesAllowed check: the same code as the services' role check.
      case 403 -> ErrorCode.ROLE_REQUIRED;
      case 404 -> ErrorCode.PATH_UNKNOWN;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 415 -> ErrorCode.MEDIA_TYPE_UNSUPPORTED;
      default -> null;
    };
  }

  /** A fixed text per code: the exception's own message may echo what the caller sent. */
  static String detailOf(ErrorCode code) {
    return switch (code) {
      case REQUEST_BODY_MALFORMED -> "the request body could not be read (malformed JSON?)";
      case ROLE_REQUIRED -> "the caller's roles do not allow this operation";
      case PATH_UNKNOWN -> "no API operation at this path";
      case METHOD_NOT_ALLOWED -> "this path does not offer that HTTP method";
      case NOT_ACCEPTABLE -> "the operation answers in none of the accepted media types";
      case MEDIA_TYPE_UNSUPPORTED -> "the operation does not take a body of this Content-Type";
      default -> code.name();
    };
  }

  static Response problem(int status, ErrorCode code, String detail) {
    Response.StatusType type = Response.Status.fromStatusCode(status);
    Problem problem =
        new Problem(
            "urn:careledger:error:" + code.code(),
            type == null ? "Error" : type.getReasonPhrase(),
            status,
            code.code() + ": " + detail,
            code.code());
    return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
  }
}
