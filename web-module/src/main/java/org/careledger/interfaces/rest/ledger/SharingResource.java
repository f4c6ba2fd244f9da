package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.careledger.application.SharingService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Access requests and grants on a channel. A data user's node requests one record ({@code POST
 * requests {"recordId":"…","purpose":"TREAT"}}) or a patient's records of a class at a provider
 * ({@code POST requests {"documentClass":"11502-2","provider":"hospital-a","purpose":"TREAT"}} with
 * the patient's id in the {@code CareLedger-Patient-Id} header, as for register and search: never
 * in the URL or the body, which logs and proxies are likelier to keep); the provider's node lists
 * what waits ({@code GET requests?status=open}) and grants ({@code POST requests/{id}/grant
 * {"expiresAt":"…"}}, expiry optional: for a class request one grant per record, all listed in
 * {@code grants}) or denies ({@code POST requests/{id}/deny {"reasonCode":"…"}}); it may revoke a
 * grant later ({@code POST …/grants/{grantTx}/revoke}, {@link GrantResource}). Each answer names
 * the committed transaction.
 */
@Path("/v1/channels/{channel}/requests")
@Produces(MediaType.APPLICATION_JSON)
public class SharingResource {

  @EJB private SharingService sharing;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response request(
      @PathParam("channel") String channel,
      @HeaderParam(RecordResource.PATIENT_ID) String patientId,
      JsonObject body) {
    String recordId = string(body, "recordId");
    String documentClass = string(body, "documentClass");
    SharingService.Requested requested;
    if (documentClass != null || string(body, "provider") != null) {
      // A class request: the record id and the class are exclusive, so a body with both is refused
      // rather than guessed at.
      if (recordId != null) {
        throw new CareLedgerException(
            ErrorCode.TX_MALFORMED,
            "name either a recordId, or a documentClass and a provider (with the patient in the"
                + " CareLedger-Patient-Id header), not both");
      }
      requested =
          sharing.requestClass(
              channel, patientId, documentClass, string(body, "provider"), string(body, "purpose"));
    } else {
      requested = sharing.request(channel, recordId, string(body, "purpose"));
    }
    return Response.status(Response.Status.CREATED).entity(requested).build();
  }

  @GET
  @RolesAllowed({"admin", "clinician", "his-system", "auditor"})
  public List<SharingService.RequestView> requests(
      @PathParam("channel") String channel, @QueryParam("status") @DefaultValue("") String status) {
    if (!status.isEmpty() && !status.equals("open")) {
      throw new CareLedgerException(ErrorCode.QUERY_INVALID, "status is 'open' or left out");
    }
    return sharing.requests(channel, status.equals("open"));
  }

  @POST
  @Path("/{requestId}/grant")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician"})
  public SharingService.Decision grant(
      @PathParam("channel") String channel,
      @PathParam("requestId") String requestId,
      JsonObject body) {
    String expiresAt = string(body, "expiresAt");
    Instant expiry;
    try {
      expiry = expiresAt == null ? null : Instant.parse(expiresAt);
    } catch (DateTimeParseException e) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "expiresAt is an ISO 8601 instant (2026-12-31T00:00:00Z)");
    }
    return sharing.grant(channel, requestId, expiry);
  }

  @POST
  @Path("/{requestId}/deny")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician"})
  public SharingService.Decision deny(
      @PathParam("channel") String channel,
      @PathParam("requestId") String requestId,
      JsonObject body) {
    return sharing.deny(channel, requestId, string(body, "reasonCode"));
  }

  public static String string(JsonObject body, String field) {
    if (body == null || !body.containsKey(field) || body.isNull(field)) {
      return null;
    }
    try {
      return body.getString(field);
    } catch (ClassCastException e) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'" + field + "' must be a string");
    }
  }
}
