package org.careledger.application.internal;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import org.careledger.persistence.sharing.PatientIdentityEntity;

/**
 * Enrols a patient in this node's identity table in a transaction of its own, so that two uploads
 * for the same new patient at the same moment do not fail each other: the second insert meets the
 * first one's primary key (PostgreSQL waits for the first to commit, then refuses), this bean's
 * transaction alone rolls back, and {@link DefaultPatientIdentities#enrol} finds the row the other
 * upload committed. The row is the node's own patient index (id to pseudonym), not a record: it
 * stays when the upload that enrolled the patient fails later, as the patient id is already in the
 * provider's own systems; no ciphertext, record or ledger entry does.
 */
@Stateless
public class PatientIndexWriter {

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  /** Inserts the row unless it exists; a concurrent insert of the same row fails this call. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public void enrol(String channelId, String pseudonym, String patientId) {
    if (em.find(PatientIdentityEntity.class, new PatientIdentityEntity.Key(channelId, pseudonym))
        == null) {
      em.persist(new PatientIdentityEntity(channelId, pseudonym, patientId, Instant.now()));
      em.flush();
    }
  }
}
