package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.careledger.application.SharingService;

/**
 * The auditor's view of a channel: every sharing event (registrations, requests, decisions,
 * revocations, accesses, refusals, break-glass, erasures), by record, institution and time ({@code
 * from} inclusive, {@code to} exclusive; ISO 8601 instants or dates), oldest first, at most {@value
 * SharingService#AUDIT_LIMIT}. Times are the consensus times of the events' blocks.
 */
@Path("/v1/channels/{channel}/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  @EJB private SharingService sharing;

  @GET
  @RolesAllowed({"auditor", "admin"})
  public List<SharingService.AuditEvent> events(
      @PathParam("channel") String channel,
      @QueryParam("recordId") String recordId,
      @QueryParam("institution") String institution,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    return sharing.audit(
        channel,
        new SharingService.AuditQuery(
            empty(recordId),
            empty(institution),
            RecordResource.instant(from, "from"),
            RecordResource.instant(to, "to")));
  }

  private static String empty(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
