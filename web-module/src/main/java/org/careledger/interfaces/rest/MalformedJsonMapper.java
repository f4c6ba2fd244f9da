package org.careledger.interfaces.rest;

import jakarta.json.JsonException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.careledger.domain.ErrorCode;

/** Malformed JSON that reaches an operation as a JSON-P exception: 400 {@code CL-1800}. */
@Provider
public class MalformedJsonMapper implements ExceptionMapper<JsonException> {

  @Override
  public Response toResponse(JsonException e) {
    return WebApplicationExceptionMapper.problem(
        400,
        ErrorCode.REQUEST_BODY_MALFORMED,
        WebApplicationExceptionMapper.detailOf(ErrorCode.REQUEST_BODY_MALFORMED));
  }
}
