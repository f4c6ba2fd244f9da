package org.careledger.interfaces.soap;

import jakarta.activation.DataHandler;
import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlMimeType;
import jakarta.xml.bind.annotation.XmlType;
import java.util.List;
import org.careledger.application.PatientPortal;
import org.careledger.application.RecordService;
import org.careledger.application.SharingService;

/**
 * The SOAP interface's data types: plain JAXB beans (public fields, no-argument constructors), each
 * made from the service's record of the same meaning.
 */
public final class SoapTypes {

  private SoapTypes() {}

  /** The detail of every CareLedger fault: the stable code, its name, and a message. */
  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "FaultDetail")
  public static class FaultDetail {
    public String code;
    public String title;
    public String detail;

    public FaultDetail() {}

    public FaultDetail(String code, String title, String detail) {
      this.code = code;
      this.title = title;
      this.detail = detail;
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Registered")
  public static class Registered {
    public String channelId;
    public String recordId;
    public String contentHash;
    public long size;
    public String patient;
    public String txId;
    public long height;

    public Registered() {}

    Registered(RecordService.Registered r) {
      channelId = r.channelId();
      recordId = r.recordId();
      contentHash = r.contentHash();
      size = r.size();
      patient = r.patient();
      txId = r.txId();
      height = r.height();
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Amended")
  public static class Amended {
    public String channelId;
    public String recordId;
    public long version;
    public long previousVersion;
    public String contentHash;
    public long size;
    public String mediaType;
    public List<String> grantee;
    public String txId;
    public long height;

    public Amended() {}

    Amended(RecordService.Amended a) {
      channelId = a.channelId();
      recordId = a.recordId();
      version = a.version();
      previousVersion = a.previousVersion();
      contentHash = a.contentHash();
      size = a.size();
      mediaType = a.mediaType();
      grantee = a.grantees();
      txId = a.txId();
      height = a.height();
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Record")
  public static class Record {
    public String recordId;
    public long version;
    public String patient;
    public String documentClass;
    public String mediaType;
    public long size;
    public String provider;
    public String contentHash;
    public String txId;
    public long height;
    public String registeredAt;
    public boolean erased;
    public String title;
    public String documentDate;

    public Record() {}

    Record(RecordService.Found f) {
      recordId = f.recordId();
      version = f.version();
      patient = f.patient();
      documentClass = f.documentClass();
      mediaType = f.mediaType();
      size = f.size();
      provider = f.provider();
      contentHash = f.contentHash();
      txId = f.txId();
      height = f.height();
      registeredAt = f.registeredAt() == null ? null : f.registeredAt().toString();
      erased = f.erased();
      title = f.title();
      documentDate = f.documentDate();
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Requested")
  public static class Requested {
    public String requestId;
    public String recordId;
    public String provider;
    public String txId;
    public long height;
    public String documentClass;

    public Requested() {}

    Requested(SharingService.Requested r) {
      requestId = r.requestId();
      recordId = r.recordId();
      provider = r.provider();
      txId = r.txId();
      height = r.height();
      documentClass = r.documentClass();
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Request")
  public static class Request {
    public String requestId;
    public String recordId;
    public String requester;
    public String provider;
    public String purpose;
    public String status;
    public String txId;
    public String requestedAt;
    public String decisionTx;
    public String scope;
    public String documentClass;

    public Request() {}

    Request(SharingService.RequestView r) {
      requestId = r.requestId();
      recordId = r.recordId();
      requester = r.requester();
      provider = r.provider();
      purpose = r.purpose();
      status = r.status();
      txId = r.txId();
      requestedAt = r.requestedAt().toString();
      decisionTx = r.decisionTx();
      scope = r.scope();
      documentClass = r.documentClass();
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Decision")
  public static class Decision {
    public String requestId;
    public String recordId;
    public String grantee;
    public String txId;
    public long height;

    /** For the grant of a class request: every grant made, one per record; absent otherwise. */
    public List<RecordGrant> grant;

    public Decision() {}

    Decision(SharingService.Decision d) {
      requestId = d.requestId();
      recordId = d.recordId();
      grantee = d.grantee();
      txId = d.txId();
      height = d.height();
      grant = d.grants() == null ? null : map(d.grants(), RecordGrant::new);
    }
  }

  /** One grant made for a class request: the record and the grant transaction. */
  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "RecordGrant")
  public static class RecordGrant {
    public String recordId;
    public String txId;
    public long height;

    public RecordGrant() {}

    RecordGrant(SharingService.RecordGrant g) {
      recordId = g.recordId();
      txId = g.txId();
      height = g.height();
    }
  }

  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "AccessEvent")
  public static class AccessEvent {
    public String kind;
    public String recordId;
    public String accessor;
    public String basis;
    public String grantTx;
    public String reasonCode;
    public String txId;
    public String loggedAt;

    public AccessEvent() {}

    AccessEvent(SharingService.AccessEvent e) {
      kind = e.kind();
      recordId = e.recordId();
      accessor = e.accessor();
      basis = e.basis();
      grantTx = e.grantTx();
      reasonCode = e.reasonCode();
      txId = e.txId();
      loggedAt = e.loggedAt().toString();
    }
  }

  /** An auditor's event ({@code SharingService.AuditEvent}). */
  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "AuditEvent")
  public static class AuditEvent {
    public String kind;
    public String recordId;
    public String institution;
    public String subject;
    public String basis;
    public String reasonCode;
    public String txId;
    public long height;
    public String at;

    public AuditEvent() {}

    AuditEvent(SharingService.AuditEvent e) {
      kind = e.kind();
      recordId = e.recordId();
      institution = e.institution();
      subject = e.subject();
      basis = e.basis();
      reasonCode = e.reasonCode();
      txId = e.txId();
      height = e.height();
      at = e.at().toString();
    }
  }

  /** One of the signed-in patient's records ({@code PatientPortal.PatientRecord}). */
  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "PatientRecord")
  public static class PatientRecord {
    public String recordId;
    public String provider;
    public String documentClass;
    public String mediaType;
    public long size;
    public String txId;
    public String registeredAt;
    public boolean erased;

    public PatientRecord() {}

    PatientRecord(PatientPortal.PatientRecord r) {
      recordId = r.recordId();
      provider = r.provider();
      documentClass = r.documentClass();
      mediaType = r.mediaType();
      size = r.size();
      txId = r.txId();
      registeredAt = r.registeredAt().toString();
      erased = r.erased();
    }
  }

  /** An event in the signed-in patient's audit view ({@code PatientPortal.PatientEvent}). */
  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "PatientEvent")
  public static class PatientEvent {
    public String kind;
    public String recordId;
    public String institution;
    public String subject;
    public String purpose;
    public String basis;
    public String reasonCode;
    public String decision;
    public boolean flagged;
    public String txId;
    public long height;
    public String at;
    public String documentClass;

    public PatientEvent() {}

    PatientEvent(PatientPortal.PatientEvent e) {
      kind = e.kind();
      recordId = e.recordId();
      institution = e.institution();
      subject = e.subject();
      purpose = e.purpose();
      basis = e.basis();
      reasonCode = e.reasonCode();
      decision = e.decision();
      flagged = e.flagged();
      txId = e.txId();
      height = e.height();
      at = e.at().toString();
      documentClass = e.documentClass();
    }
  }

  /** A document handed out: the access transaction that logged it, and the content (MTOM). */
  @XmlAccessorType(XmlAccessType.FIELD)
  @XmlType(name = "Document")
  public static class Document {
    public String accessTx;
    public String provider;

    @XmlMimeType("application/octet-stream")
    public DataHandler content;

    public Document() {}
  }

  static <A, B> List<B> map(List<A> from, java.util.function.Function<A, B> to) {
    return from.stream().map(to).toList();
  }
}
