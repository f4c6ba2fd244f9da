package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.careledger.application.SharingService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

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

  /**
   * The events that match, oldest first; {@code patient} is the channel's pseudonym of a patient.
   * With {@code format=csv} the same events as a CSV download (RFC 4180, a header line; cells that
   * a spreadsheet would read as a formula are prefixed with an apostrophe).
   */
  @GET
  @Produces({MediaType.APPLICATION_JSON, "text/csv"})
  @RolesAllowed({"auditor", "admin"})
  public Response events(
      @PathParam("channel") String channel,
      @QueryParam("recordId") String recordId,
      @QueryParam("institution") String institution,
      @QueryParam("patient") String patient,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("format") String format) {
    List<SharingService.AuditEvent> events =
        sharing.audit(
            channel,
            new SharingService.AuditQuery(
                empty(recordId),
                empty(institution),
                RecordResource.instant(from, "from"),
                RecordResource.instant(to, "to"),
                empty(patient)));
    if (format == null || format.isEmpty() || format.equals("json")) {
      return Response.ok(events, MediaType.APPLICATION_JSON_TYPE).build();
    }
    if (!format.equals("csv")) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "format is json or csv");
    }
    return Response.ok(csv(events), "text/csv; charset=UTF-8")
        .header(
            "Content-Disposition",
            "attachment; filename=\"audit-" + channel.replaceAll("[^a-z0-9-]", "_") + ".csv\"")
        .build();
  }

  static String csv(List<SharingService.AuditEvent> events) {
    StringBuilder out =
        new StringBuilder(
            "at,height,kind,recordId,patient,institution,subject,basis,reasonCode,txId\r\n");
    for (SharingService.AuditEvent e : events) {
      List<Object> cells =
          java.util.Arrays.asList(
              e.at(),
              e.height(),
              e.kind(),
              e.recordId(),
              e.patient(),
              e.institution(),
              e.subject(),
              e.basis(),
              e.reasonCode(),
              e.txId());
      for (int i = 0; i < cells.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(cell(cells.get(i)));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.chars().anyMatch(c -> c == '"' || c == ',' || c == '\r' || c == '\n')) {
      text = "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }

  private static String empty(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
