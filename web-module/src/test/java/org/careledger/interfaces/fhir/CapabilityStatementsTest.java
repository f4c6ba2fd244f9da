package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.junit.jupiter.api.Test;

class CapabilityStatementsTest {

  private static final FhirValidation VALIDATION = new FhirValidation();
  private static final String BASE = "https://node.example:8443/careledger/fhir/ch-1";

  @Test
  void theServerStatementIsAValidR4InstanceStatement() {
    CapabilityStatement cs = CapabilityStatements.forServer(BASE, "0.1.0-SNAPSHOT");

    assertThat(cs.getStatus()).isEqualTo(PublicationStatus.ACTIVE);
    assertThat(cs.getKind()).isEqualTo(CapabilityStatementKind.INSTANCE);
    assertThat(cs.getFhirVersion()).isEqualTo(FHIRVersion._4_0_1);
    assertThat(cs.getFormat()).extracting(f -> f.getValue()).contains("json");
    assertThat(cs.getSoftware().getVersion()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(cs.getImplementation().getUrl()).isEqualTo(BASE);
    assertThat(cs.getRest()).hasSize(1);
    assertThat(cs.getRestFirstRep().getMode()).isEqualTo(RestfulCapabilityMode.SERVER);
    assertThat(cs.getRestFirstRep().getInteraction())
        .extracting(i -> i.getCode())
        .containsExactly(SystemRestfulInteraction.BATCH);
    assertThat(cs.getRestFirstRep().getSecurity().getService())
        .flatExtracting(s -> s.getCoding())
        .extracting(c -> c.getCode())
        .contains("Basic", "OAuth", "Certificates");
    VALIDATION.assertValid(cs);
  }

  @Test
  void eachResourceOffersItsInteractionsAndSearchParameters() {
    CapabilityStatement cs = CapabilityStatements.forServer(BASE, "1");

    assertThat(cs.getRestFirstRep().getResource())
        .extracting(CapabilityStatementRestResourceComponent::getType)
        .containsExactly("DocumentReference", "Consent", "AuditEvent", "Provenance");
    assertThat(interactions(cs, "DocumentReference"))
        .containsExactly(
            TypeRestfulInteraction.CREATE,
            TypeRestfulInteraction.READ,
            TypeRestfulInteraction.SEARCHTYPE);
    assertThat(params(cs, "DocumentReference"))
        .containsExactly("patient:TOKEN", "type:TOKEN", "date:DATE");
    assertThat(interactions(cs, "Consent"))
        .containsExactly(TypeRestfulInteraction.CREATE, TypeRestfulInteraction.SEARCHTYPE);
    assertThat(params(cs, "Consent")).containsExactly("patient:TOKEN");
    assertThat(interactions(cs, "AuditEvent")).containsExactly(TypeRestfulInteraction.SEARCHTYPE);
    assertThat(params(cs, "AuditEvent"))
        .containsExactly("entity:REFERENCE", "date:DATE", "agent:REFERENCE");
    assertThat(interactions(cs, "Provenance")).containsExactly(TypeRestfulInteraction.SEARCHTYPE);
    assertThat(params(cs, "Provenance")).containsExactly("target:REFERENCE");
    assertThat(resource(cs, "DocumentReference").getSearchParamFirstRep().getDocumentation())
        .contains("_search")
        .contains("CareLedger-Patient-Id");
  }

  private static CapabilityStatementRestResourceComponent resource(
      CapabilityStatement cs, String type) {
    return cs.getRestFirstRep().getResource().stream()
        .filter(r -> r.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private static java.util.List<TypeRestfulInteraction> interactions(
      CapabilityStatement cs, String type) {
    return resource(cs, type).getInteraction().stream().map(i -> i.getCode()).toList();
  }

  private static java.util.List<String> params(CapabilityStatement cs, String type) {
    return resource(cs, type).getSearchParam().stream()
        .map(p -> p.getName() + ":" + p.getType().name())
        .toList();
  }
}
