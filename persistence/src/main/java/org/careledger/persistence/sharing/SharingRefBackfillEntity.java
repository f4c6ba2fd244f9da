package org.careledger.persistence.sharing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A channel whose sharing transactions up to {@code upToHeight} are not yet all in {@link
 * SharingRefEntity}'s index: migration V8 writes one row per channel that had blocks when it ran
 * (the index is written with every block from then on). The node indexes those transactions at
 * start in parts, each a database transaction that indexes the blocks above {@code indexedHeight}
 * (V9) up to a bounded number of transactions and moves {@code indexedHeight} past them; the last
 * part deletes the row. While the row exists, the views read the whole channel, as before V8.
 */
@Entity
@Table(name = "cl_sharing_ref_backfill")
public class SharingRefBackfillEntity {

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Column(name = "up_to_height", nullable = false, updatable = false)
  private long upToHeight;

  @Column(name = "indexed_height", nullable = false)
  private long indexedHeight;

  protected SharingRefBackfillEntity() {
    // for JPA
  }

  public String getChannelId() {
    return channelId;
  }

  public long getUpToHeight() {
    return upToHeight;
  }

  /** The height up to which the transactions are indexed already (0: none beyond genesis). */
  public long getIndexedHeight() {
    return indexedHeight;
  }

  /** Records that the transactions up to {@code height} are indexed (never moves backwards). */
  public void indexedUpTo(long height) {
    if (height < indexedHeight || height > upToHeight) {
      throw new IllegalArgumentException(
          "indexed height "
              + height
              + " outside "
              + indexedHeight
              + ".."
              + upToHeight
              + " for channel "
              + channelId);
    }
    indexedHeight = height;
  }
}
