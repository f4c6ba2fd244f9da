package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.careledger.application.RecordService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Consented, de-identified research export (role {@code researcher}): {@code POST
 * …/channels/{channel}/research-exports {"documentClass":"11502-2","k":5}} answers {@code 201} with
 * the dataset, a FHIR R4 Bundle ({@code application/fhir+json}), and in headers the export id, its
 * ledger transaction and the figures of its k-anonymity check. {@code k} is optional and may only
 * raise the node's minimum ({@code careledger.research.min-k}, default 5). Below k: {@code 403
 * CL-1730}, nothing exported and nothing on the chain.
 */
@Path("/v1/channels/{channel}/research-exports")
public class ResearchExportResource {

  static final String FHIR_JSON = "application/fhir+json";

  @EJB private RecordService records;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({FHIR_JSON, MediaType.APPLICATION_JSON})
  @RolesAllowed("researcher")
  public Response export(@PathParam("channel") String channel, JsonObject body) {
    Integer k = null;
    JsonValue value = body == null ? null : body.get("k");
    if (value != null && value.getValueType() != JsonValue.ValueType.NULL) {
      if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
        throw new CareLedgerException(ErrorCode.RESEARCH_EXPORT_INVALID, "k is an integer");
      }
      k = number.intValueExact();
    }
    RecordService.ResearchExport export =
        records.researchExport(
            channel, body == null ? null : SharingResource.string(body, "documentClass"), k);
    return Response.status(Response.Status.CREATED)
        .type(FHIR_JSON + "; charset=UTF-8")
        .header("CareLedger-Export-Id", export.exportId())
        .header("CareLedger-Export-Tx", String.join(",", export.txIds()))
        .header("CareLedger-Export-Records", export.records())
        .header("CareLedger-Export-Skipped", export.skipped())
        .header("CareLedger-Export-Patients", export.patients())
        .header("CareLedger-Export-K", export.k())
        .header("CareLedger-Export-Smallest-Group", export.smallestGroup())
        .header("CareLedger-Export-Sha256", export.datasetHash())
        .entity(export.dataset())
        .build();
  }
}
