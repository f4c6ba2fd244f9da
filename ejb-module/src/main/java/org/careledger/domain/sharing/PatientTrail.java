package org.careledger.domain.sharing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * One patient's trail on a channel, from its committed transactions in chain order and the
 * patient's pseudonym on that channel: their records (register transactions naming the pseudonym,
 * by any provider) and every event about them (amendments included). Requests, grants, denials and
 * accesses name the record; a revoke names only its grant, and a denial may name only its request,
 * so both are traced back through the grant or request they follow. Consents name the pseudonym. A
 * request for the patient's records of a class ({@code scope} {@code class}) names the pseudonym
 * and no record: it is in the trail with no record id, the provider asked as {@code subject} and
 * the document class as {@code documentClass}, and so is its denial; the grants that answer it name
 * a record each and are in the trail like any grant. Nothing else is read, so every member holding
 * the chain gives the patient the same trail.
 */
public final class PatientTrail {

  /** A transaction as committed: the block's height and consensus time (ms). */
  public record Committed(SignedTransaction signed, long height, long blockTime) {}

  /** One of the patient's records. */
  public record Record(
      String recordId,
      String provider,
      String documentClass,
      String mediaType,
      long size,
      String txId,
      long registeredAt,
      boolean erased) {}

  /**
   * One event: {@code institution} wrote it; {@code subject} is the grantee, accessor or consent
   * scope (for a class request, the provider asked); {@code flagged} marks a break-glass access;
   * {@code documentClass} is set for a class request and its denial (their {@code recordId} is
   * null).
   */
  public record Event(
      TransactionType type,
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
      long time,
      String documentClass) {}

  private final Map<String, Record> records = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();

  private PatientTrail() {}

  /** The trail of the patient with {@code pseudonym}, from transactions in chain order. */
  public static PatientTrail of(String pseudonym, List<Committed> chainOrder) {
    Objects.requireNonNull(pseudonym, "pseudonym");
    PatientTrail trail = new PatientTrail();
    Map<String, String> requestRecord = new HashMap<>();
    Map<String, String> requestPurpose = new HashMap<>();
    Map<String, String> grantRecord = new HashMap<>();
    Map<String, String> classRequests = new HashMap<>(); // about this patient: id to class
    Set<String> registered = new HashSet<>();
    for (Committed committed : chainOrder) {
      Transaction tx = committed.signed().transaction();
      Map<String, Object> body = tx.body();
      String recordId = text(body, "recordId");
      String classOf = null; // set for a class request about the patient, and for its denial
      switch (tx.type()) {
        case REGISTER -> {
          // The first registration of an id is the record (AccessLedger's rule); a later one with
          // the same id is ignored, whichever patient it names.
          if (registered.add(recordId) && pseudonym.equals(body.get("patient"))) {
            trail.records.put(
                recordId,
                new Record(
                    recordId,
                    tx.author().value(),
                    text(body, "documentClass"),
                    text(body, "mediaType"),
                    body.get("size") instanceof Number n ? n.longValue() : -1L,
                    committed.signed().idHex(),
                    committed.blockTime(),
                    false));
          }
        }
        case REQUEST -> {
          boolean classScope = "class".equals(body.get("scope"));
          if (classScope) {
            recordId = null; // a class request names no record, whatever its body says
            if (pseudonym.equals(body.get("patient"))) {
              classOf = text(body, "documentClass");
              classRequests.putIfAbsent(text(body, "requestId"), classOf);
            }
          }
          requestRecord.putIfAbsent(text(body, "requestId"), recordId);
          requestPurpose.putIfAbsent(text(body, "requestId"), text(body, "purpose"));
        }
        case GRANT -> grantRecord.put(committed.signed().idHex(), recordId);
        case REVOKE -> recordId = grantRecord.get(text(body, "grantTx"));
        case DENY -> {
          if (recordId == null) {
            recordId = requestRecord.get(text(body, "requestId"));
          }
          if (recordId == null) {
            classOf = classRequests.get(text(body, "requestId"));
          }
        }
        case ERASE -> {
          Record r = trail.records.get(recordId);
          if (r != null) {
            trail.records.put(
                recordId,
                new Record(
                    r.recordId(),
                    r.provider(),
                    r.documentClass(),
                    r.mediaType(),
                    r.size(),
                    r.txId(),
                    r.registeredAt(),
                    true));
          }
        }
        case RESEARCH_EXPORT -> classOf = text(body, "documentClass");
        default -> {}
      }
      boolean about =
          tx.type() == TransactionType.CONSENT
              ? pseudonym.equals(body.get("patient"))
              : tx.type() == TransactionType.RESEARCH_EXPORT
                  ? body.get("patients") instanceof List<?> patients && patients.contains(pseudonym)
                  : classOf != null || (recordId != null && trail.records.containsKey(recordId));
      if (!about) {
        continue;
      }
      String subject =
          tx.type() == TransactionType.CONSENT
              ? text(body, "scope")
              : tx.type() == TransactionType.REQUEST && classOf != null
                  ? text(body, "provider")
                  : body.get("grantee") instanceof String g ? g : text(body, "accessor");
      String purpose =
          body.get("purpose") instanceof String p
              ? p
              : tx.type() == TransactionType.RESEARCH_EXPORT
                      || ResearchConsent.SCOPE.equals(body.get("scope"))
                  ? ResearchConsent.PURPOSE
                  : requestPurpose.get(text(body, "requestId"));
      trail.events.add(
          new Event(
              tx.type(),
              recordId,
              tx.author().value(),
              subject,
              purpose,
              text(body, "basis"),
              text(body, "reasonCode"),
              text(body, "decision"),
              tx.type() == TransactionType.BREAK_GLASS,
              committed.signed().idHex(),
              committed.height(),
              committed.blockTime(),
              classOf));
    }
    return trail;
  }

  /** The patient's records, in the order they were registered. */
  public List<Record> records() {
    return List.copyOf(records.values());
  }

  /** Every event about the patient, in chain order. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  private static String text(Map<String, Object> body, String field) {
    return body.get(field) instanceof String s ? s : null;
  }
}
