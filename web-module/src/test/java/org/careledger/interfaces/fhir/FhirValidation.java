package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's R4 instance validator over the core profiles and terminology that ship with it (no
 * terminology server): build one per test class, it loads the core definitions once.
 */
final class FhirValidation {

  private final FhirValidator validator;

  FhirValidation() {
    FhirContext context = Fhir.context();
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(context),
            new CommonCodeSystemsTerminologyService(context),
            new InMemoryTerminologyServerValidationSupport(context),
            new SnapshotGeneratingValidationSupport(context));
    validator = context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
  }

  /** Every message for the resource as it is written out (its JSON). */
  List<SingleValidationMessage> messages(IBaseResource resource) {
    return validator.validateWithResult(Fhir.write(resource)).getMessages();
  }

  /** The ERROR and FATAL messages. */
  List<SingleValidationMessage> errors(IBaseResource resource) {
    return messages(resource).stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .toList();
  }

  /** Asserts that the resource validates without ERROR or FATAL messages. */
  void assertValid(IBaseResource resource) {
    List<String> errors =
        errors(resource).stream()
            .map(m -> m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
            .toList();
    assertThat(errors).as("validation errors of %s", Fhir.write(resource)).isEmpty();
  }

  /** The FhirProblem {@code call} throws, asserting its code and expression. */
  static FhirProblem problem(ThrowingCallable call, ErrorCode code, String expression) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(FhirProblem.class);
    FhirProblem problem = (FhirProblem) thrown;
    assertThat(problem.errorCode()).isEqualTo(code);
    assertThat(problem.expression()).isEqualTo(expression);
    return problem;
  }
}
