package org.careledger.persistence.sharing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A channel whose sharing transactions up to {@code upToHeight} are not yet in {@link
 * SharingRefEntity}'s index: migration V8 writes one row per channel that had blocks when it ran
 * (the index is written with every block from then on); the node indexes those transactions once at
 * start and deletes the row in the same database transaction. While the row exists, the views read
 * the whole channel, as before V8.
 */
@Entity
@Table(name = "cl_sharing_ref_backfill")
public class SharingRefBackfillEntity {

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Column(name = "up_to_height", nullable = false, updatable = false)
  private long upToHeight;

  protected SharingRefBackfillEntity() {
    // for JPA
  }

  public String getChannelId() {
    return channelId;
  }

  public long getUpToHeight() {
    return upToHeight;
  }
}
