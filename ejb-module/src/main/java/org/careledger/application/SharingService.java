package org.careledger.application;

import jakarta.ejb.Local;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Sharing a record between institutions of a channel, every step a signed ledger transaction: a
 * data user's node requests access with a purpose of use, the record's provider grants (wrapping
 * the record's data key for the grantee alone) or denies, and may later revoke; the grantee's node
 * retrieves the ciphertext from the provider's node across the federation, checks it against the
 * chain, decrypts it with its own key envelope, and logs the access on the chain. A read without a
 * grant in force is refused, and the refusal is logged on the chain too.
 *
 * <p>Scope of this version: a request names one record; requests for "a patient's records of a
 * class" and the patient's own consent decision (channel consent policies) are not built yet.
 */
@Local
public interface SharingService {

  /**
   * HL7 v3 PurposeOfUse codes accepted in a request (treatment, emergency treatment, care
   * management, payment, operations, public health, research, patient request).
   */
  List<String> PURPOSES =
      List.of("TREAT", "ETREAT", "CAREMGT", "HPAYMT", "HOPERAT", "PUBHLTH", "HRESCH", "PATRQT");

  /** The committed request transaction. */
  record Requested(String requestId, String recordId, String provider, String txId, long height) {}

  /**
   * A request as this node sees it: {@code status} is {@code open}, {@code granted} or {@code
   * denied}; {@code decisionTx} the grant or deny transaction.
   */
  record RequestView(
      String requestId,
      String recordId,
      String requester,
      String provider,
      String purpose,
      String status,
      String txId,
      Instant requestedAt,
      String decisionTx) {}

  /** A committed grant, deny or revoke. */
  record Decision(String requestId, String recordId, String grantee, String txId, long height) {}

  /**
   * An access event on the chain: {@code kind} is {@code access-logged} (content handed out; {@code
   * basis} {@code grant} or {@code provider}) or {@code access-refused}.
   */
  record AccessEvent(
      String kind,
      String recordId,
      String accessor,
      String basis,
      String grantTx,
      String reasonCode,
      String txId,
      Instant loggedAt) {}

  /** What a retrieval hands out: the plaintext and the access transaction that logged it. */
  record Retrieved(InputStream plaintext, String accessTx, String provider) {}

  /** Asks the record's provider for access. Refuses own records and unknown purposes. */
  Requested request(String channelId, String recordId, String purpose);

  /**
   * Requests this node made, and requests for records this node provides, newest first; {@code
   * openOnly} keeps those awaiting a decision.
   */
  List<RequestView> requests(String channelId, boolean openOnly);

  /**
   * Grants an open request for a record this node provides: wraps the record's data key to the
   * requester's X25519 key (HPKE), keeps that envelope with the ciphertext, commits the grant with
   * the envelope's hash.
   *
   * @param expiresAt null for a grant until revoked
   */
  Decision grant(String channelId, String requestId, Instant expiresAt);

  /**
   * Records a patient's consent decision ({@code permit} or {@code withdraw}) for grants of their
   * records to {@code grantee}, as the patient gave it to this institution (a signed form, the
   * patient portal): a {@code consent} transaction with the channel's pseudonym of the patient.
   * Channel policies that require consent read the latest decision.
   */
  Decision consent(String channelId, String patientId, String grantee, String decision);

  /** Denies an open request for a record this node provides. */
  Decision deny(String channelId, String requestId, String reasonCode);

  /** Revokes a grant this node made; its key envelope is destroyed here. */
  Decision revoke(String channelId, String grantTx);

  /**
   * The record's plaintext, for a caller at this node: read locally when this node provides it,
   * else fetched from the provider under a grant in force. Logged on the chain before a byte is
   * returned; a refusal is logged too, then thrown ({@code ACCESS_DENIED}).
   */
  Retrieved retrieve(String channelId, String recordId);

  /**
   * Emergency access without a grant ("break-glass"): commits a break-glass transaction naming this
   * institution and a mandatory reason code, then retrieves the record from its provider under it
   * (for {@link org.careledger.domain.sharing.AccessLedger#BREAK_GLASS_MILLIS} after). The event is
   * on the chain, flagged in the record's audit trail and in the provider's break-glass list.
   */
  Retrieved breakGlass(String channelId, String recordId, String reasonCode);

  /**
   * The access events of a record (every member of the channel holds them), oldest first: accesses,
   * refusals and break-glass events ({@code kind} {@code break-glass}).
   */
  List<AccessEvent> accesses(String channelId, String recordId);

  /**
   * An auditor's query: every sharing event on the channel (register, request, grant, deny, revoke,
   * access-logged, access-refused, break-glass, erase) for a record, by or about an institution
   * ({@code institution} is the author, grantee or accessor), in a consensus-time range ({@code
   * from} inclusive, {@code to} exclusive). Every field optional.
   */
  record AuditQuery(String recordId, String institution, Instant from, Instant to) {}

  /**
   * One event for the auditor: {@code institution} wrote it, {@code subject} is the grantee or
   * accessor where there is one; {@code at} is the consensus time of its block.
   */
  record AuditEvent(
      String kind,
      String recordId,
      String institution,
      String subject,
      String basis,
      String reasonCode,
      String txId,
      long height,
      Instant at) {}

  /** At most this many audit events per query, oldest first. */
  int AUDIT_LIMIT = 1000;

  /** The channel's sharing events that match, oldest first, at most {@link #AUDIT_LIMIT}. */
  List<AuditEvent> audit(String channelId, AuditQuery query);

  /** Break-glass events on records this node provides, or by this node, newest first. */
  List<AccessEvent> breakGlassEvents(String channelId);
}
