package org.careledger.persistence.offchain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A record's data key wrapped (HPKE) for one institution's X25519 key. Its SHA-256 goes on the
 * chain; the envelope itself stays here so that erasing a record can destroy it.
 */
@Entity
@Table(name = "cl_key_envelope")
@NamedQuery(
    name = KeyEnvelopeEntity.FOR_RECIPIENT,
    query =
        "select e from KeyEnvelopeEntity e where e.recordId = :record and e.recipient = :recipient"
            + " order by e.createdAt desc")
public class KeyEnvelopeEntity {

  public static final String FOR_RECIPIENT = "KeyEnvelopeEntity.forRecipient";

  @Id
  @Column(name = "envelope_hash", length = 64, nullable = false, updatable = false)
  private String envelopeHash;

  @Column(name = "record_id", length = 64, nullable = false, updatable = false)
  private String recordId;

  @Column(name = "recipient", length = 63, nullable = false, updatable = false)
  private String recipient;

  @Column(name = "envelope", nullable = false, updatable = false)
  private byte[] envelope;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  protected KeyEnvelopeEntity() {
    // for JPA
  }

  public KeyEnvelopeEntity(
      String envelopeHash, String recordId, String recipient, byte[] envelope, Instant createdAt) {
    this.envelopeHash = envelopeHash;
    this.recordId = recordId;
    this.recipient = recipient;
    this.envelope = envelope.clone();
    this.createdAt = createdAt;
  }

  public String getEnvelopeHash() {
    return envelopeHash;
  }

  public String getRecordId() {
    return recordId;
  }

  public String getRecipient() {
    return recipient;
  }

  public byte[] getEnvelope() {
    return envelope.clone();
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
