package org.careledger.persistence.sharing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * Which patient a channel pseudonym stands for, at the provider that registered the patient's
 * records: the only place a patient id is kept (never on the chain, never in a message).
 */
@Entity
@Table(name = "cl_patient_identity")
@IdClass(PatientIdentityEntity.Key.class)
public class PatientIdentityEntity {

  /** Primary key: channel and pseudonym. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String channelId;
    private String pseudonym;

    public Key() {
      // for JPA
    }

    public Key(String channelId, String pseudonym) {
      this.channelId = channelId;
      this.pseudonym = pseudonym;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(k.channelId, channelId)
          && Objects.equals(k.pseudonym, pseudonym);
    }

    @Override
    public int hashCode() {
      return Objects.hash(channelId, pseudonym);
    }
  }

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Id
  @Column(name = "pseudonym", length = 64, nullable = false, updatable = false)
  private String pseudonym;

  @Column(name = "patient_id", length = 128, nullable = false, updatable = false)
  private String patientId;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  protected PatientIdentityEntity() {
    // for JPA
  }

  public PatientIdentityEntity(
      String channelId, String pseudonym, String patientId, Instant createdAt) {
    this.channelId = channelId;
    this.pseudonym = pseudonym;
    this.patientId = patientId;
    this.createdAt = createdAt;
  }

  public String getChannelId() {
    return channelId;
  }

  public String getPseudonym() {
    return pseudonym;
  }

  public String getPatientId() {
    return patientId;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
