package org.careledger.persistence.offchain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A document stored by this node, by the SHA-256 of its ciphertext. */
@Entity
@Table(name = "cl_blob")
public class BlobEntity {

  @Id
  @Column(name = "content_hash", length = 64, nullable = false, updatable = false)
  private String contentHash;

  @Column(name = "size_bytes", nullable = false, updatable = false)
  private long sizeBytes;

  @Column(name = "stored_at", nullable = false, updatable = false)
  private Instant storedAt;

  @Column(name = "erased_at")
  private Instant erasedAt;

  protected BlobEntity() {
    // for JPA
  }

  public BlobEntity(String contentHash, long sizeBytes, Instant storedAt) {
    this.contentHash = contentHash;
    this.sizeBytes = sizeBytes;
    this.storedAt = storedAt;
  }

  /** Records that the ciphertext was destroyed; the row stays so the erasure is visible. */
  public void markErased(Instant when) {
    if (erasedAt == null) {
      erasedAt = when;
    }
  }

  public String getContentHash() {
    return contentHash;
  }

  public long getSizeBytes() {
    return sizeBytes;
  }

  public Instant getStoredAt() {
    return storedAt;
  }

  public Instant getErasedAt() {
    return erasedAt;
  }
}
