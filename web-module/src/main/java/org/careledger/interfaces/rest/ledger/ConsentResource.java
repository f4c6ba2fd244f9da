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
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.sharing.ResearchConsent;

/**
 * A patient's consent, recorded by the institution the patient gave it to: {@code POST …/consents
 * {"grantee":"insurer-d","decision":"permit"}} with the patient's id in the {@code
 * CareLedger-Patient-Id} header (never in the URL); the chain receives only the channel's
 * pseudonym. {@code "withdraw"} takes it back. Channel policies that require consent read the
 * latest decision. {@code {"purpose":"HRESCH","decision":"permit"}} (no grantee) is the patient's
 * consent to research use of their records: research exports take only such patients' records.
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
        sharing.consent(channel, patientId, scope(body), SharingResource.string(body, "decision"));
    return Response.status(Response.Status.CREATED).entity(recorded).build();
  }

  /**
   * What a consent body is about: {@code grantee} (an institution), or {@code purpose} {@code
   * HRESCH} (research), not both.
   */
  public static String scope(JsonObject body) {
    String purpose = SharingResource.string(body, "purpose");
    String grantee = SharingResource.string(body, "grantee");
    if (purpose == null) {
      return grantee;
    }
    if (grantee != null || !ResearchConsent.PURPOSE.equals(purpose)) {
      throw new CareLedgerException(
          ErrorCode.CONSENT_INVALID,
          "a consent names a grantee, or purpose HRESCH (research) without a grantee");
    }
    return ResearchConsent.SCOPE;
  }
}
