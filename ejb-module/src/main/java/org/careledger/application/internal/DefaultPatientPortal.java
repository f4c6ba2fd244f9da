package org.careledger.application.internal;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.careledger.application.LedgerService;
import org.careledger.application.LedgerStore;
import org.careledger.application.PatientIdentities;
import org.careledger.application.PatientPortal;
import org.careledger.application.SharingService;
import org.careledger.application.consensus.ConsensusService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.sharing.PatientTrail;
import org.careledger.infrastructure.identity.ElytronCaller;

/**
 * The patient's own views and decisions (see {@link PatientPortal}). Only the {@code patient} role
 * may call it, and only about the patient its identity names: the pseudonym is computed from the
 * identity's {@code patient-id}, and every event is matched against the chain by that pseudonym
 * (registrations and consents) or by the records it registered (requests, grants, denials,
 * revocations, accesses, refusals, break-glass, erasure).
 */
@Stateless
@RolesAllowed("patient")
public class DefaultPatientPortal implements PatientPortal {

  /** What the patient's audit view reads from the chain, in chain order. */
  private static final List<String> EVENT_TYPES =
      List.of(
          TransactionType.REGISTER.wireName(),
          TransactionType.AMEND.wireName(),
          TransactionType.REQUEST.wireName(),
          TransactionType.GRANT.wireName(),
          TransactionType.DENY.wireName(),
          TransactionType.REVOKE.wireName(),
          TransactionType.ACCESS_LOGGED.wireName(),
          TransactionType.ACCESS_REFUSED.wireName(),
          TransactionType.BREAK_GLASS.wireName(),
          TransactionType.ERASE.wireName(),
          TransactionType.CONSENT.wireName(),
          TransactionType.RESEARCH_EXPORT.wireName());

  @EJB private LedgerStore store;
  @EJB private LedgerService ledger;
  @EJB private PatientIdentities identities;
  @EJB private ConsensusService consensus;

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<PatientRecord> records(String channelId) {
    List<PatientRecord> newestFirst = new ArrayList<>();
    for (PatientTrail.Record r : trail(channelId).records()) {
      newestFirst.add(
          0,
          new PatientRecord(
              r.recordId(),
              r.provider(),
              r.documentClass(),
              r.mediaType(),
              r.size(),
              r.txId(),
              Instant.ofEpochMilli(r.registeredAt()),
              r.erased()));
    }
    return newestFirst;
  }

  @Override
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public List<PatientEvent> audit(String channelId) {
    return trail(channelId).events().stream()
        .map(
            e ->
                new PatientEvent(
                    e.type().wireName(),
                    e.recordId(),
                    e.institution(),
                    e.subject(),
                    e.purpose(),
                    e.basis(),
                    e.reasonCode(),
                    e.decision(),
                    e.flagged(),
                    e.txId(),
                    e.height(),
                    Instant.ofEpochMilli(e.time()),
                    e.documentClass()))
        .toList();
  }

  private PatientTrail trail(String channelId) {
    String pseudonym = callerPseudonym(channelId);
    List<PatientTrail.Committed> chain = new ArrayList<>();
    for (LedgerStore.TimedTransaction timed : store.transactionsOfTypes(channelId, EVENT_TYPES)) {
      chain.add(
          new PatientTrail.Committed(
              SignedTransaction.decode(timed.bytes()), timed.height(), timed.blockTime()));
    }
    return PatientTrail.of(pseudonym, chain);
  }

  @Override
  public SharingService.Decision consent(String channelId, String grantee, String decision) {
    Map<String, Object> body =
        DefaultSharingService.consentBody(
            store,
            consensus,
            identities,
            channelId,
            callerPatientId(),
            grantee,
            decision,
            "patient");
    LedgerService.Committed committed = ledger.submit(channelId, "consent", body);
    return new SharingService.Decision(null, null, grantee, committed.txId(), committed.height());
  }

  private String callerPseudonym(String channelId) {
    String patientId = callerPatientId();
    if (!store.channelExists(channelId, false)) {
      throw new CareLedgerException(
          ErrorCode.CHANNEL_UNKNOWN, "this node holds no channel " + channelId);
    }
    return identities.pseudonymOf(channelId, patientId);
  }

  private static String callerPatientId() {
    return ElytronCaller.attribute(ElytronCaller.PATIENT_ID)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.PATIENT_NOT_LINKED,
                    "the signed-in identity names no patient (attribute or claim "
                        + ElytronCaller.PATIENT_ID
                        + ")"));
  }
}
