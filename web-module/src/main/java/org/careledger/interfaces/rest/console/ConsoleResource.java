package org.careledger.interfaces.rest.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.careledger.application.console.ConsoleService;
import org.careledger.application.console.ConsoleService.VerificationView;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.interfaces.rest.ledger.VerificationResult;

/**
 * What the admin console reads beyond the ledger API: the node and its certificates, peers and
 * bridges, channels with commit metrics, and verification runs with progress. Roles admin and
 * auditor; all of it is read-only (a verification changes nothing).
 */
@Path("/v1/console")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "auditor"})
public class ConsoleResource {

  @EJB private ConsoleService console;

  /** A verification run as the console shows it; {@code result} once done without error. */
  public record Verification(
      String id,
      String channel,
      String state,
      long blocksTotal,
      long blocksDone,
      Instant startedAt,
      Instant finishedAt,
      VerificationResult result,
      String errorCode,
      String errorDetail) {

    static Verification of(VerificationView v) {
      return new Verification(
          v.id(),
          v.channel(),
          v.state(),
          v.blocksTotal(),
          v.blocksDone(),
          v.startedAt(),
          v.finishedAt(),
          v.report() == null ? null : VerificationResult.of(v.report()),
          v.errorCode(),
          v.errorDetail());
    }
  }

  @GET
  @Path("/node")
  public ConsoleService.NodeOverview node() {
    return console.node();
  }

  @GET
  @Path("/peers")
  public List<ConsoleService.PeerView> peers() {
    return console.peers();
  }

  @GET
  @Path("/channels")
  public List<ConsoleService.ChannelView> channels() {
    return console.channels();
  }

  /** 202 with the run; poll {@code GET /verifications/{id}} for progress and the result. */
  @POST
  @Path("/verifications")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response startVerification(JsonObject body) {
    if (body == null || !(body.get("channel") instanceof JsonString channel)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'channel' must be a string");
    }
    return Response.accepted(Verification.of(console.startVerification(channel.getString())))
        .build();
  }

  @GET
  @Path("/verifications/{id}")
  public Verification verification(@PathParam("id") String id) {
    return Verification.of(console.verification(id));
  }
}
