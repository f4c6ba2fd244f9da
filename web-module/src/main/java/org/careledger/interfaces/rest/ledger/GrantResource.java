package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.careledger.application.SharingService;

/**
 * Grants on a channel, by the id of their grant transaction. (Its own root resource: JAX-RS picks
 * the root whose path has the most literal characters, so a root at {@code /v1/channels/{channel}}
 * would hide {@link ChannelResource}'s sub-paths.)
 */
@Path("/v1/channels/{channel}/grants")
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

  @EJB private SharingService sharing;

  /** Revokes a grant this institution made; the grantee's key envelope is destroyed here. */
  @POST
  @Path("/{grantTx}/revoke")
  @RolesAllowed({"admin", "clinician"})
  public SharingService.Decision revoke(
      @PathParam("channel") String channel, @PathParam("grantTx") String grantTx) {
    return sharing.revoke(channel, grantTx);
  }
}
