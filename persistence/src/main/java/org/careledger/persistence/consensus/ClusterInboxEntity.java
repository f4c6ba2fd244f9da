package org.careledger.persistence.consensus;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A federation message a standby node of the institution received, or a transaction submitted
 * there, waiting for the node that runs the consensus member (see V6__cluster_member.sql).
 */
@Entity
@Table(name = "cl_cluster_inbox")
public class ClusterInboxEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  @Column(name = "inbox_id", nullable = false, updatable = false)
  private Long id;

  /** A federation message. */
  public static final String MESSAGE = "message";

  /** A transaction submitted at a standby node. */
  public static final String SUBMISSION = "submission";

  @Column(name = "kind", length = 16, nullable = false, updatable = false)
  private String kind;

  @Column(name = "channel_id", length = 63, updatable = false)
  private String channelId;

  @Column(name = "sender", length = 200, nullable = false, updatable = false)
  private String sender;

  @Column(name = "payload", nullable = false, updatable = false)
  private byte[] payload;

  @Column(name = "received_at", nullable = false, updatable = false)
  private Instant receivedAt;

  protected ClusterInboxEntity() {}

  public ClusterInboxEntity(String sender, byte[] payload, Instant receivedAt) {
    this(MESSAGE, null, sender, payload, receivedAt);
  }

  public ClusterInboxEntity(
      String kind, String channelId, String sender, byte[] payload, Instant receivedAt) {
    this.kind = kind;
    this.channelId = channelId;
    this.sender = sender.length() > 200 ? sender.substring(0, 200) : sender;
    this.payload = payload.clone();
    this.receivedAt = receivedAt;
  }

  public Long getId() {
    return id;
  }

  public String getKind() {
    return kind;
  }

  public String getChannelId() {
    return channelId;
  }

  public String getSender() {
    return sender;
  }

  public byte[] getPayload() {
    return payload.clone();
  }

  public Instant getReceivedAt() {
    return receivedAt;
  }
}
