package org.careledger.interfaces.fhir;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.careledger.application.DatabaseOutage;
import org.careledger.application.NodeService;
import org.careledger.application.RecordService;
import org.careledger.application.SharingService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.sharing.ResearchConsent;
import org.careledger.interfaces.rest.CareLedgerExceptionMapper;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR R4 interactions of one channel, {@code /careledger/fhir/{channel}/…}, on the same services
 * (and role checks) as the REST and SOAP interfaces:
 *
 * <ul>
 *   <li>{@code GET metadata}: the CapabilityStatement;
 *   <li>{@code POST DocumentReference}: register a record from a DocumentReference with an inline
 *       attachment; {@code POST} of a {@code batch} Bundle of such creates (one outcome per entry;
 *       a {@code transaction} Bundle is refused, as ledger commits cannot be rolled back together);
 *   <li>{@code GET DocumentReference/{id}}, and search by {@code type}, {@code date} and the
 *       patient: the patient's identifier never in the URL (proxies and access logs keep URLs), so
 *       {@code POST DocumentReference/_search} with a form body, or the {@code
 *       CareLedger-Patient-Id} header; a patient parameter in a query string is refused ({@code
 *       CL-1902}); an unknown search parameter is refused ({@code CL-1901}) rather than ignored, so
 *       a filter the server does not apply never returns more than asked for;
 *   <li>{@code POST Consent} (to an institution, or to research) and search by patient (the same
 *       rule);
 *   <li>{@code GET AuditEvent?entity=DocumentReference/{id}&agent=&date=}: the channel's sharing
 *       events shaped after IHE BALP (auditor, admin);
 *   <li>{@code GET Provenance?target=DocumentReference/{id}}: each version's ledger transaction
 *       with its author's Ed25519 signature.
 * </ul>
 */
@Path("/{channel}")
@Produces({Fhir.MEDIA_TYPE, MediaType.APPLICATION_JSON})
public class FhirEndpoint {

  /** The largest attachment a DocumentReference may carry inline (decoded); larger: REST. */
  static final int MAX_INLINE_BYTES = 16 << 20;

  static final String PATIENT_HEADER = "CareLedger-Patient-Id";

  private static final Set<String> FORMAT_PARAMETERS = Set.of("_format", "_pretty");

  @EJB private RecordService records;
  @EJB private SharingService sharing;
  @EJB private NodeService node;

  @Context private UriInfo uri;

  @GET
  @Path("metadata")
  public Response metadata(@PathParam("channel") String channel) {
    return ok(CapabilityStatements.forServer(base(channel).toString(), node.nodeInfo().version()));
  }

  @POST
  @Path("DocumentReference")
  @Consumes({Fhir.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response create(@PathParam("channel") String channel, String body) {
    DocumentReferences.Registration registration =
        DocumentReferences.fromResource(
            Fhir.parse(body, DocumentReference.class), MAX_INLINE_BYTES);
    RecordService.Registered registered = register(channel, registration);
    DocumentReference created = readBack(channel, registered.recordId(), registration.patientId());
    return Response.created(base(channel).resolve("DocumentReference/" + registered.recordId()))
        .type(Fhir.MEDIA_TYPE)
        .header("CareLedger-Tx", registered.txId())
        .entity(Fhir.write(created))
        .build();
  }

  /**
   * A Bundle at the base: a FHIR document ({@code document}: registered as one record, the Bundle
   * being the document), or a {@code batch} of DocumentReference creates, every entry on its own.
   */
  @POST
  @Consumes({Fhir.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response bundle(@PathParam("channel") String channel, String body) {
    Bundle bundle = Fhir.parse(body, Bundle.class);
    if (bundle.getType() == Bundle.BundleType.DOCUMENT) {
      DocumentReferences.Registration registration =
          FhirDocuments.fromBundle(bundle, body, MAX_INLINE_BYTES);
      RecordService.Registered registered = register(channel, registration);
      return Response.created(base(channel).resolve("DocumentReference/" + registered.recordId()))
          .type(Fhir.MEDIA_TYPE)
          .header("CareLedger-Tx", registered.txId())
          .entity(Fhir.write(readBack(channel, registered.recordId(), registration.patientId())))
          .build();
    }
    List<DocumentReference> entries = DocumentReferences.fromBatch(bundle);
    List<DocumentReferences.EntryOutcome> outcomes = new ArrayList<>();
    for (DocumentReference entry : entries) {
      try {
        RecordService.Registered registered =
            register(channel, DocumentReferences.fromResource(entry, MAX_INLINE_BYTES));
        outcomes.add(
            new DocumentReferences.EntryOutcome(
                "201 Created", "DocumentReference/" + registered.recordId(), null));
      } catch (RuntimeException e) {
        outcomes.add(failed(e));
      }
    }
    return ok(DocumentReferences.batchResponse(outcomes));
  }

  @GET
  @Path("DocumentReference/{id}")
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response read(@PathParam("channel") String channel, @PathParam("id") String id) {
    List<RecordService.Found> found =
        records.find(channel, new RecordService.Query(null, null, null, null, id));
    if (found.isEmpty()) {
      throw new FhirProblem(
          ErrorCode.TX_UNKNOWN,
          OperationOutcome.IssueType.NOTFOUND,
          "no record " + id + " on channel " + channel,
          null);
    }
    return ok(DocumentReferences.toResource(found.get(0), null, contentUrl(channel, id)));
  }

  @GET
  @Path("DocumentReference")
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response searchDocuments(
      @PathParam("channel") String channel, @HeaderParam(PATIENT_HEADER) String patientHeader) {
    SearchParams.refusePatientInQuery(uri.getQueryParameters());
    return documents(channel, patientHeader, uri.getQueryParameters());
  }

  @POST
  @Path("DocumentReference/_search")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response searchDocumentsByForm(
      @PathParam("channel") String channel,
      @HeaderParam(PATIENT_HEADER) String patientHeader,
      MultivaluedMap<String, String> form) {
    SearchParams.refusePatientInQuery(uri.getQueryParameters());
    return documents(channel, patientHeader, merged(form));
  }

  @POST
  @Path("Consent")
  @Consumes({Fhir.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @RolesAllowed({"admin", "clinician"})
  public Response createConsent(@PathParam("channel") String channel, String body) {
    Consents.ConsentInput input = Consents.fromResource(Fhir.parse(body, Consent.class));
    SharingService.Decision decision =
        sharing.consent(
            channel,
            input.patientId(),
            input.research() ? ResearchConsent.SCOPE : input.grantee(),
            input.decision());
    SharingService.ConsentView view =
        sharing.consents(channel, input.patientId()).stream()
            .filter(c -> c.txId().equals(decision.txId()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("committed consent not found"));
    return Response.created(base(channel).resolve("Consent/" + decision.txId()))
        .type(Fhir.MEDIA_TYPE)
        .entity(Fhir.write(Consents.toResource(fact(view, input.patientId()))))
        .build();
  }

  @GET
  @Path("Consent")
  @RolesAllowed({"admin", "clinician", "auditor"})
  public Response searchConsents(
      @PathParam("channel") String channel, @HeaderParam(PATIENT_HEADER) String patientHeader) {
    SearchParams.refusePatientInQuery(uri.getQueryParameters());
    return consents(channel, patientHeader, uri.getQueryParameters());
  }

  @POST
  @Path("Consent/_search")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @RolesAllowed({"admin", "clinician", "auditor"})
  public Response searchConsentsByForm(
      @PathParam("channel") String channel,
      @HeaderParam(PATIENT_HEADER) String patientHeader,
      MultivaluedMap<String, String> form) {
    SearchParams.refusePatientInQuery(uri.getQueryParameters());
    return consents(channel, patientHeader, merged(form));
  }

  @GET
  @Path("AuditEvent")
  @RolesAllowed({"auditor", "admin"})
  public Response auditEvents(@PathParam("channel") String channel) {
    MultivaluedMap<String, String> q = uri.getQueryParameters();
    only(q, Set.of("entity", "agent", "date"));
    String entity = q.getFirst("entity");
    String recordId = entity == null ? null : documentReferenceId(entity, "entity");
    SearchParams.Range range = SearchParams.dateRange(q.get("date"));
    List<SharingService.AuditEvent> events =
        sharing.audit(
            channel,
            new SharingService.AuditQuery(
                recordId, institution(q.getFirst("agent")), range.from(), range.to()));
    String observer = node.nodeInfo().institutionId();
    List<Resource> resources = new ArrayList<>();
    for (SharingService.AuditEvent event : events) {
      resources.add(AuditEvents.toResource(event, channel, observer));
    }
    return ok(Bundles.searchSet(resources, uri.getRequestUri().toString()));
  }

  @GET
  @Path("Provenance")
  @RolesAllowed({"admin", "clinician", "his-system", "auditor"})
  public Response provenance(@PathParam("channel") String channel) {
    MultivaluedMap<String, String> q = uri.getQueryParameters();
    only(q, Set.of("target"));
    String target = q.getFirst("target");
    if (target == null) {
      throw new FhirProblem(
          ErrorCode.FHIR_NOT_SUPPORTED,
          OperationOutcome.IssueType.REQUIRED,
          "Provenance is searched by target=DocumentReference/{id}",
          "target");
    }
    String recordId = documentReferenceId(target, "target");
    List<Resource> resources = new ArrayList<>();
    for (RecordService.SignedVersion v : records.signedVersions(channel, recordId)) {
      resources.add(
          Provenances.toResource(
              new Provenances.ProvenanceFact(
                  v.recordId(),
                  v.version(),
                  v.author(),
                  v.txId(),
                  v.height(),
                  v.committedAt(),
                  Base64.getEncoder().encodeToString(v.signature()),
                  new String(v.canonicalTransaction(), java.nio.charset.StandardCharsets.UTF_8))));
    }
    return ok(Bundles.searchSet(resources, uri.getRequestUri().toString()));
  }

  private Response documents(
      String channel, String patientHeader, MultivaluedMap<String, String> parameters) {
    only(
        parameters,
        Set.of(
            "patient",
            "subject",
            "patient.identifier",
            "subject:identifier",
            "patient:identifier",
            "type",
            "date"));
    String patientId = patient(parameters, patientHeader);
    String type = parameters.getFirst("type");
    SearchParams.Range range = SearchParams.dateRange(parameters.get("date"));
    List<RecordService.Found> found =
        records.find(
            channel,
            new RecordService.Query(
                patientId,
                type == null ? null : SearchParams.documentClass(type),
                range.from(),
                range.to()));
    List<Resource> resources = new ArrayList<>();
    for (RecordService.Found f : found) {
      resources.add(DocumentReferences.toResource(f, patientId, contentUrl(channel, f.recordId())));
    }
    return ok(Bundles.searchSet(resources, selfUrl()));
  }

  private Response consents(
      String channel, String patientHeader, MultivaluedMap<String, String> parameters) {
    only(parameters, Set.of("patient", "patient.identifier", "patient:identifier"));
    String patientId = patient(parameters, patientHeader);
    if (patientId == null) {
      throw new FhirProblem(
          ErrorCode.FHIR_NOT_SUPPORTED,
          OperationOutcome.IssueType.REQUIRED,
          "Consent is searched by patient (form parameter or " + PATIENT_HEADER + " header)",
          "patient");
    }
    List<Resource> resources = new ArrayList<>();
    for (SharingService.ConsentView view : sharing.consents(channel, patientId)) {
      resources.add(Consents.toResource(fact(view, patientId)));
    }
    return ok(Bundles.searchSet(resources, selfUrl()));
  }

  private static Consents.ConsentFact fact(SharingService.ConsentView view, String patientId) {
    boolean research = ResearchConsent.SCOPE.equals(view.scope());
    return new Consents.ConsentFact(
        patientId,
        view.patient(),
        research ? null : view.scope(),
        view.decision(),
        view.via(),
        view.institution(),
        view.txId(),
        view.at());
  }

  private RecordService.Registered register(
      String channel, DocumentReferences.Registration registration) {
    return records.register(
        channel,
        new RecordService.Metadata(
            registration.recordId(),
            registration.mediaType(),
            registration.documentClass(),
            registration.patientId(),
            registration.title(),
            registration.documentDate()),
        new ByteArrayInputStream(registration.content()));
  }

  private DocumentReference readBack(String channel, String recordId, String patientId) {
    List<RecordService.Found> found =
        records.find(channel, new RecordService.Query(patientId, null, null, null, recordId));
    if (found.isEmpty()) {
      throw new IllegalStateException("registered record " + recordId + " not found");
    }
    return DocumentReferences.toResource(found.get(0), patientId, contentUrl(channel, recordId));
  }

  /** One failed batch entry: its status and OperationOutcome, as the whole request would get. */
  private static DocumentReferences.EntryOutcome failed(RuntimeException e) {
    Optional<String> outage = DatabaseOutage.signal(e);
    if (outage.isPresent()) {
      return new DocumentReferences.EntryOutcome(
          "503 Service Unavailable",
          null,
          OperationOutcomes.of(
              ErrorCode.DATABASE_UNREACHABLE,
              OperationOutcome.IssueType.TRANSIENT,
              DatabaseOutage.DETAIL,
              null));
    }
    if (e instanceof FhirProblem problem) {
      return new DocumentReferences.EntryOutcome(
          status(problem.errorCode()), null, OperationOutcomes.of(problem));
    }
    CareLedgerException coded =
        e instanceof CareLedgerException c
            ? c
            : e instanceof EJBException ? CareLedgerException.in(e) : null;
    if (e instanceof jakarta.ejb.EJBAccessException) {
      coded =
          new CareLedgerException(ErrorCode.ROLE_REQUIRED, "the caller's roles do not allow this");
    }
    if (coded == null) {
      throw e; // uncoded: the whole batch fails with 500 (the mapper logs it)
    }
    return new DocumentReferences.EntryOutcome(
        status(coded.errorCode()), null, OperationOutcomes.of(coded));
  }

  private static String status(ErrorCode code) {
    Response.Status status = CareLedgerExceptionMapper.statusOf(code);
    return status.getStatusCode() + " " + status.getReasonPhrase();
  }

  private static String patient(MultivaluedMap<String, String> parameters, String header) {
    String token = null;
    for (String name :
        List.of(
            "patient",
            "subject",
            "patient.identifier",
            "subject:identifier",
            "patient:identifier")) {
      if (parameters.getFirst(name) != null) {
        if (token != null) {
          throw new FhirProblem(
              ErrorCode.FHIR_NOT_SUPPORTED,
              OperationOutcome.IssueType.NOTSUPPORTED,
              "one patient parameter per search",
              name);
        }
        token = parameters.getFirst(name);
      }
    }
    if (token != null) {
      return SearchParams.patientId(token);
    }
    return header == null || header.isEmpty() ? null : header;
  }

  private static void only(MultivaluedMap<String, String> parameters, Set<String> supported) {
    for (String name : parameters.keySet()) {
      if (!supported.contains(name) && !FORMAT_PARAMETERS.contains(name)) {
        throw new FhirProblem(
            ErrorCode.FHIR_NOT_SUPPORTED,
            OperationOutcome.IssueType.NOTSUPPORTED,
            "search parameter " + name + " is not supported here (supported: " + supported + ")",
            name);
      }
    }
  }

  private MultivaluedMap<String, String> merged(MultivaluedMap<String, String> form) {
    MultivaluedMap<String, String> all = new MultivaluedHashMap<>();
    for (Map.Entry<String, List<String>> e : uri.getQueryParameters().entrySet()) {
      all.addAll(e.getKey(), e.getValue());
    }
    if (form != null) {
      for (Map.Entry<String, List<String>> e : form.entrySet()) {
        all.addAll(e.getKey(), e.getValue());
      }
    }
    return all;
  }

  private static String documentReferenceId(String reference, String parameter) {
    String prefix = "DocumentReference/";
    int at = reference.indexOf(prefix);
    String id = at < 0 ? null : reference.substring(at + prefix.length());
    if (id == null || id.isEmpty() || id.contains("/")) {
      throw new FhirProblem(
          ErrorCode.FHIR_NOT_SUPPORTED,
          OperationOutcome.IssueType.NOTSUPPORTED,
          parameter + " is a reference DocumentReference/{id}",
          parameter);
    }
    return id;
  }

  /** An agent given as an Organization identifier token ({@code urn:careledger:institution|id}). */
  private static String institution(String agent) {
    if (agent == null || agent.isEmpty()) {
      return null;
    }
    int bar = agent.indexOf('|');
    return bar < 0 ? agent : agent.substring(bar + 1);
  }

  private URI base(String channel) {
    return uri.getBaseUriBuilder().path(channel).path("/").build();
  }

  private String contentUrl(String channel, String recordId) {
    URI api = uri.getBaseUri().resolve("../api/v1/channels/");
    return api.resolve(channel + "/records/" + recordId + "/content").toString();
  }

  private String selfUrl() {
    return uri.getRequestUri().toString();
  }

  private static Response ok(Resource resource) {
    return Response.ok(Fhir.write(resource), Fhir.MEDIA_TYPE).build();
  }
}
