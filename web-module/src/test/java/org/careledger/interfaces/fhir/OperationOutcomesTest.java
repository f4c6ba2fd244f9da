package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class OperationOutcomesTest {

  private static final FhirValidation VALIDATION = new FhirValidation();

  @Test
  void oneErrorIssueWithTheCodeDiagnosticsAndExpression() {
    OperationOutcome outcome =
        OperationOutcomes.of(
            ErrorCode.FHIR_RESOURCE_INVALID,
            IssueType.REQUIRED,
            "the patient is required",
            "DocumentReference.subject");

    assertThat(outcome.getIssue()).hasSize(1);
    OperationOutcomeIssueComponent issue = outcome.getIssueFirstRep();
    assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
    assertThat(issue.getCode()).isEqualTo(IssueType.REQUIRED);
    assertThat(issue.getDetails().getCodingFirstRep().getSystem())
        .isEqualTo("urn:careledger:error-code");
    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo("CL-1900");
    assertThat(issue.getDiagnostics()).isEqualTo("the patient is required");
    assertThat(issue.getExpression())
        .extracting(Object::toString)
        .containsExactly("DocumentReference.subject");
    VALIDATION.assertValid(outcome);
  }

  @Test
  void noExpressionWhenNoneIsKnown() {
    OperationOutcome outcome =
        OperationOutcomes.of(ErrorCode.FHIR_NOT_SUPPORTED, IssueType.NOTSUPPORTED, "no", null);

    assertThat(outcome.getIssueFirstRep().hasExpression()).isFalse();
    VALIDATION.assertValid(outcome);
  }

  @Test
  void aFhirProblemKeepsItsTypeAndExpression() {
    FhirProblem problem =
        new FhirProblem(
            ErrorCode.FHIR_ATTACHMENT_TOO_LARGE,
            IssueType.TOOCOSTLY,
            "too large",
            "DocumentReference.content[0].attachment.data");

    OperationOutcomeIssueComponent issue = OperationOutcomes.of(problem).getIssueFirstRep();

    assertThat(issue.getCode()).isEqualTo(IssueType.TOOCOSTLY);
    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo("CL-1903");
    assertThat(issue.getDiagnostics()).isEqualTo("CL-1903: too large");
    assertThat(issue.getExpression().get(0).getValue())
        .isEqualTo("DocumentReference.content[0].attachment.data");
  }

  @ParameterizedTest
  @CsvSource({
    "ACCESS_DENIED, FORBIDDEN",
    "NOT_RECORD_PROVIDER, FORBIDDEN",
    "CHANNEL_UNKNOWN, NOTFOUND",
    "GRANT_UNKNOWN, NOTFOUND",
    "RECORD_EXISTS, DUPLICATE",
    "RECORD_VERSION_CONFLICT, CONFLICT",
    "RECORD_ERASED, DELETED",
    "NODE_NOT_READY, TRANSIENT",
    "TRANSFER_TIMEOUT, TIMEOUT",
    "PATIENT_ID_INVALID, VALUE",
    "CONSENT_INVALID, INVALID",
    "TX_TOO_LARGE, TOOCOSTLY",
    "FHIR_NOT_SUPPORTED, NOTSUPPORTED",
    "FHIR_PATIENT_ID_IN_URL, SECURITY",
    "CHAIN_INVALID, PROCESSING",
    "INTERNAL_ERROR, EXCEPTION"
  })
  void aCodedFailureGetsTheIssueTypeOfItsCode(ErrorCode code, IssueType type) {
    OperationOutcomeIssueComponent issue =
        OperationOutcomes.of(new CareLedgerException(code, "what happened")).getIssueFirstRep();

    assertThat(issue.getCode()).isEqualTo(type);
    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo(code.code());
    assertThat(issue.getDiagnostics()).isEqualTo(code.code() + ": what happened");
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void everyCodeGivesAValidOutcome(ErrorCode code) {
    OperationOutcome outcome = OperationOutcomes.of(new CareLedgerException(code, "x"));

    assertThat(outcome.getIssueFirstRep().getCode()).isNotNull().isNotEqualTo(IssueType.NULL);
    VALIDATION.assertValid(outcome);
  }

  @Test
  void aDatabaseOutageIsTransientWithAFixedText() {
    OperationOutcomeIssueComponent issue =
        OperationOutcomes.of(
                new CareLedgerException(
                    ErrorCode.DATABASE_UNREACHABLE, "jdbc:postgresql://db-secret:5432 refused"))
            .getIssueFirstRep();

    assertThat(issue.getCode()).isEqualTo(IssueType.TRANSIENT);
    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo("CL-1008");
    assertThat(issue.getDiagnostics()).doesNotContain("db-secret").contains("retry");
  }

  @Test
  void anOutageUnderAnotherCodeIsAnsweredAsTheOutage() {
    CareLedgerException wrapped =
        new CareLedgerException(
            ErrorCode.TX_MALFORMED,
            "select * from secret_table",
            new SQLTransientConnectionException("db-secret down", "08001"));

    OperationOutcomeIssueComponent issue = OperationOutcomes.of(wrapped).getIssueFirstRep();

    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo("CL-1008");
    assertThat(issue.getDiagnostics()).doesNotContain("secret");
  }
}
