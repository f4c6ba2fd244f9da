package org.careledger.interfaces.soap;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBAccessException;
import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebResult;
import jakarta.jws.WebService;
import jakarta.xml.ws.WebServiceContext;
import jakarta.xml.ws.soap.MTOM;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.careledger.application.DatabaseOutage;
import org.careledger.application.PatientPortal;
import org.careledger.application.RecordService;
import org.careledger.application.SharingService;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * CareLedger over SOAP 1.1 (JAX-WS on WildFly's Apache CXF), for hospital information systems that
 * integrate by WSDL: the operations of the REST API with the same meaning, the same role rules
 * (checked here per operation, as the REST resources' {@code @RolesAllowed}), and faults carrying
 * the same stable codes ({@link CareLedgerFault}). Documents travel as MTOM attachments, streamed.
 *
 * <p>XML parsing is CXF's hardened StAX (Woodstox): a message with a DOCTYPE is refused before any
 * entity is read, so neither external entities nor entity expansion can happen (tested).
 */
@WebService(
    name = "CareLedger",
    serviceName = "CareLedgerService",
    portName = "CareLedgerPort",
    targetNamespace = CareLedgerSoap.NAMESPACE)
@MTOM
@org.apache.cxf.interceptor.OutFaultInterceptors(classes = CodedFaultInterceptor.class)
public class CareLedgerSoap {

  public static final String NAMESPACE = "urn:careledger:soap:v1";

  private static final Logger LOG = Logger.getLogger(CareLedgerSoap.class.getName());

  @Resource private WebServiceContext context;
  @EJB private RecordService records;
  @EJB private SharingService sharing;
  @EJB private PatientPortal portal;

  @WebMethod
  @WebResult(name = "registered")
  public SoapTypes.Registered registerRecord(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "recordId") String recordId,
      @WebParam(name = "documentClass") String documentClass,
      @WebParam(name = "mediaType") String mediaType,
      @WebParam(name = "patientId") String patientId,
      @WebParam(name = "title") String title,
      @WebParam(name = "documentDate") String documentDate,
      @WebParam(name = "document") DataHandler document)
      throws CareLedgerFault {
    return call(
        () -> {
          if (document == null) {
            throw new CareLedgerException(ErrorCode.TX_MALFORMED, "document is missing");
          }
          try (InputStream content = document.getInputStream()) {
            return new SoapTypes.Registered(
                records.register(
                    channel,
                    new RecordService.Metadata(
                        recordId, mediaType, documentClass, patientId, title, documentDate),
                    content));
          } catch (IOException e) {
            throw new CareLedgerException(
                ErrorCode.BLOB_STORE_FAILED, "cannot read the attachment: " + e.getMessage(), e);
          }
        });
  }

  /**
   * A new version of a record this institution provides, as {@code POST
   * …/records/{recordId}/versions}: the document as an MTOM attachment, its media type, optionally
   * a new title and clinical date, and {@code previousVersion} (0 or absent: not checked). Faults
   * with the REST codes ({@code CL-1712} not the provider, {@code CL-1313} erased, {@code CL-1722}
   * the record moved on, {@code CL-1172} unknown record).
   */
  @WebMethod
  @WebResult(name = "amended")
  public SoapTypes.Amended amendRecord(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "recordId") String recordId,
      @WebParam(name = "mediaType") String mediaType,
      @WebParam(name = "title") String title,
      @WebParam(name = "documentDate") String documentDate,
      @WebParam(name = "previousVersion") Long previousVersion,
      @WebParam(name = "document") DataHandler document)
      throws CareLedgerFault {
    return call(
        () -> {
          if (document == null) {
            throw new CareLedgerException(ErrorCode.TX_MALFORMED, "document is missing");
          }
          try (InputStream content = document.getInputStream()) {
            return new SoapTypes.Amended(
                records.amend(
                    channel,
                    recordId,
                    new RecordService.Amendment(
                        mediaType,
                        title,
                        documentDate,
                        previousVersion == null || previousVersion == 0 ? null : previousVersion),
                    content));
          } catch (IOException e) {
            throw new CareLedgerException(
                ErrorCode.BLOB_STORE_FAILED, "cannot read the attachment: " + e.getMessage(), e);
          }
        });
  }

  @WebMethod
  @WebResult(name = "record")
  public List<SoapTypes.Record> findRecords(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "patientId") String patientId,
      @WebParam(name = "documentClass") String documentClass,
      @WebParam(name = "from") String from,
      @WebParam(name = "to") String to)
      throws CareLedgerFault {
    return call(
        () ->
            SoapTypes.map(
                records.find(
                    channel,
                    new RecordService.Query(
                        patientId, documentClass, instant(from, "from"), instant(to, "to"))),
                SoapTypes.Record::new));
  }

  @WebMethod
  @WebResult(name = "requested")
  public SoapTypes.Requested requestAccess(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "recordId") String recordId,
      @WebParam(name = "purpose") String purpose)
      throws CareLedgerFault {
    return call(() -> new SoapTypes.Requested(sharing.request(channel, recordId, purpose)));
  }

  /**
   * Requests a patient's records of a class at a provider (see {@code
   * SharingService#requestClass}): the patient's id is turned into the channel's pseudonym here and
   * goes no further.
   */
  @WebMethod
  @WebResult(name = "requested")
  public SoapTypes.Requested requestClassAccess(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "patientId") String patientId,
      @WebParam(name = "documentClass") String documentClass,
      @WebParam(name = "provider") String provider,
      @WebParam(name = "purpose") String purpose)
      throws CareLedgerFault {
    return call(
        () ->
            new SoapTypes.Requested(
                sharing.requestClass(channel, patientId, documentClass, provider, purpose)));
  }

  @WebMethod
  @WebResult(name = "request")
  public List<SoapTypes.Request> listRequests(
      @WebParam(name = "channel") String channel, @WebParam(name = "openOnly") boolean openOnly)
      throws CareLedgerFault {
    return call(() -> SoapTypes.map(sharing.requests(channel, openOnly), SoapTypes.Request::new));
  }

  @WebMethod
  @WebResult(name = "decision")
  public SoapTypes.Decision grantAccess(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "requestId") String requestId,
      @WebParam(name = "expiresAt") String expiresAt)
      throws CareLedgerFault {
    return call(
        () ->
            new SoapTypes.Decision(
                sharing.grant(
                    channel,
                    requestId,
                    expiresAt == null || expiresAt.isEmpty()
                        ? null
                        : instant(expiresAt, "expiresAt"))));
  }

  @WebMethod
  @WebResult(name = "decision")
  public SoapTypes.Decision denyAccess(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "requestId") String requestId,
      @WebParam(name = "reasonCode") String reasonCode)
      throws CareLedgerFault {
    return call(() -> new SoapTypes.Decision(sharing.deny(channel, requestId, reasonCode)));
  }

  @WebMethod
  @WebResult(name = "decision")
  public SoapTypes.Decision revokeGrant(
      @WebParam(name = "channel") String channel, @WebParam(name = "grantTx") String grantTx)
      throws CareLedgerFault {
    return call(() -> new SoapTypes.Decision(sharing.revoke(channel, grantTx)));
  }

  @WebMethod
  @WebResult(name = "document")
  public SoapTypes.Document retrieveRecord(
      @WebParam(name = "channel") String channel, @WebParam(name = "recordId") String recordId)
      throws CareLedgerFault {
    return call(() -> document(sharing.retrieve(channel, recordId)));
  }

  @WebMethod
  @WebResult(name = "document")
  public SoapTypes.Document breakGlass(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "recordId") String recordId,
      @WebParam(name = "reasonCode") String reasonCode)
      throws CareLedgerFault {
    return call(() -> document(sharing.breakGlass(channel, recordId, reasonCode)));
  }

  @WebMethod
  @WebResult(name = "event")
  public List<SoapTypes.AccessEvent> listAccesses(
      @WebParam(name = "channel") String channel, @WebParam(name = "recordId") String recordId)
      throws CareLedgerFault {
    return call(
        () -> SoapTypes.map(sharing.accesses(channel, recordId), SoapTypes.AccessEvent::new));
  }

  @WebMethod
  @WebResult(name = "txId")
  public String eraseRecord(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "recordId") String recordId,
      @WebParam(name = "reasonCode") String reasonCode)
      throws CareLedgerFault {
    return call(() -> records.erase(channel, recordId, reasonCode));
  }

  /** A patient's consent as staff recorded it (REST {@code POST …/consents}). */
  @WebMethod
  @WebResult(name = "decision")
  public SoapTypes.Decision recordConsent(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "patientId") String patientId,
      @WebParam(name = "grantee") String grantee,
      @WebParam(name = "decision") String decision)
      throws CareLedgerFault {
    return call(
        () -> new SoapTypes.Decision(sharing.consent(channel, patientId, grantee, decision)));
  }

  /** The auditor's query (REST {@code GET …/audit}); every parameter but the channel optional. */
  @WebMethod
  @WebResult(name = "event")
  public List<SoapTypes.AuditEvent> auditEvents(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "recordId") String recordId,
      @WebParam(name = "institution") String institution,
      @WebParam(name = "from") String from,
      @WebParam(name = "to") String to)
      throws CareLedgerFault {
    return call(
        () ->
            SoapTypes.map(
                sharing.audit(
                    channel,
                    new SharingService.AuditQuery(
                        recordId, institution, instant(from, "from"), instant(to, "to"))),
                SoapTypes.AuditEvent::new));
  }

  /** The signed-in patient's records (REST {@code GET /v1/me/channels/{c}/records}). */
  @WebMethod
  @WebResult(name = "record")
  public List<SoapTypes.PatientRecord> myRecords(@WebParam(name = "channel") String channel)
      throws CareLedgerFault {
    return call(() -> SoapTypes.map(portal.records(channel), SoapTypes.PatientRecord::new));
  }

  /** The signed-in patient's audit view (REST {@code GET /v1/me/channels/{c}/audit}). */
  @WebMethod
  @WebResult(name = "event")
  public List<SoapTypes.PatientEvent> myAudit(@WebParam(name = "channel") String channel)
      throws CareLedgerFault {
    return call(() -> SoapTypes.map(portal.audit(channel), SoapTypes.PatientEvent::new));
  }

  /** The signed-in patient's own consent (REST {@code POST /v1/me/channels/{c}/consents}). */
  @WebMethod
  @WebResult(name = "decision")
  public SoapTypes.Decision myConsent(
      @WebParam(name = "channel") String channel,
      @WebParam(name = "grantee") String grantee,
      @WebParam(name = "decision") String decision)
      throws CareLedgerFault {
    return call(() -> new SoapTypes.Decision(portal.consent(channel, grantee, decision)));
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Runs the operation and turns any failure into a coded fault. Roles are checked by the services
   * themselves (EJB {@code @RolesAllowed} in the application's security domain), so SOAP, REST and
   * the console get the same rules; a refusal is {@code CL-1719}.
   */
  private <T> T call(Supplier<T> operation) throws CareLedgerFault {
    if (context.getUserPrincipal() == null) {
      throw fault(
          new CareLedgerException(
              ErrorCode.ROLE_REQUIRED, "this operation needs a signed-in caller"),
          "Forbidden");
    }
    try {
      return operation.get();
    } catch (RuntimeException e) {
      throw faultOf(e);
    }
  }

  /**
   * The coded fault for an operation's failure: a database outage anywhere in the cause chain
   * ({@link DatabaseOutage}) is {@code CL-1008}, logged as one WARNING line; the services' role
   * refusal {@code CL-1719}; otherwise the first coded failure in the chain, or {@code CL-1999}.
   */
  static CareLedgerFault faultOf(RuntimeException e) {
    Optional<String> outage = DatabaseOutage.signal(e);
    if (outage.isPresent()) {
      LOG.warning(
          ErrorCode.DATABASE_UNREACHABLE.code()
              + ": database unreachable ("
              + outage.get()
              + "); SOAP call refused with a CL-1008 fault");
      return databaseUnreachable();
    }
    if (e instanceof EJBAccessException) {
      return fault(
          new CareLedgerException(
              ErrorCode.ROLE_REQUIRED, "the caller's roles do not allow this operation"),
          "Forbidden");
    }
    CareLedgerException coded = CareLedgerException.in(e);
    if (coded != null) {
      return fault(coded, coded.errorCode().name());
    }
    LOG.log(Level.SEVERE, "SOAP operation failed", e);
    return fault(
        new CareLedgerException(
            ErrorCode.INTERNAL_ERROR, "internal error; the node's log has the details"),
        "Internal Server Error");
  }

  /** The {@code CL-1008} fault, with a fixed detail (the driver's message is not passed on). */
  static CareLedgerFault databaseUnreachable() {
    return fault(
        new CareLedgerException(ErrorCode.DATABASE_UNREACHABLE, DatabaseOutage.DETAIL),
        ErrorCode.DATABASE_UNREACHABLE.name());
  }

  private static CareLedgerFault fault(CareLedgerException e, String title) {
    return new CareLedgerFault(
        e.getMessage(), new SoapTypes.FaultDetail(e.errorCode().code(), title, e.getMessage()));
  }

  private static SoapTypes.Document document(SharingService.Retrieved retrieved) {
    SoapTypes.Document document = new SoapTypes.Document();
    document.accessTx = retrieved.accessTx();
    document.provider = retrieved.provider();
    document.content = new DataHandler(new StreamSource(retrieved.plaintext()));
    return document;
  }

  private static Instant instant(String value, String name) {
    return org.careledger.interfaces.rest.ledger.RecordResource.instant(value, name);
  }

  /** A read-once stream as an attachment: MTOM writes it out without buffering it whole. */
  private record StreamSource(InputStream in) implements DataSource {
    @Override
    public InputStream getInputStream() {
      return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      throw new IOException("read only");
    }

    @Override
    public String getContentType() {
      return "application/octet-stream";
    }

    @Override
    public String getName() {
      return "document";
    }
  }
}
