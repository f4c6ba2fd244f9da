package org.careledger.persistence.sharing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * One key a committed sharing transaction is indexed under ({@code
 * org.careledger.domain.sharing.SharingRefs}: {@code record:<id>}, {@code request:<id>}, {@code
 * grant:<tx>}), with the transaction's id: the view of one record is read through these rows
 * instead of from every sharing transaction of the channel. Written with the block; derived data,
 * rebuildable from the chain. The key comes first in the primary key, so that a list of keys
 * ({@code ref_key IN (...)}) is served by the key on H2 too.
 */
@Entity
@Table(name = "cl_sharing_ref")
@IdClass(SharingRefEntity.Key.class)
public class SharingRefEntity {

  /** Primary key: all three columns. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String refKey;
    private String channelId;
    private String txId;

    public Key() {
      // for JPA
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(k.refKey, refKey)
          && Objects.equals(k.channelId, channelId)
          && Objects.equals(k.txId, txId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(refKey, channelId, txId);
    }
  }

  @Id
  @Column(name = "ref_key", length = 73, nullable = false, updatable = false)
  private String refKey;

  @Id
  @Column(name = "channel_id", length = 63, nullable = false, updatable = false)
  private String channelId;

  @Id
  @Column(name = "tx_id", length = 64, nullable = false, updatable = false)
  private String txId;

  protected SharingRefEntity() {
    // for JPA
  }

  public SharingRefEntity(String refKey, String channelId, String txId) {
    this.refKey = refKey;
    this.channelId = channelId;
    this.txId = txId;
  }

  public String getRefKey() {
    return refKey;
  }

  public String getChannelId() {
    return channelId;
  }

  public String getTxId() {
    return txId;
  }
}
