package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.junit.jupiter.api.Test;

/** The validator the other tests rely on does find errors (so their assertions can fail). */
class FhirValidationTest {

  private static final FhirValidation VALIDATION = new FhirValidation();

  @Test
  void aDocumentReferenceWithoutStatusAndContentHasErrors() {
    DocumentReference dr = new DocumentReference();
    dr.setDescription("no status, no content");

    assertThat(VALIDATION.errors(dr)).isNotEmpty();
    assertThatThrownBy(() -> VALIDATION.assertValid(dr)).isInstanceOf(AssertionError.class);
  }

  @Test
  void aConsentWithoutPolicyBreaksAnInvariant() {
    Consent c =
        Consents.toResource(
            new Consents.ConsentFact(
                null,
                "ab".repeat(32),
                "clinic-b",
                "permit",
                "staff",
                "hospital-a",
                "cd".repeat(32),
                java.time.Instant.EPOCH));
    VALIDATION.assertValid(c);

    c.setPolicyRule(null);

    assertThat(VALIDATION.errors(c)).anySatisfy(m -> assertThat(m.getMessage()).contains("ppc-1"));
  }
}
