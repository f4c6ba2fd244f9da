package org.careledger.persistence.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A transaction on the chain: its canonical signed bytes and where it sits. */
@Entity
@Table(name = "cl_ledger_tx")
@IdClass(LedgerTransactionEntity.Key.class)
@NamedQuery(
    name = LedgerTransactionEntity.BY_CHANNEL,
    query =
        "select t from LedgerTransactionEntity t where t.channelId = :channel"
            + " order by t.height, t.txIndex")
public class LedgerTransactionEntity {

  public static final String BY_CHANNEL = "LedgerTransactionEntity.byChannel";

  /** Primary key: channel and transaction id. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String channelId;
    private String txId;

    public Key() {}

    public Key(String channelId, String txId) {
      this.channelId = channelId;
      this.txId = txId;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key that
          && Objects.equals(channelId, that.channelId)
          && Objects.equals(txId, that.txId);
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

  @Column(name = "height", nullable = false, updatable = false)
  private long height;

  @Column(name = "tx_index", nullable = false, updatable = false)
  private int txIndex;

  @Column(name = "tx_type", length = 32, nullable = false, updatable = false)
  private String txType;

  @Column(name = "author", length = 63, nullable = false, updatable = false)
  private String author;

  @Column(name = "tx_bytes", nullable = false, updatable = false)
  private byte[] txBytes;

  protected LedgerTransactionEntity() {
    // for JPA
  }

  public LedgerTransactionEntity(
      String channelId,
      String txId,
      long height,
      int txIndex,
      String txType,
      String author,
      byte[] txBytes) {
    this.channelId = channelId;
    this.txId = txId;
    this.height = height;
    this.txIndex = txIndex;
    this.txType = txType;
    this.author = author;
    this.txBytes = txBytes.clone();
  }

  public String getChannelId() {
    return channelId;
  }

  public String getTxId() {
    return txId;
  }

  public long getHeight() {
    return height;
  }

  public int getTxIndex() {
    return txIndex;
  }

  public String getTxType() {
    return txType;
  }

  public String getAuthor() {
    return author;
  }

  public byte[] getTxBytes() {
    return txBytes.clone();
  }
}
