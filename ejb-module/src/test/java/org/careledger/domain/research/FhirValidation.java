package org.careledger.domain.research;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/** HAPI's R4 instance validator over the base specification, built once (it is slow to start). */
final class FhirValidation {

  private static FhirValidator validator;

  private FhirValidation() {}

  static synchronized FhirValidator validator() {
    if (validator == null) {
      FhirContext ctx = FhirContext.forR4Cached();
      ValidationSupportChain chain =
          new ValidationSupportChain(
              new DefaultProfileValidationSupport(ctx),
              new InMemoryTerminologyServerValidationSupport(ctx),
              new CommonCodeSystemsTerminologyService(ctx),
              new SnapshotGeneratingValidationSupport(ctx));
      FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
      validator = ctx.newValidator().registerValidatorModule(instanceValidator);
    }
    return validator;
  }

  /** The messages of severity error or fatal validating {@code json}. */
  static List<SingleValidationMessage> errors(String json) {
    ValidationResult result = validator().validateWithResult(json);
    return result.getMessages().stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .toList();
  }

  /** All messages, for a failure's description. */
  static List<SingleValidationMessage> messages(String json) {
    return validator().validateWithResult(json).getMessages();
  }
}
