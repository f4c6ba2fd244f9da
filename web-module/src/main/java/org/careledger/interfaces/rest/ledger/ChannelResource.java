package org.careledger.interfaces.rest.ledger;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerService.BlockView;
import org.careledger.application.LedgerService.ChannelDetail;
import org.careledger.application.LedgerService.ChannelSummary;
import org.careledger.application.RecordService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Channels this node holds: create (single-member until consensus exists), list, submit a
 * transaction, export a transaction's proof bundle, verify the whole chain and the documents stored
 * for it.
 */
@Path("/v1/channels")
@Produces(MediaType.APPLICATION_JSON)
public class ChannelResource {

  /** Longest a submission may wait for its commit on a federated channel ({@code ?wait=}). */
  static final int MAX_WAIT_SECONDS = 300;

  @EJB private LedgerService ledger;
  @EJB private RecordService records;

  /** Writes answers of submissions that waited for their commit (see {@link #submit}). */
  @Resource private ManagedExecutorService executor;

  /** {@code {"channel":"ch-1"}} */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed("admin")
  public Response create(JsonObject request) {
    ChannelSummary created = ledger.createChannel(text(request, "channel"));
    return Response.created(UriBuilder.fromPath("/api/v1/channels/{c}").build(created.channelId()))
        .entity(created)
        .build();
  }

  @GET
  @RolesAllowed({"admin", "auditor", "clinician", "his-system"})
  public List<ChannelSummary> list() {
    return ledger.channels();
  }

  /** Members, consensus mode, quorum, height and head hash of one channel. */
  @GET
  @Path("/{channel}")
  @RolesAllowed({"admin", "auditor", "clinician", "his-system"})
  public ChannelDetail channel(@PathParam("channel") String channel) {
    return ledger.channel(channel);
  }

  /** One committed block: header fields, transaction ids, certificate signers and stored bytes. */
  @GET
  @Path("/{channel}/blocks/{height}")
  @RolesAllowed({"admin", "auditor"})
  public BlockView block(@PathParam("channel") String channel, @PathParam("height") long height) {
    return ledger.block(channel, height);
  }

  /**
   * {@code {"type":"register","body":{...}}}; the node signs it and commits it. The answer (201)
   * comes once the block holding it is committed and durable on this node, or 504 {@code CL-1534}
   * after {@code wait} seconds. The request holds no server thread while it waits: the answer is
   * written from the container's managed executor once the commit is known, so many more
   * submissions can be in flight than the web container has worker threads.
   */
  @POST
  @Path("/{channel}/transactions")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "his-system"})
  public CompletionStage<Response> submit(
      @PathParam("channel") String channel,
      @QueryParam("wait") @DefaultValue("30") int waitSeconds,
      @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security,
      JsonObject request) {
    String type = text(request, "type");
    JsonObject body = submissionBody(request, type, security);
    java.time.Duration wait = commitWait(waitSeconds);
    return ledger
        .submitAsync(channel, type, JsonValues.object(body), wait)
        .thenApplyAsync(
            committed ->
                Response.created(
                        UriBuilder.fromPath("/api/v1/channels/{c}/transactions/{t}/proof")
                            .build(channel, committed.txId()))
                    .entity(committed)
                    .build(),
            executor);
  }

  /** Most transactions in one batch: about 600 KB of JSON, a few seconds of a node's work. */
  static final int MAX_BATCH = 1_000;

  /**
   * {@code {"transactions":[{"type":"register","body":{...}}, ...]}}: up to {@value #MAX_BATCH}
   * submissions in one request, for a hospital system's backlog or a bulk import; the node signs
   * each as its own transaction. Every entry is checked before any is submitted: one refused
   * refuses the batch with the entry's index in the message ({@code transactions[3]: ...}), and
   * nothing is stored. The answer (201, {@code {"committed":[...]}} in the order given) comes once
   * every transaction is committed and durable on this node, or 504 {@code CL-1534} after {@code
   * wait} seconds, naming how many are still pending (they may still commit). The transactions are
   * independent on the ledger, not one atomic unit: on a federated channel each lands in whichever
   * block takes it. Too many entries: 413 {@code CL-1154}.
   */
  @POST
  @Path("/{channel}/transaction-batches")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "his-system"})
  public CompletionStage<Response> submitBatch(
      @PathParam("channel") String channel,
      @QueryParam("wait") @DefaultValue("30") int waitSeconds,
      @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security,
      JsonObject request) {
    if (request == null || !(request.get("transactions") instanceof jakarta.json.JsonArray array)) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "'transactions' must be an array of {type, body} objects");
    }
    if (array.isEmpty()) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'transactions' is empty");
    }
    if (array.size() > MAX_BATCH) {
      throw new CareLedgerException(
          ErrorCode.TX_BATCH_TOO_LARGE,
          array.size() + " transactions in one batch; at most " + MAX_BATCH + " are taken at once");
    }
    java.time.Duration wait = commitWait(waitSeconds);
    List<LedgerService.Submission> submissions = new java.util.ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      try {
        if (!(array.get(i) instanceof JsonObject entry)) {
          throw new CareLedgerException(ErrorCode.TX_MALFORMED, "not a {type, body} object");
        }
        String type = text(entry, "type");
        submissions.add(
            new LedgerService.Submission(
                type, JsonValues.object(submissionBody(entry, type, security))));
      } catch (CareLedgerException e) {
        throw e.at("transactions[" + i + "]");
      }
    }
    return ledger
        .submitAllAsync(channel, submissions, wait)
        .thenApplyAsync(
            committed ->
                Response.status(Response.Status.CREATED)
                    .entity(java.util.Map.of("committed", committed))
                    .build(),
            executor);
  }

  /** {@code ?wait=}: 1 to {@value #MAX_WAIT_SECONDS} seconds. */
  private static java.time.Duration commitWait(int waitSeconds) {
    if (waitSeconds < 1 || waitSeconds > MAX_WAIT_SECONDS) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "'wait' is 1 to " + MAX_WAIT_SECONDS + " seconds");
    }
    return java.time.Duration.ofSeconds(waitSeconds);
  }

  /**
   * The body of one submission, once the caller may submit its type: a hospital system registers
   * content it keeps itself; every step of sharing (request, grant, consent, break-glass, erase,
   * ...) goes through its own endpoint, which applies the role and record rules. Only the node's
   * operator may hand the node any transaction to sign.
   */
  private static JsonObject submissionBody(
      JsonObject request, String type, jakarta.ws.rs.core.SecurityContext security) {
    if (!security.isUserInRole("admin") && !"register".equals(type)) {
      // A hospital system registers content it keeps itself; every step of sharing (request,
      // grant, consent, break-glass, erase, ...) goes through its own endpoint, which applies the
      // role and record rules. Only the node's operator may hand the node any transaction to sign.
      throw new CareLedgerException(
          ErrorCode.ROLE_REQUIRED,
          "a his-system submits only register transactions here; '"
              + type
              + "' goes through its own endpoint");
    }
    JsonValue body = request.get("body");
    if (!(body instanceof JsonObject object)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'body' must be a JSON object");
    }
    return object;
  }

  /** The proof bundle, for the standalone verifier: {@code java -jar careledger-verifier.jar}. */
  @GET
  @Path("/{channel}/transactions/{txId}/proof")
  @RolesAllowed({"admin", "auditor", "clinician", "his-system"})
  public Response proof(
      @PathParam("channel") String channel,
      @PathParam("txId") String txId,
      @QueryParam("head") Long head) {
    return Response.ok(ledger.proofBundle(channel, txId, head), MediaType.APPLICATION_JSON_TYPE)
        .header("Content-Disposition", "attachment; filename=\"proof-" + txId + ".json\"")
        .build();
  }

  @POST
  @Path("/{channel}/verify")
  @RolesAllowed({"admin", "auditor"})
  public VerificationResult verify(@PathParam("channel") String channel) {
    return VerificationResult.of(records.verifyWithDocuments(channel));
  }

  static String text(JsonObject request, String field) {
    if (request == null || !(request.get(field) instanceof JsonString value)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'" + field + "' must be a string");
    }
    return value.getString();
  }
}
