package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.interfaces.fhir.FhirValidation.problem;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FhirTest {

  @Test
  void parsesAResourceOfTheAskedType() {
    DocumentReference dr =
        Fhir.parse(
            "{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                + "\"description\":\"x\",\"content\":[{\"attachment\":{\"contentType\":\"text/plain\"}}]}",
            DocumentReference.class);

    assertThat(dr.getDescription()).isEqualTo("x");
    assertThat(Fhir.MEDIA_TYPE).isEqualTo("application/fhir+json");
  }

  @Test
  void refusesAnotherResourceTypeNamingResourceType() {
    FhirProblem p =
        problem(
            () -> Fhir.parse("{\"resourceType\":\"Patient\"}", DocumentReference.class),
            ErrorCode.FHIR_RESOURCE_INVALID,
            "resourceType");

    assertThat(p.issueType()).isEqualTo(IssueType.INVALID);
    assertThat(p.getMessage()).contains("DocumentReference").contains("Patient");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{}",
        "[]",
        "",
        "{\"resourceType\":\"NoSuchType\"}",
        "{\"resourceType\":\"DocumentReference\",\"subjekt\":{}}",
        "{\"resourceType\":\"DocumentReference\",\"status\":\"no-such-status\"}",
        "{\"resourceType\":\"DocumentReference\",\"date\":\"yesterday\"}"
      })
  void refusesWhatIsNoR4ResourceAsStructure(String json) {
    FhirProblem p =
        problem(
            () -> Fhir.parse(json, DocumentReference.class), ErrorCode.FHIR_RESOURCE_INVALID, null);

    assertThat(p.issueType()).isEqualTo(IssueType.STRUCTURE);
  }

  @Test
  void refusesNoInput() {
    problem(() -> Fhir.parse((String) null, Consent.class), ErrorCode.FHIR_RESOURCE_INVALID, null);
    problem(
        () -> Fhir.parse((java.io.InputStream) null, Consent.class),
        ErrorCode.FHIR_RESOURCE_INVALID,
        null);
  }

  @Test
  void readsUtf8FromAStream() {
    byte[] json =
        "{\"resourceType\":\"DocumentReference\",\"description\":\"Befund Müller\"}"
            .getBytes(StandardCharsets.UTF_8);

    DocumentReference dr = Fhir.parse(new ByteArrayInputStream(json), DocumentReference.class);

    assertThat(dr.getDescription()).isEqualTo("Befund Müller");
  }

  @Test
  void writesCompactJsonThatParsesBack() {
    DocumentReference dr = new DocumentReference();
    dr.setId("lab-1");
    dr.setDescription("Lab report");

    String json = Fhir.write(dr);

    assertThat(json).doesNotContain("\n").doesNotContain("  ").startsWith("{\"resourceType\"");
    assertThat(Fhir.parse(json, DocumentReference.class).getDescription()).isEqualTo("Lab report");
  }

  @Test
  void keepsTheVersionOfAReference() {
    Provenance provenance = new Provenance();
    provenance.addTarget(new Reference("DocumentReference/lab-1/_history/2"));

    assertThat(Fhir.write(provenance)).contains("\"DocumentReference/lab-1/_history/2\"");
  }

  @Test
  void sharesOneContext() {
    assertThat(Fhir.context()).isSameAs(Fhir.context());
    assertThat(Fhir.context().getVersion().getVersion().getFhirVersionString()).isEqualTo("4.0.1");
  }
}
