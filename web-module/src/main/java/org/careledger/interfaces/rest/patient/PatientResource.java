package org.careledger.interfaces.rest.patient;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.careledger.application.PatientPortal;
import org.careledger.application.SharingService;
import org.careledger.interfaces.rest.ledger.SharingResource;

/**
 * The signed-in patient's own views ({@code patient} role): {@code GET /v1/me/channels/{c}/records}
 * (their records), {@code GET …/audit} (every event about them: requests, grants, reads, refusals,
 * break-glass flagged) and {@code POST …/consents {"grantee":…,"decision":…}} (their own consent).
 * Whose records these are comes from the caller's identity, never from the request.
 */
@Path("/v1/me/channels/{channel}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("patient")
public class PatientResource {

  @EJB private PatientPortal portal;

  @GET
  @Path("records")
  public List<PatientPortal.PatientRecord> records(@PathParam("channel") String channel) {
    return portal.records(channel);
  }

  @GET
  @Path("audit")
  public List<PatientPortal.PatientEvent> audit(@PathParam("channel") String channel) {
    return portal.audit(channel);
  }

  @POST
  @Path("consents")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response consent(@PathParam("channel") String channel, JsonObject body) {
    SharingService.Decision recorded =
        portal.consent(
            channel,
            org.careledger.interfaces.rest.ledger.ConsentResource.scope(body),
            SharingResource.string(body, "decision"));
    return Response.status(Response.Status.CREATED).entity(recorded).build();
  }
}
