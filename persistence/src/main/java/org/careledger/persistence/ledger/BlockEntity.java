package org.careledger.persistence.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A committed block: its canonical header and commit certificate bytes, and their index columns.
 */
@Entity
@Table(name = "cl_block")
@IdClass(BlockEntity.Key.class)
@NamedQuery(
    name = BlockEntity.BY_CHANNEL,
    query = "select b from BlockEntity b where b.channelId = :channel order by b.height")
@NamedQuery(
    name = BlockEntity.HEAD,
    query =
        "select b from BlockEntity b where b.channelId = :channel and b.height ="
            + " (select max(h.height) from BlockEntity h where h.channelId = :channel)")
public class BlockEntity {

  public static final String BY_CHANNEL = "BlockEntity.byChannel";
  public static final String HEAD = "BlockEntity.head";

  /** Primary key: channel and height. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String channelId;
    private long height;

    public Key() {}

    public Key(String channelId, long height) {
      this.channelId = channelId;
      this.height = height;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key that
          && height == that.height
          && Objects.equals(channelId, that.channelId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(channelId, height);
    }
  }

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Id
  @Column(name = "height", nullable = false, updatable = false)
  private long height;

  @Column(name = "block_hash", length = 64, nullable = false, updatable = false)
  private String blockHash;

  @Column(name = "previous_hash", length = 64, nullable = false, updatable = false)
  private String previousHash;

  @Column(name = "tx_root", length = 64, nullable = false, updatable = false)
  private String txRoot;

  @Column(name = "tx_count", nullable = false, updatable = false)
  private int txCount;

  @Column(name = "header_bytes", nullable = false, updatable = false)
  private byte[] headerBytes;

  @Column(name = "certificate_bytes", nullable = false, updatable = false)
  private byte[] certificateBytes;

  @Column(name = "committed_at", nullable = false, updatable = false)
  private Instant committedAt;

  protected BlockEntity() {
    // for JPA
  }

  public BlockEntity(
      String channelId,
      long height,
      String blockHash,
      String previousHash,
      String txRoot,
      int txCount,
      byte[] headerBytes,
      byte[] certificateBytes,
      Instant committedAt) {
    this.channelId = channelId;
    this.height = height;
    this.blockHash = blockHash;
    this.previousHash = previousHash;
    this.txRoot = txRoot;
    this.txCount = txCount;
    this.headerBytes = headerBytes.clone();
    this.certificateBytes = certificateBytes.clone();
    this.committedAt = committedAt;
  }

  public String getChannelId() {
    return channelId;
  }

  public long getHeight() {
    return height;
  }

  public String getBlockHash() {
    return blockHash;
  }

  public String getPreviousHash() {
    return previousHash;
  }

  public String getTxRoot() {
    return txRoot;
  }

  public int getTxCount() {
    return txCount;
  }

  public byte[] getHeaderBytes() {
    return headerBytes.clone();
  }

  public byte[] getCertificateBytes() {
    return certificateBytes.clone();
  }

  public Instant getCommittedAt() {
    return committedAt;
  }
}
