package org.careledger.application.internal;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
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
    if (em.find(PatientIdentityEntity.class, new PatientIdentityEntity.Key(channelId, pseudonym))
        == null) {
      em.persist(new PatientIdentityEntity(channelId, pseudonym, patientId, Instant.now()));
    }
    return pseudonym;
  }
}
