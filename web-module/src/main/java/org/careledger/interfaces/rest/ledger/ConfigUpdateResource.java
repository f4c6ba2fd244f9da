package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Duration;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerService.UpdateStatus;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Channel governance by the node's operator: {@code POST …/config-updates} proposes a change of the
 * channel's configuration (add, remove, renew, revoke, consent policy; the body is described at
 * {@link LedgerService#proposeUpdate}), {@code POST …/config-updates/{proposal}/approvals} approves
 * one, each signed by this node's institution and answered once committed here, with where the
 * update stands ({@code pending}, {@code applied} or {@code void}). An update that cannot apply to
 * the configuration in force is refused at once ({@code 400 CL-1450}); approving an update that is
 * not pending is {@code 404 CL-1451}, one this institution does not decide on or approved already
 * {@code 409 CL-1452}.
 */
@Path("/v1/channels/{channel}/config-updates")
@Produces(MediaType.APPLICATION_JSON)
public class ConfigUpdateResource {

  @EJB private LedgerService ledger;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed("admin")
  public Response propose(
      @PathParam("channel") String channel,
      @QueryParam("wait") @DefaultValue("60") int waitSeconds,
      JsonObject request) {
    if (request == null) {
      throw new CareLedgerException(ErrorCode.CONFIG_UPDATE_INVALID, "a JSON object is required");
    }
    UpdateStatus status =
        ledger.proposeUpdate(channel, JsonValues.object(request), wait(waitSeconds));
    return created(channel, status);
  }

  @POST
  @Path("/{proposal}/approvals")
  @RolesAllowed("admin")
  public Response approve(
      @PathParam("channel") String channel,
      @PathParam("proposal") String proposal,
      @QueryParam("wait") @DefaultValue("60") int waitSeconds) {
    return created(channel, ledger.approveUpdate(channel, proposal, wait(waitSeconds)));
  }

  private static Response created(String channel, UpdateStatus status) {
    return Response.created(
            UriBuilder.fromPath("/api/v1/channels/{c}/transactions/{t}/proof")
                .build(channel, status.txId()))
        .entity(status)
        .build();
  }

  private static Duration wait(int seconds) {
    if (seconds < 1 || seconds > ChannelResource.MAX_WAIT_SECONDS) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED,
          "'wait' is 1 to " + ChannelResource.MAX_WAIT_SECONDS + " seconds");
    }
    return Duration.ofSeconds(seconds);
  }
}
