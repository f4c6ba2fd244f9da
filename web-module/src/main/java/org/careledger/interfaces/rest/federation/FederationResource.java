package org.careledger.interfaces.rest.federation;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.careledger.application.federation.PingService;
import org.careledger.application.federation.PingService.ReceivedPing;
import org.careledger.application.federation.PingService.SentPing;

/**
 * Checks the bridges between institutions: an administrator pings a peer and asks the peer's
 * administrator (or the peer's API) whether the nonce arrived. Admin only.
 */
@Path("/v1/federation")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class FederationResource {

  @EJB private PingService pings;

  /** 202: the ping is queued here and the bridge delivers it when the peer can be reached. */
  @POST
  @Path("/ping/{peer}")
  public Response ping(@PathParam("peer") String peer) {
    SentPing sent = pings.ping(peer);
    return Response.accepted(sent).build();
  }

  @GET
  @Path("/pings")
  public List<ReceivedPing> received() {
    return pings.received();
  }
}
