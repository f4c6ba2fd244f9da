package org.careledger.persistence.node;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * One start of this node: which institution and signing key it ran with, and which CareLedger
 * version. Operators and auditors read this to see that a node's identity never changed under them;
 * rows are only ever added.
 */
@Entity
@Table(name = "cl_node_start")
@NamedQuery(
    name = NodeStartEntity.FIND_LATEST,
    query = "select s from NodeStartEntity s order by s.startedAt desc, s.id desc")
public class NodeStartEntity {

  public static final String FIND_LATEST = "NodeStartEntity.findLatest";

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "cl_node_start_seq")
  @SequenceGenerator(
      name = "cl_node_start_seq",
      sequenceName = "cl_node_start_seq",
      allocationSize = 1)
  @Column(name = "id", nullable = false, updatable = false)
  private Long id;

  @Column(name = "institution_id", nullable = false, updatable = false, length = 64)
  private String institutionId;

  @Column(name = "signing_fingerprint", nullable = false, updatable = false, length = 64)
  private String signingFingerprint;

  @Column(name = "careledger_version", nullable = false, updatable = false, length = 32)
  private String careLedgerVersion;

  @Column(name = "started_at", nullable = false, updatable = false)
  private Instant startedAt;

  protected NodeStartEntity() {
    // for JPA
  }

  public NodeStartEntity(
      String institutionId,
      String signingFingerprint,
      String careLedgerVersion,
      Instant startedAt) {
    this.institutionId = requireText(institutionId, "institutionId", 64);
    this.signingFingerprint = requireText(signingFingerprint, "signingFingerprint", 64);
    this.careLedgerVersion = requireText(careLedgerVersion, "careLedgerVersion", 32);
    this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
  }

  private static String requireText(String value, String name, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(name + " is longer than " + maxLength + " characters");
    }
    return value;
  }

  public Long getId() {
    return id;
  }

  public String getInstitutionId() {
    return institutionId;
  }

  public String getSigningFingerprint() {
    return signingFingerprint;
  }

  public String getCareLedgerVersion() {
    return careLedgerVersion;
  }

  public Instant getStartedAt() {
    return startedAt;
  }
}
