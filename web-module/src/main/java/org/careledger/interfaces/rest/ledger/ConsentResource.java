package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.careledger.application.SharingService;

/**
 * A patient's consent, recorded by the institution the patient gave it to: {@code POST …/consents
 * {"grantee":"insurer-d","decision":"permit"}} with the patient's id in the {@code
 * CareLedger-Patient-Id} header (never in the URL); the chain receives only the channel's
 * pseudonym. {@code "withdraw"} takes it back. Channel policies that require consent read the
 * latest decision.
 */
@Path("/v1/channels/{channel}/consents")
@Produces(MediaType.APPLICATION_JSON)
public class ConsentResource {

  @EJB private SharingService sharing;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician"})
  public Response record(
      @PathParam("channel") String channel,
      @HeaderParam(RecordResource.PATIENT_ID) String patientId,
      JsonObject body) {
    SharingService.Decision recorded =
        sharing.consent(
            channel,
            patientId,
            SharingResource.string(body, "grantee"),
            SharingResource.string(body, "decision"));
    return Response.status(Response.Status.CREATED).entity(recorded).build();
  }
}
