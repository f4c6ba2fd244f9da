package org.careledger.interfaces.fhir;

import java.util.Objects;
import org.careledger.application.DatabaseOutage;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * OperationOutcomes for refusals: one issue of severity {@code error}, the CareLedger error code as
 * {@code details.coding} (system {@value #ERROR_CODE_SYSTEM}, code {@code CL-1900}), the message as
 * {@code diagnostics} and, where known, the FHIRPath of the offending element as {@code
 * expression}. The HTTP status is the REST layer's (it maps codes to statuses already).
 */
public final class OperationOutcomes {

  /** The code system of CareLedger's error codes. */
  public static final String ERROR_CODE_SYSTEM = "urn:careledger:error-code";

  private OperationOutcomes() {}

  /** One error issue. {@code expression} may be null. */
  public static OperationOutcome of(
      ErrorCode code, IssueType type, String diagnostics, String expression) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(type, "type");
    OperationOutcome outcome = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue =
        outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type);
    issue.setDetails(
        new CodeableConcept().addCoding(new Coding(ERROR_CODE_SYSTEM, code.code(), null)));
    if (diagnostics != null && !diagnostics.isBlank()) {
      issue.setDiagnostics(diagnostics);
    }
    if (expression != null && !expression.isBlank()) {
      issue.addExpression(expression);
    }
    return outcome;
  }

  /**
   * The outcome of any coded failure: a {@link FhirProblem} keeps its issue type and expression;
   * any other code gets {@link #issueType(ErrorCode)}. A database outage anywhere in the cause
   * chain is answered {@code CL-1008} (transient) with a fixed text, whatever code was put on it on
   * the way, exactly as the REST problem responses do (a driver's message may name hosts or hold
   * SQL).
   */
  public static OperationOutcome of(CareLedgerException e) {
    Objects.requireNonNull(e, "e");
    if (e.errorCode() == ErrorCode.DATABASE_UNREACHABLE || DatabaseOutage.in(e)) {
      return of(
          ErrorCode.DATABASE_UNREACHABLE,
          IssueType.TRANSIENT,
          ErrorCode.DATABASE_UNREACHABLE.code() + ": " + DatabaseOutage.DETAIL,
          null);
    }
    if (e instanceof FhirProblem problem) {
      return of(problem.errorCode(), problem.issueType(), e.getMessage(), problem.expression());
    }
    return of(e.errorCode(), issueType(e.errorCode()), e.getMessage(), null);
  }

  /** The OperationOutcome issue type that fits a code best (never null). */
  public static IssueType issueType(ErrorCode code) {
    return switch (code) {
      case NODE_NOT_READY, DATABASE_UNREACHABLE, CONSENSUS_MEMBER_FENCED -> IssueType.TRANSIENT;
      case TRANSFER_TIMEOUT, FEDERATION_COMMIT_TIMEOUT -> IssueType.TIMEOUT;
      case CHANNEL_UNKNOWN,
          TX_UNKNOWN,
          BLOCK_UNKNOWN,
          BLOB_NOT_FOUND,
          FEDERATION_PEER_UNKNOWN,
          FEDERATION_CHANNEL_UNKNOWN,
          REQUEST_UNKNOWN,
          GRANT_UNKNOWN,
          VERIFICATION_UNKNOWN,
          PATH_UNKNOWN ->
          IssueType.NOTFOUND;
      case RECORD_ERASED -> IssueType.DELETED;
      case CHANNEL_EXISTS, RECORD_EXISTS -> IssueType.DUPLICATE;
      case REQUEST_CLOSED, RECORD_VERSION_CONFLICT -> IssueType.CONFLICT;
      case REQUEST_FOR_OWN_RECORD, CLASS_REQUEST_NO_RECORDS, RESEARCH_BELOW_K ->
          IssueType.BUSINESSRULE;
      case ACCESS_DENIED,
          NOT_RECORD_PROVIDER,
          ROLE_REQUIRED,
          POLICY_VIOLATION,
          PATIENT_NOT_LINKED,
          CSRF_TOKEN_INVALID,
          CONSOLE_ROLE_REQUIRED ->
          IssueType.FORBIDDEN;
      case CONSOLE_NOT_SIGNED_IN -> IssueType.LOGIN;
      case FHIR_PATIENT_ID_IN_URL -> IssueType.SECURITY;
      case TX_TOO_LARGE, ENCODING_LIMIT_EXCEEDED, FHIR_ATTACHMENT_TOO_LARGE -> IssueType.TOOCOSTLY;
      case FHIR_NOT_SUPPORTED, MEDIA_TYPE_UNSUPPORTED, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE ->
          IssueType.NOTSUPPORTED;
      case REQUEST_BODY_MALFORMED, ENCODING_MALFORMED -> IssueType.STRUCTURE;
      case INVALID_INSTITUTION_ID, PATIENT_ID_INVALID, PURPOSE_INVALID, QUERY_INVALID ->
          IssueType.VALUE;
      case FHIR_RESOURCE_INVALID,
          TX_MALFORMED,
          ENCODING_UNSUPPORTED_VALUE,
          ENCODING_NOT_CANONICAL,
          RECORD_METADATA_INVALID,
          CONSENT_INVALID,
          RESEARCH_EXPORT_INVALID ->
          IssueType.INVALID;
      case INTERNAL_ERROR -> IssueType.EXCEPTION;
      default -> IssueType.PROCESSING;
    };
  }
}
