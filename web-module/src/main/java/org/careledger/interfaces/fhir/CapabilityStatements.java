package org.careledger.interfaces.fhir;

import java.util.Date;
import java.util.Objects;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/** What a node's FHIR interface offers, for {@code GET …/fhir/{channel}/metadata}. */
public final class CapabilityStatements {

  static final String SECURITY_SERVICE =
      "http://terminology.hl7.org/CodeSystem/restful-security-service";

  private CapabilityStatements() {}

  /**
   * The node's CapabilityStatement (kind {@code instance}, FHIR 4.0.1, JSON only).
   *
   * @param baseUrl the channel's FHIR base, e.g. {@code https://h:8443/careledger/fhir/ch-1}
   */
  public static CapabilityStatement forServer(String baseUrl, String softwareVersion) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    CapabilityStatement cs = new CapabilityStatement();
    cs.setName("CareLedgerFhirServer");
    cs.setTitle("CareLedger FHIR interface");
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setDate(new Date());
    cs.setPublisher("CareLedger");
    cs.setKind(CapabilityStatementKind.INSTANCE);
    cs.getSoftware().setName("CareLedger").setVersion(softwareVersion);
    cs.getImplementation()
        .setDescription("CareLedger node: records, consents and audit of one ledger channel")
        .setUrl(baseUrl);
    cs.setFhirVersion(FHIRVersion._4_0_1);
    cs.addFormat("json");
    cs.addFormat(Fhir.MEDIA_TYPE);

    CapabilityStatementRestComponent rest = cs.addRest().setMode(RestfulCapabilityMode.SERVER);
    rest.setDocumentation(
        "Patient identifiers never travel in a URL: search by patient with POST …/_search and a"
            + " form body, or the CareLedger-Patient-Id header (CL-1902 otherwise). Batch Bundles"
            + " of DocumentReference creates are taken, and FHIR documents (Bundles of type"
            + " document), each registered as one record kept as sent; transaction Bundles are"
            + " not (ledger commits cannot be rolled back together). A search parameter the"
            + " server does not support is refused (CL-1901), not ignored.");
    rest.getSecurity()
        .setCors(false)
        .addService(service("Basic", "Basic"))
        .addService(service("OAuth", "OAuth"))
        .addService(service("Certificates", "Certificates"))
        .setDescription(
            "Every request is authenticated by the node's security realm: HTTP Basic, a bearer"
                + " token, or a TLS client certificate; the realm's roles decide what a caller may"
                + " do.");

    CapabilityStatementRestResourceComponent documents =
        resource(
            rest,
            "DocumentReference",
            TypeRestfulInteraction.CREATE,
            TypeRestfulInteraction.READ,
            TypeRestfulInteraction.SEARCHTYPE);
    documents.setDocumentation(
        "A create registers a record: masterIdentifier the record id, type a LOINC coding,"
            + " subject the patient by identifier, one inline attachment.");
    documents
        .addSearchParam()
        .setName("patient")
        .setType(SearchParamType.TOKEN)
        .setDocumentation(
            "The patient as system|value, in a POST _search form body or the"
                + " CareLedger-Patient-Id header only (CL-1902 in a URL)");
    documents
        .addSearchParam()
        .setName("type")
        .setType(SearchParamType.TOKEN)
        .setDocumentation("The document class, http://loinc.org|code or a bare LOINC code");
    documents
        .addSearchParam()
        .setName("date")
        .setType(SearchParamType.DATE)
        .setDocumentation("Registration time, with prefix eq, ge, gt, le or lt");

    CapabilityStatementRestResourceComponent consents =
        resource(rest, "Consent", TypeRestfulInteraction.CREATE, TypeRestfulInteraction.SEARCHTYPE);
    consents
        .addSearchParam()
        .setName("patient")
        .setType(SearchParamType.TOKEN)
        .setDocumentation(
            "The patient as system|value, in a POST _search form body or the"
                + " CareLedger-Patient-Id header only");

    CapabilityStatementRestResourceComponent audit =
        resource(rest, "AuditEvent", TypeRestfulInteraction.SEARCHTYPE);
    audit
        .addSearchParam()
        .setName("entity")
        .setType(SearchParamType.REFERENCE)
        .setDocumentation("The record, DocumentReference/{recordId}");
    audit
        .addSearchParam()
        .setName("date")
        .setType(SearchParamType.DATE)
        .setDocumentation("Consensus time of the event's block, with prefix eq, ge, gt, le or lt");
    audit
        .addSearchParam()
        .setName("agent")
        .setType(SearchParamType.REFERENCE)
        .setDocumentation(
            "An institution (author, grantee or accessor), urn:careledger:institution|id or the id");

    CapabilityStatementRestResourceComponent provenance =
        resource(rest, "Provenance", TypeRestfulInteraction.SEARCHTYPE);
    provenance
        .addSearchParam()
        .setName("target")
        .setType(SearchParamType.REFERENCE)
        .setDocumentation("The record, DocumentReference/{recordId}");

    rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
    return cs;
  }

  private static CapabilityStatementRestResourceComponent resource(
      CapabilityStatementRestComponent rest, String type, TypeRestfulInteraction... interactions) {
    CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type);
    for (TypeRestfulInteraction interaction : interactions) {
      resource.addInteraction().setCode(interaction);
    }
    return resource;
  }

  private static CodeableConcept service(String code, String display) {
    return new CodeableConcept(new Coding(SECURITY_SERVICE, code, display));
  }
}
