package org.careledger.application;

import jakarta.ejb.Local;
import java.time.Instant;
import java.util.List;

/**
 * What a patient sees and decides for themself, signed in at an institution's node with the {@code
 * patient} role: their records on a channel, every event about them on the chain (their audit view:
 * who asked, who was granted, who read, who broke the glass), and their own consent decisions. The
 * caller's patient id comes from their identity (attribute {@code patient-id} in the realm, or the
 * bearer token's claim of that name), never from a parameter, so a patient can see and decide only
 * for themself. The chain knows the patient only by the channel's pseudonym: the node computes it
 * and matches it against the chain, so the audit view covers records of every provider on the
 * channel, not only this node's.
 */
@Local
public interface PatientPortal {

  /** One of the patient's records on the channel, as its register transaction says. */
  record PatientRecord(
      String recordId,
      String provider,
      String documentClass,
      String mediaType,
      long size,
      String txId,
      Instant registeredAt,
      boolean erased) {}

  /**
   * One event about the patient's records or consents, oldest first: {@code kind} is the
   * transaction type (register, request, grant, deny, revoke, access-logged, access-refused,
   * break-glass, erase, consent); {@code institution} wrote it; {@code subject} is the grantee,
   * accessor or consent scope (for a request for the patient's records of a class, the provider
   * asked); {@code flagged} marks break-glass, which the patient must be told about; {@code
   * documentClass} is set for a class request and its denial, which name no record.
   */
  record PatientEvent(
      String kind,
      String recordId,
      String institution,
      String subject,
      String purpose,
      String basis,
      String reasonCode,
      String decision,
      boolean flagged,
      String txId,
      long height,
      Instant at,
      String documentClass) {}

  /** The caller's records on the channel, newest first. */
  List<PatientRecord> records(String channelId);

  /** Every sharing event about the caller's records, and their consents, oldest first. */
  List<PatientEvent> audit(String channelId);

  /**
   * The caller's own consent decision ({@code permit} or {@code withdraw}) for grants of their
   * records to {@code grantee}: a {@code consent} transaction with {@code "via":"patient"}, which
   * channel policies read exactly like one recorded by staff.
   */
  SharingService.Decision consent(String channelId, String grantee, String decision);
}
