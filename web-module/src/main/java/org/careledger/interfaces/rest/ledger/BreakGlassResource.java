package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.careledger.application.SharingService;

/** Break-glass events a provider must look at: on its records, or by its own staff. */
@Path("/v1/channels/{channel}/break-glass")
@Produces(MediaType.APPLICATION_JSON)
public class BreakGlassResource {

  @EJB private SharingService sharing;

  /** Newest first. */
  @GET
  @RolesAllowed({"admin", "auditor"})
  public List<SharingService.AccessEvent> events(@PathParam("channel") String channel) {
    return sharing.breakGlassEvents(channel);
  }
}
