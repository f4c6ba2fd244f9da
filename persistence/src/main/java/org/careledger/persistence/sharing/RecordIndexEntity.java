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
 * One version of a record on a channel as every member reads it from its chain: a row per register
 * transaction (version 1) and per amend transaction (each later version), written with the block,
 * for searches by patient pseudonym, class and time. An amendment's row repeats what a version
 * cannot change (pseudonym, class, provider and {@code registeredAt}, the time of the record's
 * registration) and holds the version's own number, media type, size, content hash, transaction and
 * height; a search shows each record's row of the highest version. Derived data: keyed by
 * transaction, rebuildable from the chain.
 */
@Entity
@Table(name = "cl_record_index")
@IdClass(RecordIndexEntity.Key.class)
public class RecordIndexEntity {

  /** Primary key: channel and transaction. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String channelId;
    private String txId;

    public Key() {
      // for JPA
    }

    public Key(String channelId, String txId) {
      this.channelId = channelId;
      this.txId = txId;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(k.channelId, channelId)
          && Objects.equals(k.txId, txId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(channelId, txId);
    }
  }

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Id
  @Column(name = "tx_id", length = 64, nullable = false, updatable = false)
  private String txId;

  @Column(name = "record_id", length = 64, nullable = false, updatable = false)
  private String recordId;

  @Column(name = "record_version", nullable = false, updatable = false)
  private long version;

  @Column(name = "pseudonym", length = 64, nullable = false, updatable = false)
  private String pseudonym;

  @Column(name = "document_class", length = 16, nullable = false, updatable = false)
  private String documentClass;

  @Column(name = "media_type", length = 128, nullable = false, updatable = false)
  private String mediaType;

  @Column(name = "size_bytes", nullable = false, updatable = false)
  private long size;

  @Column(name = "content_hash", length = 64, nullable = false, updatable = false)
  private String contentHash;

  @Column(name = "provider", length = 63, nullable = false, updatable = false)
  private String provider;

  @Column(name = "height", nullable = false, updatable = false)
  private long height;

  @Column(name = "registered_at", nullable = false, updatable = false)
  private Instant registeredAt;

  protected RecordIndexEntity() {
    // for JPA
  }

  @SuppressWarnings("checkstyle:ParameterNumber")
  public RecordIndexEntity(
      String channelId,
      String txId,
      String recordId,
      long version,
      String pseudonym,
      String documentClass,
      String mediaType,
      long size,
      String contentHash,
      String provider,
      long height,
      Instant registeredAt) {
    this.channelId = channelId;
    this.txId = txId;
    this.recordId = recordId;
    this.version = version;
    this.pseudonym = pseudonym;
    this.documentClass = documentClass;
    this.mediaType = mediaType;
    this.size = size;
    this.contentHash = contentHash;
    this.provider = provider;
    this.height = height;
    this.registeredAt = registeredAt;
  }

  public String getChannelId() {
    return channelId;
  }

  public String getTxId() {
    return txId;
  }

  public String getRecordId() {
    return recordId;
  }

  public long getVersion() {
    return version;
  }

  public String getPseudonym() {
    return pseudonym;
  }

  public String getDocumentClass() {
    return documentClass;
  }

  public String getMediaType() {
    return mediaType;
  }

  public long getSize() {
    return size;
  }

  public String getContentHash() {
    return contentHash;
  }

  public String getProvider() {
    return provider;
  }

  public long getHeight() {
    return height;
  }

  public Instant getRegisteredAt() {
    return registeredAt;
  }
}
