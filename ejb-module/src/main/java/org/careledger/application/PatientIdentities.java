package org.careledger.application;

import jakarta.ejb.Local;

/**
 * The provider's patient identity table: turns a patient id into the channel's pseudonym (and
 * remembers which patient it stands for), so that the id itself never reaches the chain or a
 * federation message.
 */
@Local
public interface PatientIdentities {

  /**
   * The patient's pseudonym on the channel ({@code PatientPseudonyms}), for a search: nothing is
   * recorded.
   *
   * @throws org.careledger.domain.CareLedgerException {@code PATIENT_ID_INVALID} for an id of
   *     another form, {@code PSEUDONYM_KEY_MISSING} if the node holds no key for the channel
   */
  String pseudonymOf(String channelId, String patientId);

  /**
   * The patient's pseudonym on the channel, recorded in the identity table (a provider registering
   * the patient's record). Idempotent and safe under concurrent uploads for the same new patient;
   * the row is written in a transaction of its own, so it stays if the caller's fails.
   */
  String enrol(String channelId, String patientId);
}
