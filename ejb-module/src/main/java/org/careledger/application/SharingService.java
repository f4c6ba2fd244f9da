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
 * <p>A request names one record ({@link #request}) or a patient's records of a document class at
 * one provider ({@link #requestClass}). A class request is granted record by record: the provider's
 * node commits one grant per record it provides for that patient and class at the time of the
 * grant, each naming the request and the record and carrying its own key envelope, so every grant
 * on the chain is tied to one record and one envelope exactly as a record grant is (revoke, expiry,
 * erasure, amendments and retrieval work per grant, unchanged). Records registered after the grant
 * are not covered: the requester asks again. The patient travels only as the channel's pseudonym.
 */
@Local
public interface SharingService {

  /**
   * HL7 v3 PurposeOfUse codes accepted in a request (treatment, emergency treatment, care
   * management, payment, operations, public health, research, patient request).
   */
  List<String> PURPOSES =
      List.of("TREAT", "ETREAT", "CAREMGT", "HPAYMT", "HOPERAT", "PUBHLTH", "HRESCH", "PATRQT");

  /**
   * The committed request transaction: {@code recordId} for a record request, {@code documentClass}
   * for a class request (the other null; never the patient's id).
   */
  record Requested(
      String requestId,
      String recordId,
      String provider,
      String txId,
      long height,
      String documentClass) {

    /** A record request. */
    public Requested(String requestId, String recordId, String provider, String txId, long height) {
      this(requestId, recordId, provider, txId, height, null);
    }
  }

  /**
   * A request as this node sees it: {@code status} is {@code open}, {@code granted} or {@code
   * denied}; {@code decisionTx} the grant (the first, for a class request) or deny transaction;
   * {@code scope} is {@code record} (with {@code recordId}) or {@code class} (with {@code
   * documentClass}, no record id). No view shows the patient: the chain holds only a pseudonym, and
   * the requester's node keeps no patient id for its requests.
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
      String decisionTx,
      String scope,
      String documentClass) {}

  /** One grant committed for a class request: the record and the grant transaction. */
  record RecordGrant(String recordId, String txId, long height) {}

  /**
   * A committed grant, deny or revoke. For the grant of a class request, {@code recordId}, {@code
   * txId} and {@code height} are those of the first grant and {@code grants} lists every one (one
   * per record, ordered by record id); {@code grants} is null otherwise, so a record request's
   * answer keeps its shape.
   */
  record Decision(
      String requestId,
      String recordId,
      String grantee,
      String txId,
      long height,
      List<RecordGrant> grants) {

    public Decision(String requestId, String recordId, String grantee, String txId, long height) {
      this(requestId, recordId, grantee, txId, height, null);
    }
  }

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
   * Asks {@code provider} for access to the patient's records of {@code documentClass}: a {@code
   * request} transaction with {@code scope} {@code class}, the channel's pseudonym of the patient
   * (computed here; the id itself is neither sent nor kept), the class and the provider.
   *
   * @throws org.careledger.domain.CareLedgerException {@code PATIENT_ID_INVALID} for a malformed
   *     patient id, {@code TX_MALFORMED} for a class that is not a LOINC code or a provider that is
   *     not a member of the channel, {@code REQUEST_FOR_OWN_RECORD} where the provider is this
   *     institution, {@code PURPOSE_INVALID} for an unknown purpose
   */
  Requested requestClass(
      String channelId, String patientId, String documentClass, String provider, String purpose);

  /**
   * Requests this node made, and requests for records this node provides, newest first; {@code
   * openOnly} keeps those awaiting a decision.
   */
  List<RequestView> requests(String channelId, boolean openOnly);

  /**
   * Grants an open request for a record this node provides: wraps the record's data key to the
   * requester's X25519 key (HPKE), keeps that envelope with the ciphertext, commits the grant with
   * the envelope's hash. For a class request addressed to this node, does so for every record this
   * node provides for the request's patient and class (not erased) as the chain stands now: one
   * grant each, the same expiry for all ({@code CLASS_REQUEST_NO_RECORDS} where there is none, and
   * nothing is committed).
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
  record AuditQuery(String recordId, String institution, Instant from, Instant to, String patient) {

    public AuditQuery(String recordId, String institution, Instant from, Instant to) {
      this(recordId, institution, from, to, null);
    }
  }

  /**
   * One event for the auditor: {@code institution} wrote it, {@code subject} is the grantee or
   * accessor where there is one; {@code at} is the consensus time of its block.
   */
  record AuditEvent(
      String kind,
      String recordId,
      String patient,
      String institution,
      String subject,
      String basis,
      String reasonCode,
      String txId,
      long height,
      Instant at) {}

  /** At most this many audit events per query, oldest first. */
  int AUDIT_LIMIT = 1000;

  /**
   * A consent decision on the chain: about the patient ({@code patient}, the channel's pseudonym),
   * for {@code scope} (an institution, or research), {@code via} staff or the patient, recorded by
   * {@code institution} (the transaction's author).
   */
  record ConsentView(
      String patient,
      String scope,
      String decision,
      String via,
      String institution,
      String txId,
      long height,
      Instant at) {}

  /** Every consent decision about the patient with this id on the channel, in chain order. */
  List<ConsentView> consents(String channelId, String patientId);

  /** The channel's sharing events that match, oldest first, at most {@link #AUDIT_LIMIT}. */
  List<AuditEvent> audit(String channelId, AuditQuery query);

  /** Break-glass events on records this node provides, or by this node, newest first. */
  List<AccessEvent> breakGlassEvents(String channelId);
}
