package org.careledger.persistence.consensus;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * What this member last signed in one channel's consensus, as the engine encodes it; written and
 * committed before the signed messages are sent (see V3__consensus_state.sql).
 */
@Entity
@Table(name = "cl_consensus_state")
public class ConsensusStateEntity {

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Column(name = "height", nullable = false)
  private long height;

  @Column(name = "round", nullable = false)
  private int round;

  @Column(name = "state_bytes", nullable = false)
  private byte[] stateBytes;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected ConsensusStateEntity() {}

  public ConsensusStateEntity(String channelId) {
    this.channelId = channelId;
  }

  public void replace(long height, int round, byte[] stateBytes, Instant at) {
    this.height = height;
    this.round = round;
    this.stateBytes = stateBytes.clone();
    this.updatedAt = at;
  }

  public String getChannelId() {
    return channelId;
  }

  public long getHeight() {
    return height;
  }

  public int getRound() {
    return round;
  }

  public byte[] getStateBytes() {
    return stateBytes.clone();
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }
}
