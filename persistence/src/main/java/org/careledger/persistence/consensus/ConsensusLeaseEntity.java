package org.careledger.persistence.consensus;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The institution's consensus-member lease: which node runs the member, and the epoch every save of
 * what the member signed is checked against (see V6__cluster_member.sql). One row, id 1.
 */
@Entity
@Table(name = "cl_consensus_lease")
public class ConsensusLeaseEntity {

  /** The one row's id. */
  public static final int ID = 1;

  @Id
  @Column(name = "lease_id", nullable = false, updatable = false)
  private int id;

  @Column(name = "epoch", nullable = false)
  private long epoch;

  @Column(name = "holder", length = 200, nullable = false)
  private String holder;

  @Column(name = "acquired_at", nullable = false)
  private Instant acquiredAt;

  protected ConsensusLeaseEntity() {}

  /** Takes the lease for {@code node}: the epoch goes up by one. */
  public long take(String node, Instant at) {
    epoch++;
    holder = node;
    acquiredAt = at;
    return epoch;
  }

  public long getEpoch() {
    return epoch;
  }

  public String getHolder() {
    return holder;
  }

  public Instant getAcquiredAt() {
    return acquiredAt;
  }
}
