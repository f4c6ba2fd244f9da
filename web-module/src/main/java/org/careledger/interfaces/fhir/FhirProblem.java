package org.careledger.interfaces.fhir;

import java.util.Objects;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A FHIR request this interface refuses: a coded {@link CareLedgerException} (so the REST layer's
 * code-to-status mapping applies unchanged) that also carries the OperationOutcome issue type and
 * the FHIRPath expression of the offending element, for {@link OperationOutcomes#of(
 * CareLedgerException)}. The message never holds a patient id or clinical text.
 */
public final class FhirProblem extends CareLedgerException {

  private static final long serialVersionUID = 1L;

  private final IssueType issueType;
  private final String expression;
  private final String diagnostics;

  /**
   * @param expression the FHIRPath of the offending element ({@code
   *     DocumentReference.subject.identifier.value}), or for a search the parameter name; null if
   *     the problem is with the whole input
   */
  public FhirProblem(ErrorCode code, IssueType issueType, String diagnostics, String expression) {
    this(code, issueType, diagnostics, expression, null);
  }

  public FhirProblem(
      ErrorCode code, IssueType issueType, String diagnostics, String expression, Throwable cause) {
    super(code, diagnostics, cause);
    this.issueType = Objects.requireNonNull(issueType, "issueType");
    this.diagnostics = diagnostics;
    this.expression = expression;
  }

  /** A {@link ErrorCode#FHIR_RESOURCE_INVALID} problem of type {@code invalid}. */
  static FhirProblem invalid(String expression, String diagnostics) {
    return new FhirProblem(
        ErrorCode.FHIR_RESOURCE_INVALID, IssueType.INVALID, diagnostics, expression);
  }

  /** A {@link ErrorCode#FHIR_RESOURCE_INVALID} problem of type {@code required}. */
  static FhirProblem required(String expression, String diagnostics) {
    return new FhirProblem(
        ErrorCode.FHIR_RESOURCE_INVALID, IssueType.REQUIRED, diagnostics, expression);
  }

  /** A {@link ErrorCode#FHIR_NOT_SUPPORTED} problem of type {@code not-supported}. */
  static FhirProblem notSupported(String expression, String diagnostics) {
    return new FhirProblem(
        ErrorCode.FHIR_NOT_SUPPORTED, IssueType.NOTSUPPORTED, diagnostics, expression);
  }

  /** The OperationOutcome issue type. */
  public IssueType issueType() {
    return issueType;
  }

  /** The FHIRPath of the offending element (or the search parameter's name), or null. */
  public String expression() {
    return expression;
  }

  /** The message without the code prefix. */
  public String diagnostics() {
    return diagnostics;
  }
}
