package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.careledger.interfaces.fhir.FhirValidation.problem;

import jakarta.ws.rs.core.MultivaluedHashMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.careledger.domain.ErrorCode;
import org.careledger.interfaces.fhir.SearchParams.Range;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SearchParamsTest {

  @Test
  void aTypeIsALoincTokenOrABareCode() {
    assertThat(SearchParams.documentClass("http://loinc.org|11502-2")).isEqualTo("11502-2");
    assertThat(SearchParams.documentClass("18842-5")).isEqualTo("18842-5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://snomed.info/sct|371530004", "|11502-2", "11502-2,18842-5"})
  void aTypeOfAnotherSystemOrSeveralIsNotSupported(String token) {
    FhirProblem p =
        problem(() -> SearchParams.documentClass(token), ErrorCode.FHIR_NOT_SUPPORTED, "type");
    assertThat(p.issueType()).isEqualTo(IssueType.NOTSUPPORTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "11502", "http://loinc.org|", "http://loinc.org|abc-1"})
  void aTypeThatIsNoLoincCodeIsInvalid(String token) {
    problem(() -> SearchParams.documentClass(token), ErrorCode.FHIR_RESOURCE_INVALID, "type");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "2026-11-23; 2026-11-23T00:00:00Z; 2026-11-24T00:00:00Z",
        "eq2026-11-23; 2026-11-23T00:00:00Z; 2026-11-24T00:00:00Z",
        "ge2026-11-23; 2026-11-23T00:00:00Z; ",
        "gt2026-11-23; 2026-11-24T00:00:00Z; ",
        "le2026-11-23; ; 2026-11-24T00:00:00Z",
        "lt2026-11-23; ; 2026-11-23T00:00:00Z",
        "ge2026-11-23T10:15:00Z; 2026-11-23T10:15:00Z; ",
        "gt2026-11-23T10:15:00Z; 2026-11-23T10:15:01Z; ",
        "lt2026-11-23T10:15:00+01:00; ; 2026-11-23T09:15:00Z",
        "le2026-11-23T10:15:00.5Z; ; 2026-11-23T10:15:00.600Z",
        "eq2026-11-23T10:15:00.123Z; 2026-11-23T10:15:00.123Z; 2026-11-23T10:15:00.124Z"
      })
  void aDateIsAnInclusiveFromAndAnExclusiveTo(String value, Instant from, Instant to) {
    assertThat(SearchParams.dateRange(value)).isEqualTo(new Range(from, to));
  }

  @Test
  void repeatedDatesNarrowTheRange() {
    assertThat(SearchParams.dateRange(List.of("ge2026-11-01", "lt2026-12-01", "ge2026-11-10")))
        .isEqualTo(
            new Range(
                Instant.parse("2026-11-10T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));
    assertThat(SearchParams.dateRange((List<String>) null)).isEqualTo(new Range(null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yesterday", "2026-11", "2026-13-01", "2026-11-23T10:15", "ge"})
  void aDateOfAnotherFormIsInvalid(String value) {
    problem(() -> SearchParams.dateRange(value), ErrorCode.FHIR_RESOURCE_INVALID, "date");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ne2026-11-23", "sa2026-11-23", "eb2026-11-23", "ap2026-11-23"})
  void otherDatePrefixesAreNotSupported(String value) {
    problem(() -> SearchParams.dateRange(value), ErrorCode.FHIR_NOT_SUPPORTED, "date");
  }

  @Test
  void aPatientTokenIsThePatientId() {
    assertThat(SearchParams.patientId("urn:oid:1.2.3|42")).isEqualTo("urn:oid:1.2.3|42");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "42",
        "|42",
        "urn:oid:1.2.3|",
        "Patient/42",
        "urn:oid:1.2.3|4 2",
        "urn:careledger:patient-pseudonym|abc"
      })
  void aPatientTokenWithoutSystemAndValueIsInvalid(String token) {
    FhirProblem p =
        problem(() -> SearchParams.patientId(token), ErrorCode.FHIR_RESOURCE_INVALID, "patient");
    assertThat(p.getMessage()).doesNotContain("42");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "patient",
        "subject",
        "patient.identifier",
        "subject:identifier",
        "patient:identifier",
        "subject.identifier",
        "subject:Patient.identifier"
      })
  void aPatientInTheUrlIsRefused(String name) {
    FhirProblem p =
        problem(
            () ->
                SearchParams.refusePatientInQuery(
                    Map.of("type", List.of("11502-2"), name, List.of("urn:oid:1.2.3|42"))),
            ErrorCode.FHIR_PATIENT_ID_IN_URL,
            name);
    assertThat(p.issueType()).isEqualTo(IssueType.SECURITY);
    assertThat(p.getMessage()).doesNotContain("42").contains("_search");
  }

  @Test
  void aJaxRsQueryMapIsCheckedToo() {
    MultivaluedHashMap<String, String> query = new MultivaluedHashMap<>();
    query.add("date", "ge2026-11-01");
    assertThatCode(() -> SearchParams.refusePatientInQuery(query)).doesNotThrowAnyException();

    query.add("patient:identifier", "urn:oid:1.2.3|42");
    problem(
        () -> SearchParams.refusePatientInQuery(query),
        ErrorCode.FHIR_PATIENT_ID_IN_URL,
        "patient:identifier");
  }

  @Test
  void otherParametersPass() {
    assertThatCode(
            () ->
                SearchParams.refusePatientInQuery(
                    Map.of(
                        "type", List.of("11502-2"),
                        "date", List.of("ge2026-11-01"),
                        "patients-note", List.of("x"),
                        "_count", List.of("10"))))
        .doesNotThrowAnyException();
    assertThatCode(() -> SearchParams.refusePatientInQuery(null)).doesNotThrowAnyException();
  }
}
