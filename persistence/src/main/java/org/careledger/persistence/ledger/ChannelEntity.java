package org.careledger.persistence.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A channel this node holds the chain of, named with the hash of its genesis block. */
@Entity
@Table(name = "cl_channel")
public class ChannelEntity {

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Column(name = "genesis_hash", length = 64, nullable = false, updatable = false)
  private String genesisHash;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  protected ChannelEntity() {
    // for JPA
  }

  public ChannelEntity(String channelId, String genesisHash, Instant createdAt) {
    this.channelId = channelId;
    this.genesisHash = genesisHash;
    this.createdAt = createdAt;
  }

  public String getChannelId() {
    return channelId;
  }

  public String getGenesisHash() {
    return genesisHash;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
