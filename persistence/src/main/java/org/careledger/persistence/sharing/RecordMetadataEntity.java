package org.careledger.persistence.sharing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What the provider's users say about a document that stays off the chain: its title (clinical
 * text) and clinical date (a quasi-identifier). An amendment may give the record a new title or
 * date (they describe its current version; the chain keeps the versions). Deleted when the record
 * is erased.
 */
@Entity
@Table(name = "cl_record_metadata")
@IdClass(RecordMetadataEntity.Key.class)
public class RecordMetadataEntity {

  /** Primary key: channel and record. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String channelId;
    private String recordId;

    public Key() {
      // for JPA
    }

    public Key(String channelId, String recordId) {
      this.channelId = channelId;
      this.recordId = recordId;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(k.channelId, channelId)
          && Objects.equals(k.recordId, recordId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(channelId, recordId);
    }
  }

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Id
  @Column(name = "record_id", length = 64, nullable = false, updatable = false)
  private String recordId;

  @Column(name = "pseudonym", length = 64, nullable = false, updatable = false)
  private String pseudonym;

  @Column(name = "title", length = 500)
  private String title;

  @Column(name = "document_date")
  private LocalDate documentDate;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  protected RecordMetadataEntity() {
    // for JPA
  }

  public RecordMetadataEntity(
      String channelId,
      String recordId,
      String pseudonym,
      String title,
      LocalDate documentDate,
      Instant createdAt) {
    this.channelId = channelId;
    this.recordId = recordId;
    this.pseudonym = pseudonym;
    this.title = title;
    this.documentDate = documentDate;
    this.createdAt = createdAt;
  }

  /** An amendment's new title and clinical date; a null leaves the one there is. */
  public void amend(String newTitle, LocalDate newDocumentDate) {
    if (newTitle != null) {
      this.title = newTitle;
    }
    if (newDocumentDate != null) {
      this.documentDate = newDocumentDate;
    }
  }

  public String getRecordId() {
    return recordId;
  }

  public String getPseudonym() {
    return pseudonym;
  }

  public String getTitle() {
    return title;
  }

  public LocalDate getDocumentDate() {
    return documentDate;
  }
}
