package org.careledger.interfaces.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.careledger.interfaces.fhir.Provenances.ProvenanceFact;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Provenance.ProvenanceEntityRole;
import org.hl7.fhir.r4.model.Signature;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class ProvenancesTest {

  private static final FhirValidation VALIDATION = new FhirValidation();

  private static final String TX = "0123456789abcdef".repeat(4);
  private static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");
  private static final byte[] SIGNATURE = new byte[64];
  private static final String TRANSACTION =
      "{\"author\":\"hospital-a\",\"body\":{\"recordId\":\"lab-1\",\"version\":1},\"type\":\"register\"}";

  static {
    for (int i = 0; i < SIGNATURE.length; i++) {
      SIGNATURE[i] = (byte) (i * 7);
    }
  }

  static ProvenanceFact fact(long version, String transaction) {
    return new ProvenanceFact(
        "lab-1",
        version,
        "hospital-a",
        TX,
        42,
        AT,
        Base64.getEncoder().encodeToString(SIGNATURE),
        transaction);
  }

  @Test
  void aRegistrationIsAValidCreateProvenanceOfVersion1() {
    Provenance p = Provenances.toResource(fact(1, TRANSACTION));

    assertThat(p.getIdElement().getIdPart()).isEqualTo(TX);
    assertThat(p.getTargetFirstRep().getReference())
        .isEqualTo("DocumentReference/lab-1/_history/1");
    assertThat(Fhir.write(p)).contains("\"reference\":\"DocumentReference/lab-1/_history/1\"");
    assertThat(p.getRecorded().toInstant()).isEqualTo(AT);
    assertThat(p.getActivity().getCodingFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/v3-DataOperation");
    assertThat(p.getActivity().getCodingFirstRep().getCode()).isEqualTo("CREATE");
    assertThat(p.getAgentFirstRep().getType().getCodingFirstRep().getCode()).isEqualTo("author");
    assertThat(p.getAgentFirstRep().getWho().getIdentifier().getSystem())
        .isEqualTo("urn:careledger:institution");
    assertThat(p.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("hospital-a");
    VALIDATION.assertValid(p);
  }

  @Test
  void anAmendmentIsAnUpdateOfItsVersion() {
    Provenance p = Provenances.toResource(fact(3, TRANSACTION));

    assertThat(p.getActivity().getCodingFirstRep().getCode()).isEqualTo("UPDATE");
    assertThat(p.getTargetFirstRep().getReference())
        .isEqualTo("DocumentReference/lab-1/_history/3");
    VALIDATION.assertValid(p);
  }

  @Test
  void theSignatureIsTheAuthorsRawEd25519SignatureOverTheCanonicalTransaction() {
    Provenance p = Provenances.toResource(fact(1, TRANSACTION));

    Signature sig = p.getSignatureFirstRep();
    assertThat(sig.getTypeFirstRep().getSystem()).isEqualTo("urn:iso-astm:E1762-95:2013");
    assertThat(sig.getTypeFirstRep().getCode()).isEqualTo("1.2.840.10065.1.12.1.1");
    assertThat(sig.getWhen().toInstant()).isEqualTo(AT);
    assertThat(sig.getWho().getIdentifier().getValue()).isEqualTo("hospital-a");
    assertThat(sig.getTargetFormat()).isEqualTo("application/json");
    assertThat(sig.getSigFormat()).isEqualTo("application/octet-stream");
    assertThat(sig.getData()).isEqualTo(SIGNATURE);

    Provenance.ProvenanceEntityComponent source = p.getEntityFirstRep();
    assertThat(source.getRole()).isEqualTo(ProvenanceEntityRole.SOURCE);
    assertThat(source.getWhat().getIdentifier().getSystem()).isEqualTo("urn:careledger:tx");
    assertThat(source.getWhat().getIdentifier().getValue()).isEqualTo(TX);
    assertThat(source.getWhat().getReference()).isEqualTo("#tx");
    assertThat(
            ((StringType) source.getExtensionByUrl(Provenances.LEDGER_HEIGHT_EXTENSION).getValue())
                .getValue())
        .isEqualTo("42");

    Provenance back = Fhir.parse(Fhir.write(p), Provenance.class);
    Binary tx = (Binary) back.getContained().get(0);
    assertThat(tx.getContentType()).isEqualTo("application/json");
    assertThat(new String(tx.getData(), StandardCharsets.UTF_8)).isEqualTo(TRANSACTION);
    assertThat(back.getSignatureFirstRep().getData()).isEqualTo(SIGNATURE);
  }

  @Test
  void withoutTheTransactionTheSourceIsNamedByIdentifierOnly() {
    Provenance p = Provenances.toResource(fact(1, null));

    assertThat(p.hasContained()).isFalse();
    assertThat(p.getEntityFirstRep().getWhat().hasReference()).isFalse();
    assertThat(p.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo(TX);
    VALIDATION.assertValid(p);
  }

  @Test
  void aSignatureThatIsNoBase64OrAVersionBelowOneIsRefused() {
    ProvenanceFact f = fact(1, null);
    assertThatThrownBy(
            () ->
                Provenances.toResource(
                    new ProvenanceFact(f.recordId(), 1, f.author(), f.txId(), 1, AT, "***", null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Provenances.toResource(fact(0, null)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
