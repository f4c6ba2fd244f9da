package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;
import org.careledger.application.RecordService;

/**
 * Documents on a channel, streamed both ways: the body is the document itself, never buffered
 * whole. Metadata travels in the query (identifiers and codes only; the patient as a pseudonym).
 */
@Path("/v1/channels/{channel}/records")
public class RecordResource {

  @EJB private RecordService records;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response register(
      @PathParam("channel") String channel,
      @QueryParam("recordId") String recordId,
      @QueryParam("documentClass") String documentClass,
      @QueryParam("patient") String patient,
      @HeaderParam("Content-Type") String contentType,
      InputStream document) {
    String mediaType = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase();
    RecordService.Registered registered =
        records.register(
            channel,
            new RecordService.Metadata(recordId, mediaType, documentClass, patient),
            document);
    return Response.created(
            UriBuilder.fromPath("/api/v1/channels/{c}/records/{r}/content")
                .build(channel, registered.recordId()))
        .entity(registered)
        .build();
  }

  /**
   * Erases a record on a patient's request (crypto-shredding). {@code
   * {"reasonCode":"patient-request"}}
   */
  @POST
  @Path("/{recordId}/erase")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed("admin")
  public Response erase(
      @PathParam("channel") String channel,
      @PathParam("recordId") String recordId,
      jakarta.json.JsonObject request) {
    String reason = request == null ? null : request.getString("reasonCode", null);
    return Response.ok(
            jakarta.json.Json.createObjectBuilder()
                .add("recordId", recordId)
                .add("txId", records.erase(channel, recordId, reason))
                .build())
        .build();
  }

  @GET
  @Path("/{recordId}/content")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response content(
      @PathParam("channel") String channel, @PathParam("recordId") String recordId) {
    // Opened (and its hash checked) before the response starts, so a bad document is an error
    // response rather than a truncated download.
    InputStream plaintext = records.read(channel, recordId);
    StreamingOutput body =
        out -> {
          try (InputStream in = plaintext) {
            in.transferTo(out);
          }
        };
    return Response.ok(body).build();
  }
}
