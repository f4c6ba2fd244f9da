package org.careledger.interfaces.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Provenance.ProvenanceEntityRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Signature;
import org.hl7.fhir.r4.model.StringType;

/**
 * The ledger transaction behind a record version as a Provenance: who registered or amended it,
 * when it committed, and the author's Ed25519 signature over the canonical transaction, which is
 * carried along (as a contained Binary) so that a client holding the author's public key can check
 * it without the ledger.
 */
public final class Provenances {

  /** Extension on the source entity: the height of the transaction's block. */
  public static final String LEDGER_HEIGHT_EXTENSION =
      Mapping.STRUCTURE_DEFINITION_BASE + "ledger-height";

  static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
  static final String PARTICIPANT_TYPE =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
  static final String SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013";
  static final String AUTHORS_SIGNATURE = "1.2.840.10065.1.12.1.1";

  private Provenances() {}

  /**
   * A committed register ({@code version} 1) or amend transaction.
   *
   * @param signatureBase64 the author's raw 64-byte Ed25519 signature over the canonical bytes of
   *     {@code transactionJson}, base64
   * @param transactionJson the transaction's RFC 8785 canonical JSON; null leaves it out
   */
  public record ProvenanceFact(
      String recordId,
      long version,
      String author,
      String txId,
      long height,
      Instant committedAt,
      String signatureBase64,
      String transactionJson) {}

  /** The Provenance of one record version. */
  public static Provenance toResource(ProvenanceFact f) {
    Objects.requireNonNull(f, "f");
    if (f.version() < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
    Provenance provenance = new Provenance();
    provenance.setId(Ids.of(f.txId()));
    provenance.addTarget(
        new Reference("DocumentReference/" + Ids.of(f.recordId()) + "/_history/" + f.version())
            .setIdentifier(
                new Identifier().setSystem(Mapping.RECORD_SYSTEM).setValue(f.recordId())));
    provenance.setRecorded(Date.from(f.committedAt()));
    boolean create = f.version() == 1;
    provenance.setActivity(
        new CodeableConcept(
            new Coding(
                DATA_OPERATION, create ? "CREATE" : "UPDATE", create ? "create" : "revise")));
    Reference author = Mapping.organization(f.author());
    provenance
        .addAgent()
        .setType(new CodeableConcept(new Coding(PARTICIPANT_TYPE, "author", "Author")))
        .setWho(author);

    Provenance.ProvenanceEntityComponent source = provenance.addEntity();
    source.setRole(ProvenanceEntityRole.SOURCE);
    Reference tx =
        new Reference()
            .setIdentifier(new Identifier().setSystem(Mapping.TX_SYSTEM).setValue(f.txId()));
    if (f.transactionJson() != null) {
      Binary binary = new Binary();
      binary.setId("tx");
      binary.setContentType("application/json");
      binary.setData(f.transactionJson().getBytes(StandardCharsets.UTF_8));
      provenance.addContained(binary);
      tx.setReference("#tx");
    }
    source.setWhat(tx);
    source.addExtension(LEDGER_HEIGHT_EXTENSION, new StringType(String.valueOf(f.height())));

    if (f.signatureBase64() != null) {
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(f.signatureBase64());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the signature is not base64", e);
      }
      Signature sig = provenance.addSignature();
      sig.addType(new Coding(SIGNATURE_TYPE, AUTHORS_SIGNATURE, "Author's Signature"));
      sig.setWhen(Date.from(f.committedAt()));
      sig.setWho(author.copy());
      sig.setTargetFormat("application/json");
      sig.setSigFormat("application/octet-stream");
      sig.setData(signature);
    }
    return provenance;
  }
}
