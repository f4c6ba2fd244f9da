package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerService.ConfigView;

/**
 * A channel's configuration in force (channel governance): {@code GET …/config} gives its id and
 * the height from which it holds, mode, quorum, the members with their certificates' fingerprints
 * and expiry (flagged 30 days ahead), revoked certificates, the consent policy and the updates
 * waiting for approvals. Read from this node's chain.
 */
@Path("/v1/channels/{channel}/config")
@Produces(MediaType.APPLICATION_JSON)
public class ChannelConfigResource {

  @EJB private LedgerService ledger;

  @GET
  @RolesAllowed({"admin", "auditor"})
  public ConfigView configuration(@PathParam("channel") String channel) {
    return ledger.configuration(channel);
  }
}
