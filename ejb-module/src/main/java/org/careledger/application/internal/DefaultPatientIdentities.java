package org.careledger.application.internal;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.careledger.application.LedgerService;
import org.careledger.application.PatientIdentities;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.sharing.PatientId;
import org.careledger.domain.sharing.PatientPseudonyms;
import org.careledger.persistence.sharing.PatientIdentityEntity;

/** The identity table in this node's database, with pseudonyms under the channel's key. */
@Stateless
public class DefaultPatientIdentities implements PatientIdentities {

  @EJB private LedgerService ledger;
  @EJB private PseudonymKeyRing keys;
  @EJB private PatientIndexWriter writer;

  @PersistenceContext(unitName = "careledger")
  private EntityManager em;

  @Override
  public String pseudonymOf(String channelId, String patientId) {
    PatientId patient = new PatientId(patientId);
    ChannelId channel = new ChannelId(channelId);
    boolean alone = ledger.channel(channelId).members().size() == 1;
    return PatientPseudonyms.pseudonym(keys.keyOf(channel, alone), channel, patient);
  }

  @Override
  public String enrol(String channelId, String patientId) {
    String pseudonym = pseudonymOf(channelId, patientId);
    PatientIdentityEntity.Key key = new PatientIdentityEntity.Key(channelId, pseudonym);
    if (em.find(PatientIdentityEntity.class, key) == null) {
      try {
        writer.enrol(channelId, pseudonym, patientId);
      } catch (EJBException e) {
        // Another upload enrolled the same patient first: its row stands (read committed).
        if (em.find(PatientIdentityEntity.class, key) == null) {
          throw e;
        }
      }
    }
    return pseudonym;
  }
}
