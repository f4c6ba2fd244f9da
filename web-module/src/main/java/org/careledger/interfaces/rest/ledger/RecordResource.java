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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.careledger.application.RecordService;
import org.careledger.application.SharingService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Documents on a channel, streamed both ways: the body is the document itself, never buffered
 * whole. Codes travel in the query ({@code recordId}, {@code documentClass}); the patient id, the
 * title and the clinical date travel in headers, never in the URL, which proxies and access logs
 * record: {@code CareLedger-Patient-Id}, {@code CareLedger-Title} (UTF-8, percent-encoded as in a
 * URL) and {@code CareLedger-Document-Date} (ISO 8601). The chain receives only the channel's
 * pseudonym of the patient; the id, title and date stay in this node's database.
 */
@Path("/v1/channels/{channel}/records")
public class RecordResource {

  static final String PATIENT_ID = "CareLedger-Patient-Id";
  static final String TITLE = "CareLedger-Title";
  static final String DOCUMENT_DATE = "CareLedger-Document-Date";

  @EJB private RecordService records;
  @EJB private SharingService sharing;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response register(
      @PathParam("channel") String channel,
      @QueryParam("recordId") String recordId,
      @QueryParam("documentClass") String documentClass,
      @HeaderParam(PATIENT_ID) String patientId,
      @HeaderParam(TITLE) String title,
      @HeaderParam(DOCUMENT_DATE) String documentDate,
      @HeaderParam("Content-Type") String contentType,
      InputStream document) {
    String mediaType = mediaType(contentType);
    RecordService.Registered registered =
        records.register(
            channel,
            new RecordService.Metadata(
                recordId, mediaType, documentClass, patientId, decoded(title), documentDate),
            document);
    return Response.created(
            UriBuilder.fromPath("/api/v1/channels/{c}/records/{r}/content")
                .build(channel, registered.recordId()))
        .entity(registered)
        .build();
  }

  /**
   * A new version of a record this node's institution provides (its provider only: else 403 {@code
   * CL-1712}); the body is the new document, streamed, with its media type as {@code Content-Type};
   * optionally a new title ({@code CareLedger-Title}) and clinical date ({@code
   * CareLedger-Document-Date}), and {@code previousVersion}, the version the caller amends (409
   * {@code CL-1722} if the record has moved on). A new subordinate resource rather than a {@code
   * PUT} of the content: nothing is replaced (every version stays on the chain and in the store),
   * and repeating the call makes another version, which {@code PUT}'s idempotence would deny.
   * Answers 201 with the version, the previous version, the hash and size of its ciphertext, the
   * institutions whose grants in force were carried over to it, and the amend transaction; {@code
   * Location} is the record's content, which now reads the new version. An erased record answers
   * 410 {@code CL-1313}; an unknown one 404 {@code CL-1172}. A failure stores nothing.
   */
  @POST
  @Path("/{recordId}/versions")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response amend(
      @PathParam("channel") String channel,
      @PathParam("recordId") String recordId,
      @QueryParam("previousVersion") Long previousVersion,
      @HeaderParam(TITLE) String title,
      @HeaderParam(DOCUMENT_DATE) String documentDate,
      @HeaderParam("Content-Type") String contentType,
      InputStream document) {
    RecordService.Amended amended =
        records.amend(
            channel,
            recordId,
            new RecordService.Amendment(
                mediaType(contentType), decoded(title), documentDate, previousVersion),
            document);
    return Response.created(
            UriBuilder.fromPath("/api/v1/channels/{c}/records/{r}/content")
                .build(channel, amended.recordId()))
        .entity(amended)
        .build();
  }

  static String mediaType(String contentType) {
    // A limit keeps the empty type before the ';' of "Content-Type: ;": split(";") gives no
    // element at all for a header of semicolons only.
    return contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase();
  }

  /**
   * The channel's records, newest first (at most {@value RecordService#FIND_LIMIT}): by patient
   * (header {@code CareLedger-Patient-Id}; only its pseudonym is compared), LOINC class, and
   * registration time ({@code from} inclusive, {@code to} exclusive; an ISO 8601 instant such as
   * {@code 2026-11-23T08:00:00Z}, or a date meaning its start in UTC). Each record once, as its
   * current version ({@code version}, its media type, size, hash and transaction). The title and
   * clinical date appear only for records this node provides.
   */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public List<RecordService.Found> find(
      @PathParam("channel") String channel,
      @HeaderParam(PATIENT_ID) String patientId,
      @QueryParam("documentClass") String documentClass,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    return records.find(
        channel,
        new RecordService.Query(
            patientId, documentClass, instant(from, "from"), instant(to, "to")));
  }

  /**
   * A query's time: an ISO 8601 instant, or a date meaning its start in UTC; null when absent.
   * Shared with the SOAP interface, so both read times alike.
   */
  public static Instant instant(String value, String name) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return value.length() == 10
          ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CareLedgerException(
          ErrorCode.QUERY_INVALID,
          "'" + name + "' is an ISO 8601 instant (2026-11-23T08:00:00Z) or date (2026-11-23)");
    }
  }

  static String decoded(String header) {
    if (header == null) {
      return null;
    }
    try {
      return URLDecoder.decode(header, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new CareLedgerException(
          ErrorCode.RECORD_METADATA_INVALID, TITLE + " is UTF-8, percent-encoded as in a URL");
    }
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

  /**
   * The document's current version. At its provider's node it is read from the local store; at any
   * other member's node it is fetched from the provider across the federation under a grant in
   * force for this institution, checked against the chain's hash, and decrypted with this
   * institution's own key envelope. Either way the access is logged on the chain first (its
   * transaction id is in the {@code CareLedger-Access-Tx} header); without a grant the answer is
   * 403 {@code CL-1710} and the refused attempt is logged on the chain.
   */
  @GET
  @Path("/{recordId}/content")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @RolesAllowed({"admin", "clinician", "his-system"})
  public Response content(
      @PathParam("channel") String channel, @PathParam("recordId") String recordId) {
    // Opened (and its hash checked) before the response starts, so a bad document is an error
    // response rather than a truncated download.
    return stream(sharing.retrieve(channel, recordId));
  }

  /**
   * Emergency access without a grant: {@code {"reasonCode":"unconscious-patient"}} (mandatory, a
   * code: never free text about the patient). The break-glass event is committed first, then the
   * document is fetched and streamed as by {@code GET …/content}; patient and provider see the
   * event flagged in the record's audit trail and the provider's break-glass list.
   */
  @POST
  @Path("/{recordId}/break-glass")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @RolesAllowed({"clinician", "admin"})
  public Response breakGlass(
      @PathParam("channel") String channel,
      @PathParam("recordId") String recordId,
      jakarta.json.JsonObject request) {
    String reason = request == null ? null : request.getString("reasonCode", null);
    return stream(sharing.breakGlass(channel, recordId, reason));
  }

  private static Response stream(SharingService.Retrieved retrieved) {
    StreamingOutput body =
        out -> {
          try (InputStream in = retrieved.plaintext()) {
            in.transferTo(out);
          }
        };
    return Response.ok(body)
        .header("CareLedger-Access-Tx", retrieved.accessTx())
        .header("CareLedger-Provider", retrieved.provider())
        .build();
  }

  /** Every logged access to the record and every refused attempt, oldest first. */
  @GET
  @Path("/{recordId}/accesses")
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "auditor"})
  public List<SharingService.AccessEvent> accesses(
      @PathParam("channel") String channel, @PathParam("recordId") String recordId) {
    return sharing.accesses(channel, recordId);
  }
}
