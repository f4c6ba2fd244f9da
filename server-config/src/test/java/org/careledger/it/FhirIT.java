package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The FHIR R4 interface of a running node, spoken as a hospital system's FHIR client would: every
 * resource it answers with is checked by HAPI's validator; a record registered from a
 * DocumentReference is found by a search whose patient identifier travels in the body, and read
 * back byte for byte over REST; an invalid resource is an OperationOutcome with its code and leaves
 * nothing stored; consents, the audit trail (AuditEvent) and provenance (an Ed25519 signature that
 * verifies with the node's certificate). Then the research export: de-identified, only consenting
 * patients, refused below k, and in the patient's own audit view.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirIT {

  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");
  private static final String BASE = "http://127.0.0.1:" + (8080 + OFFSET) + "/careledger";
  private static final String CHANNEL = "ch-fhir";
  private static final String FHIR = BASE + "/fhir/" + CHANNEL + "/";
  private static final String API = BASE + "/api/v1";
  private static final String PASSWORD = ManagementCli.randomPassword();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final FhirContext CTX = FhirChecks.CTX;
  private static final String PATIENT = "urn:oid:1.2.3.4|fhir-77";
  private static final byte[] DOCUMENT =
      "%PDF-1.4 discharge summary, as a hospital system would attach it"
          .getBytes(StandardCharsets.UTF_8);

  @Deployment(testable = false)
  static EnterpriseArchive ear() {
    return Deployments.careledgerEar();
  }

  @Test
  @Order(1)
  void theCapabilityStatementDescribesTheInteractions() throws Exception {
    ManagementCli.addIdentity("fhir-his", PASSWORD, "clinician", "admin");
    ManagementCli.addIdentity("fhir-auditor", PASSWORD, "auditor");
    ManagementCli.addIdentity("fhir-clinician", PASSWORD, "clinician");
    ManagementCli.addIdentity("fhir-researcher", PASSWORD, "researcher");
    HttpResponse<String> channel =
        send(
            "fhir-his",
            "POST",
            API + "/channels",
            "application/json",
            "{\"channel\":\"" + CHANNEL + "\"}");
    assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);

    HttpResponse<String> metadata = send("fhir-his", "GET", FHIR + "metadata", null, null);

    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/fhir+json");
    CapabilityStatement statement = valid(metadata, CapabilityStatement.class);
    assertThat(statement.getFhirVersion().toCode()).isEqualTo("4.0.1");
    assertThat(statement.getRestFirstRep().getResource())
        .extracting(r -> r.getType())
        .contains("DocumentReference", "Consent", "AuditEvent", "Provenance");
  }

  @Test
  @Order(2)
  void aDocumentReferenceRegistersARecordThatIsFoundAndReadBack() throws Exception {
    HttpResponse<String> created =
        send(
            "fhir-his",
            "POST",
            FHIR + "DocumentReference",
            "application/fhir+json",
            documentReference("fhir-1", PATIENT, "18842-5", DOCUMENT));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location").orElse(""))
        .endsWith("/DocumentReference/fhir-1");
    DocumentReference echoed = valid(created, DocumentReference.class);
    assertThat(echoed.getMasterIdentifier().getValue()).isEqualTo("fhir-1");
    assertThat(echoed.getSubject().getIdentifier().getValue()).isEqualTo("fhir-77");

    HttpResponse<String> search =
        send(
            "fhir-his",
            "POST",
            FHIR + "DocumentReference/_search",
            "application/x-www-form-urlencoded",
            "patient="
                + URLEncoder.encode(PATIENT, StandardCharsets.UTF_8)
                + "&type="
                + URLEncoder.encode("http://loinc.org|18842-5", StandardCharsets.UTF_8));
    Bundle found = valid(search, Bundle.class);
    assertThat(found.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(found.getEntry()).hasSize(1);
    DocumentReference hit = (DocumentReference) found.getEntryFirstRep().getResource();
    assertThat(hit.getContentFirstRep().getAttachment().getContentType())
        .isEqualTo("application/pdf");

    HttpResponse<byte[]> content =
        CLIENT.send(
            request("fhir-his", hit.getContentFirstRep().getAttachment().getUrl()).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(DOCUMENT);

    HttpResponse<String> other =
        send(
            "fhir-his",
            "POST",
            FHIR + "DocumentReference/_search",
            "application/x-www-form-urlencoded",
            "patient=urn:oid:1.2.3.4%7Csomeone-else");
    assertThat(valid(other, Bundle.class).getEntry()).isEmpty();
  }

  @Test
  @Order(3)
  void anInvalidResourceIsAnOperationOutcomeAndStoresNothing() throws Exception {
    long height = height();
    String noSubject =
        documentReference("fhir-bad", PATIENT, "18842-5", DOCUMENT)
            .replaceFirst("\"subject\":\\{[^}]*\\{[^}]*\\}\\},", "");
    assertThat(noSubject).doesNotContain("subject");

    HttpResponse<String> refused =
        send("fhir-his", "POST", FHIR + "DocumentReference", "application/fhir+json", noSubject);

    assertThat(refused.statusCode()).isEqualTo(400);
    OperationOutcome outcome = valid(refused, OperationOutcome.class);
    assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode())
        .isEqualTo("CL-1900");
    assertThat(outcome.getIssueFirstRep().getExpression().toString()).contains("subject");
    HttpResponse<String> garbage =
        send(
            "fhir-his",
            "POST",
            FHIR + "DocumentReference",
            "application/fhir+json",
            "{\"resourceType\":");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(outcomeCode(garbage)).isEqualTo("CL-1900");
    assertThat(height()).isEqualTo(height);
    assertThat(
            send("fhir-his", "GET", FHIR + "DocumentReference/fhir-bad", null, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(4)
  void aPatientIdentifierInTheUrlIsRefused() throws Exception {
    HttpResponse<String> refused =
        send(
            "fhir-his",
            "GET",
            FHIR
                + "DocumentReference?patient="
                + URLEncoder.encode(PATIENT, StandardCharsets.UTF_8),
            null,
            null);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(outcomeCode(refused)).isEqualTo("CL-1902");
    HttpResponse<String> byHeader =
        CLIENT.send(
            request("fhir-his", FHIR + "DocumentReference?type=18842-5")
                .header("CareLedger-Patient-Id", PATIENT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(valid(byHeader, Bundle.class).getEntry()).hasSize(1);
    HttpResponse<String> unknownParameter =
        send("fhir-his", "GET", FHIR + "DocumentReference?author=x", null, null);
    assertThat(unknownParameter.statusCode()).isEqualTo(400);
    assertThat(outcomeCode(unknownParameter)).isEqualTo("CL-1901");
  }

  @Test
  @Order(5)
  void aBatchRegistersEachEntryOnItsOwnAndATransactionIsRefused() throws Exception {
    String batch =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
            + entry(documentReference("fhir-b1", PATIENT, "11502-2", DOCUMENT))
            + ","
            + entry(documentReference("fhir-1", PATIENT, "11502-2", DOCUMENT))
            + ","
            + entry(documentReference("fhir-b2", PATIENT, "11502-2", DOCUMENT))
            + "]}";

    HttpResponse<String> answered = send("fhir-his", "POST", FHIR, "application/fhir+json", batch);

    Bundle response = valid(answered, Bundle.class);
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "409 Conflict", "201 Created");
    HttpResponse<String> transaction =
        send(
            "fhir-his",
            "POST",
            FHIR,
            "application/fhir+json",
            batch.replace("\"batch\"", "\"transaction\""));
    assertThat(transaction.statusCode()).isEqualTo(400);
    assertThat(outcomeCode(transaction)).isEqualTo("CL-1901");
  }

  @Test
  @Order(5)
  void aFhirDocumentIsOneRecordKeptByteForByte() throws Exception {
    String document =
        "{\"resourceType\":\"Bundle\",\"identifier\":{\"system\":\"urn:ietf:rfc:3986\","
            + "\"value\":\"fhir-doc-1\"},\"type\":\"document\","
            + "\"timestamp\":\"2026-11-20T10:00:00Z\",\"entry\":["
            + "{\"fullUrl\":\"urn:uuid:0c3e6b1a-0000-4000-8000-000000000000\",\"resource\":"
            + "{\"resourceType\":\"Composition\",\"status\":\"final\",\"type\":{\"coding\":"
            + "[{\"system\":\"http://loinc.org\",\"code\":\"34133-9\"}]},"
            + "\"subject\":{\"reference\":\"urn:uuid:0c3e6b1a-0000-4000-8000-000000000001\"},"
            + "\"date\":\"2026-11-20T10:00:00Z\",\"author\":[{\"display\":\"Ward 3\"}],"
            + "\"title\":\"Summary of episode\"}},"
            + "{\"fullUrl\":\"urn:uuid:0c3e6b1a-0000-4000-8000-000000000001\",\"resource\":"
            + "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:1.2.3.4\","
            + "\"value\":\"fhir-77\"}]}}]}";

    HttpResponse<String> created =
        send("fhir-his", "POST", FHIR, "application/fhir+json", document);

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    DocumentReference registered = valid(created, DocumentReference.class);
    assertThat(registered.getMasterIdentifier().getValue()).isEqualTo("fhir-doc-1");
    assertThat(registered.getContentFirstRep().getAttachment().getContentType())
        .isEqualTo("application/fhir+json");
    HttpResponse<String> byClass =
        CLIENT.send(
            request("fhir-his", FHIR + "DocumentReference?type=34133-9")
                .header("CareLedger-Patient-Id", PATIENT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(valid(byClass, Bundle.class).getEntry()).hasSize(1);
    HttpResponse<String> content =
        CLIENT.send(
            request("fhir-his", registered.getContentFirstRep().getAttachment().getUrl())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(content.body()).isEqualTo(document);
    HttpResponse<String> noComposition =
        send(
            "fhir-his",
            "POST",
            FHIR,
            "application/fhir+json",
            document
                .replace("fhir-doc-1", "fhir-doc-2")
                .replace("\"resourceType\":\"Composition\"", "\"resourceType\":\"Basic\""));
    assertThat(noComposition.statusCode()).isEqualTo(400);
  }

  @Test
  @Order(6)
  void consentsAreRecordedAndFoundAsConsentResources() throws Exception {
    HttpResponse<String> created =
        send(
            "fhir-his",
            "POST",
            FHIR + "Consent",
            "application/fhir+json",
            researchConsent(PATIENT, "active"));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Consent consent = valid(created, Consent.class);
    assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
    HttpResponse<String> search =
        send(
            "fhir-his",
            "POST",
            FHIR + "Consent/_search",
            "application/x-www-form-urlencoded",
            "patient=" + URLEncoder.encode(PATIENT, StandardCharsets.UTF_8));
    Bundle consents = valid(search, Bundle.class);
    assertThat(consents.getEntry()).hasSize(1);
    assertThat(((Consent) consents.getEntryFirstRep().getResource()).getProvision().getPurpose())
        .extracting(c -> c.getCode())
        .containsExactly("HRESCH");
  }

  @Test
  @Order(7)
  void theAuditTrailIsAuditEventsAndProvenanceCarriesAVerifiableSignature() throws Exception {
    HttpResponse<String> audit =
        send(
            "fhir-auditor", "GET", FHIR + "AuditEvent?entity=DocumentReference/fhir-1", null, null);
    Bundle events = valid(audit, Bundle.class);
    assertThat(events.getEntry()).isNotEmpty();
    AuditEvent registered = (AuditEvent) events.getEntryFirstRep().getResource();
    assertThat(registered.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
    assertThat(
            send(
                "fhir-clinician",
                "GET",
                FHIR + "AuditEvent?entity=DocumentReference/fhir-1",
                null,
                null))
        .satisfies(
            r -> {
              assertThat(r.statusCode()).isEqualTo(403); // the audit trail: auditors and admins
              assertThat(valid(r, OperationOutcome.class).getIssueFirstRep().getDetails())
                  .satisfies(d -> assertThat(d.getCodingFirstRep().getCode()).isEqualTo("CL-1719"));
            });

    HttpResponse<String> provenance =
        send(
            "fhir-auditor", "GET", FHIR + "Provenance?target=DocumentReference/fhir-1", null, null);
    Bundle provenances = valid(provenance, Bundle.class);
    assertThat(provenances.getEntry()).hasSize(1);
    Provenance p = (Provenance) provenances.getEntryFirstRep().getResource();
    String txId = p.getIdElement().getIdPart();
    JsonNode certificates = Http.json(Http.get(API + "/node/certificates"));
    X509Certificate certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new java.io.ByteArrayInputStream(
                        Base64.getDecoder()
                            .decode(certificates.get("signingCertificate").asText())));
    byte[] raw =
        SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded())
            .getPublicKeyData()
            .getBytes();
    byte[] canonical = canonicalTransaction(p);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)))
        .isEqualTo(txId);
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(raw, 0));
    verifier.update(canonical, 0, canonical.length);
    assertThat(verifier.verifySignature(p.getSignatureFirstRep().getDataElement().getValue()))
        .isTrue();
    canonical[canonical.length / 2] ^= 1; // and it signs exactly those bytes
    verifier.reset();
    verifier.update(canonical, 0, canonical.length);
    assertThat(verifier.verifySignature(p.getSignatureFirstRep().getDataElement().getValue()))
        .isFalse();
  }

  @Test
  @Order(8)
  void aResearchExportIsDeidentifiedTakesOnlyConsentingPatientsAndIsOnTheChain() throws Exception {
    List<String> planted = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      String patientId = "urn:oid:1.2.3.4|research-" + i;
      String family = "Quorvath" + (char) ('a' + i);
      String mrn = "MRN-4471" + i;
      String phone = "617-555-01" + (10 + i);
      String street = (100 + i) + " Larkspur Terrace";
      planted.addAll(
          List.of(
              family, mrn, phone, street, "1980-0" + i + "-1" + i, "0213" + i, "research-" + i));
      HttpResponse<String> registered =
          send(
              "fhir-his",
              "POST",
              FHIR + "DocumentReference",
              "application/fhir+json",
              documentReference(
                  "lab-r" + i,
                  patientId,
                  "2339-0",
                  labBundle(
                          family, mrn, phone, street, "1980-0" + i + "-1" + i, "female", "0213" + i)
                      .getBytes(StandardCharsets.UTF_8),
                  "application/fhir+json"));
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
      if (i <= 5) { // the sixth never consents: its record must stay out of the export
        assertThat(
                send(
                        "fhir-his",
                        "POST",
                        FHIR + "Consent",
                        "application/fhir+json",
                        researchConsent(patientId, "active"))
                    .statusCode())
            .isEqualTo(201);
      }
    }
    long height = height();

    HttpResponse<String> export =
        send(
            "fhir-researcher",
            "POST",
            API + "/channels/" + CHANNEL + "/research-exports",
            "application/json",
            "{\"documentClass\":\"2339-0\",\"k\":5}");

    assertThat(export.statusCode()).as(export.body()).isEqualTo(201);
    assertThat(export.headers().firstValue("CareLedger-Export-Records")).contains("5");
    assertThat(export.headers().firstValue("CareLedger-Export-Patients")).contains("5");
    assertThat(export.headers().firstValue("CareLedger-Export-Smallest-Group")).contains("5");
    for (String identifier : planted) {
      assertThat(export.body()).doesNotContain(identifier);
    }
    assertThat(export.body()).doesNotContain("lab-r");
    assertThat(export.body()).contains("2339-0"); // the clinical code survives
    Bundle dataset = valid(export, Bundle.class);
    List<Patient> patients =
        dataset.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .toList();
    assertThat(patients).hasSize(5);
    assertThat(patients)
        .allSatisfy(p -> assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1980"));
    String exportTx = export.headers().firstValue("CareLedger-Export-Tx").orElseThrow();
    assertThat(height()).isEqualTo(height + 1);
    assertThat(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(export.body().getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(export.headers().firstValue("CareLedger-Export-Sha256").orElseThrow());

    // The first patient sees the export in their own audit view; the sixth does not.
    ManagementCli.addIdentity("fhir-patient-1", PASSWORD, "patient");
    ManagementCli.run(
        "/subsystem=elytron/filesystem-realm=careledger-users:add-identity-attribute("
            + "identity=fhir-patient-1, name=patient-id, value=[\"urn:oid:1.2.3.4|research-1\"])");
    ManagementCli.addIdentity("fhir-patient-6", PASSWORD, "patient");
    ManagementCli.run(
        "/subsystem=elytron/filesystem-realm=careledger-users:add-identity-attribute("
            + "identity=fhir-patient-6, name=patient-id, value=[\"urn:oid:1.2.3.4|research-6\"])");
    JsonNode trail1 =
        Http.json(
            send("fhir-patient-1", "GET", API + "/me/channels/" + CHANNEL + "/audit", null, null));
    JsonNode trail6 =
        Http.json(
            send("fhir-patient-6", "GET", API + "/me/channels/" + CHANNEL + "/audit", null, null));
    assertThat(trail1.findValuesAsText("txId")).contains(exportTx);
    assertThat(trail6.findValuesAsText("txId")).doesNotContain(exportTx);
  }

  @Test
  @Order(9)
  void anExportBelowKIsRefusedAndLeavesNothingOnTheChain() throws Exception {
    // A seventh patient, the only man born in 1950 in ZIP 100xx, consents: a group of one.
    String patientId = "urn:oid:1.2.3.4|research-7";
    assertThat(
            send(
                    "fhir-his",
                    "POST",
                    FHIR + "DocumentReference",
                    "application/fhir+json",
                    documentReference(
                        "lab-r7",
                        patientId,
                        "2339-0",
                        labBundle(
                                "Quorvathz",
                                "MRN-44717",
                                "212-555-0177",
                                "7 Elm Row",
                                "1950-07-17",
                                "male",
                                "10001")
                            .getBytes(StandardCharsets.UTF_8),
                        "application/fhir+json"))
                .statusCode())
        .isEqualTo(201);
    // This one over REST: a consent to research names the purpose, not a grantee.
    HttpResponse<String> both =
        CLIENT.send(
            request("fhir-his", API + "/channels/" + CHANNEL + "/consents")
                .header("Content-Type", "application/json")
                .header("CareLedger-Patient-Id", patientId)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"grantee\":\"x\",\"purpose\":\"HRESCH\",\"decision\":\"permit\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(Http.json(both).get("code").asText()).isEqualTo("CL-1721");
    HttpResponse<String> consent =
        CLIENT.send(
            request("fhir-his", API + "/channels/" + CHANNEL + "/consents")
                .header("Content-Type", "application/json")
                .header("CareLedger-Patient-Id", patientId)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"purpose\":\"HRESCH\",\"decision\":\"permit\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
    long height = height();

    HttpResponse<String> refused =
        send(
            "fhir-researcher",
            "POST",
            API + "/channels/" + CHANNEL + "/research-exports",
            "application/json",
            "{\"documentClass\":\"2339-0\",\"k\":5}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(Http.json(refused).get("code").asText()).isEqualTo("CL-1730");
    assertThat(refused.body()).doesNotContain("MRN").doesNotContain("Quorvath");
    assertThat(height()).isEqualTo(height);
    HttpResponse<String> belowNodeMinimum =
        send(
            "fhir-researcher",
            "POST",
            API + "/channels/" + CHANNEL + "/research-exports",
            "application/json",
            "{\"documentClass\":\"2339-0\",\"k\":1}");
    assertThat(Http.json(belowNodeMinimum).get("code").asText()).isEqualTo("CL-1731");
    HttpResponse<String> notAResearcher =
        send(
            "fhir-his",
            "POST",
            API + "/channels/" + CHANNEL + "/research-exports",
            "application/json",
            "{\"documentClass\":\"2339-0\"}");
    assertThat(notAResearcher.statusCode()).isEqualTo(403);
    assertThat(height()).isEqualTo(height);
  }

  // --- helpers ---

  private static <T extends IBaseResource> T valid(HttpResponse<String> response, Class<T> type) {
    return FhirChecks.valid(response, type);
  }

  /** The CareLedger code of an OperationOutcome answer (checked by the validator first). */
  private static String outcomeCode(HttpResponse<String> response) {
    return valid(response, OperationOutcome.class)
        .getIssueFirstRep()
        .getDetails()
        .getCodingFirstRep()
        .getCode();
  }

  /** The signed canonical transaction, which the Provenance carries as a contained Binary. */
  private static byte[] canonicalTransaction(Provenance p) {
    assertThat(p.getEntityFirstRep().getWhat().getReference()).isEqualTo("#tx");
    return p.getContained().stream()
        .filter(org.hl7.fhir.r4.model.Binary.class::isInstance)
        .map(org.hl7.fhir.r4.model.Binary.class::cast)
        .findFirst()
        .orElseThrow()
        .getData();
  }

  private static long height() throws Exception {
    return Http.json(send("fhir-his", "GET", API + "/channels/" + CHANNEL, null, null))
        .get("height")
        .asLong();
  }

  private static String entry(String resource) {
    return "{\"resource\":"
        + resource
        + ",\"request\":{\"method\":\"POST\",\"url\":\"DocumentReference\"}}";
  }

  static String documentReference(String recordId, String patientId, String loinc, byte[] content) {
    return documentReference(recordId, patientId, loinc, content, "application/pdf");
  }

  static String documentReference(
      String recordId, String patientId, String loinc, byte[] content, String contentType) {
    return FhirChecks.documentReference(recordId, patientId, loinc, content, contentType);
  }

  private static String researchConsent(String patientId, String status) {
    return FhirChecks.consent(patientId, status, null);
  }

  /** A lab result as an HIS would store it: a Bundle with the Patient and an Observation. */
  private static String labBundle(
      String family,
      String mrn,
      String phone,
      String street,
      String birthDate,
      String gender,
      String zip) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        + "{\"fullUrl\":\"urn:uuid:6f1c2a52-0000-4000-8000-00000000000"
        + (zip.charAt(4))
        + "\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
        + "\"identifier\":[{\"system\":\"urn:oid:1.2.3.4.5\",\"value\":\""
        + mrn
        + "\"}],"
        + "\"name\":[{\"family\":\""
        + family
        + "\",\"given\":[\"Ilse\"]}],"
        + "\"telecom\":[{\"system\":\"phone\",\"value\":\""
        + phone
        + "\"}],"
        + "\"gender\":\""
        + gender
        + "\",\"birthDate\":\""
        + birthDate
        + "\","
        + "\"address\":[{\"line\":[\""
        + street
        + "\"],\"city\":\"Cambridge\",\"state\":\"MA\",\"postalCode\":\""
        + zip
        + "\"}]}},"
        + "{\"fullUrl\":\"urn:uuid:6f1c2a52-0000-4000-8000-10000000000"
        + (zip.charAt(4))
        + "\",\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2339-0\",\"display\":\"Glucose [Mass/volume] in Blood\"}]},"
        + "\"subject\":{\"reference\":\"Patient/p1\",\"display\":\""
        + family
        + "\"},"
        + "\"effectiveDateTime\":\"2026-03-02T08:15:00Z\","
        + "\"valueQuantity\":{\"value\":97,\"unit\":\"mg/dL\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mg/dL\"},"
        + "\"note\":[{\"text\":\""
        + family
        + " fasting, call "
        + phone
        + "\"}]}}]}";
  }

  private static HttpRequest.Builder request(String user, String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .header(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> send(
      String user, String method, String url, String contentType, String body) throws Exception {
    HttpRequest.Builder builder = request(user, url);
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    builder.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
