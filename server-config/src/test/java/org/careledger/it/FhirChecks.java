package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * What the FHIR suites check of every answer: the FHIR JSON media type, a resource of the expected
 * type, and no ERROR or FATAL message from HAPI's instance validator (base R4 profiles; unknown
 * code systems such as LOINC without a terminology server are warnings). Also builds the request
 * bodies both suites send.
 */
final class FhirChecks {

  static final FhirContext CTX = FhirContext.forR4Cached();
  private static FhirValidator validator;

  private FhirChecks() {}

  static synchronized <T extends IBaseResource> T valid(
      HttpResponse<String> response, Class<T> type) {
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as(response.body())
        .startsWith("application/fhir+json");
    T resource = CTX.newJsonParser().parseResource(type, response.body());
    if (validator == null) {
      ValidationSupportChain chain =
          new ValidationSupportChain(
              CTX.getValidationSupport(),
              new CommonCodeSystemsTerminologyService(CTX),
              new InMemoryTerminologyServerValidationSupport(CTX),
              new SnapshotGeneratingValidationSupport(CTX));
      validator = CTX.newValidator();
      validator.registerValidatorModule(new FhirInstanceValidator(chain));
    }
    assertThat(validator.validateWithResult(resource).getMessages())
        .as(response.body())
        .noneMatch(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL);
    return resource;
  }

  /** A DocumentReference registering a record, the document inline. */
  static String documentReference(
      String recordId, String patientId, String loinc, byte[] content, String contentType) {
    int bar = patientId.indexOf('|');
    return "{\"resourceType\":\"DocumentReference\",\"masterIdentifier\":{\"value\":\""
        + recordId
        + "\"},\"status\":\"current\",\"type\":{\"coding\":[{\"system\":\"http://loinc.org\","
        + "\"code\":\""
        + loinc
        + "\"}]},\"subject\":{\"identifier\":{\"system\":\""
        + patientId.substring(0, bar)
        + "\",\"value\":\""
        + patientId.substring(bar + 1)
        + "\"}},\"date\":\"2026-11-20T10:00:00Z\",\"description\":\"Discharge summary\","
        + "\"content\":[{\"attachment\":{\"contentType\":\""
        + contentType
        + "\",\"data\":\""
        + Base64.getEncoder().encodeToString(content)
        + "\"}}]}";
  }

  /** A patient's consent: to research ({@code grantee} null) or to an institution. */
  static String consent(String patientId, String status, String grantee) {
    int bar = patientId.indexOf('|');
    String provision =
        grantee == null
            ? "\"provision\":{\"type\":\"permit\",\"purpose\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"HRESCH\"}]}"
            : "\"provision\":{\"type\":\"permit\",\"actor\":[{\"role\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"IRCP\"}]},"
                + "\"reference\":{\"identifier\":{\"system\":\"urn:careledger:institution\","
                + "\"value\":\""
                + grantee
                + "\"}}}]}";
    return "{\"resourceType\":\"Consent\",\"status\":\""
        + status
        + "\",\"scope\":{\"coding\":[{\"system\":"
        + "\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\""
        + (grantee == null ? "research" : "patient-privacy")
        + "\"}]},\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],"
        + "\"patient\":{\"identifier\":{\"system\":\""
        + patientId.substring(0, bar)
        + "\",\"value\":\""
        + patientId.substring(bar + 1)
        + "\"}},\"policyRule\":{\"coding\":[{\"system\":"
        + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},"
        + provision
        + "}";
  }
}
