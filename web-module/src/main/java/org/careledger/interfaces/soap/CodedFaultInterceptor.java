package org.careledger.interfaces.soap;

import java.util.Optional;
import java.util.logging.Logger;
import javax.xml.namespace.QName;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.careledger.application.DatabaseOutage;
import org.careledger.domain.ErrorCode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Gives a stable code to the SOAP faults no operation raised: a message CXF could not read
 * (malformed XML, a DOCTYPE, an unknown operation, a value of the wrong type) never reaches {@link
 * CareLedgerSoap}, so its fault would carry only CXF's text. Such a fault gets the same {@code
 * <detail><CareLedgerFault>} as every other, with {@code CL-1800} (the REST API's code for a body
 * it cannot read), or with {@code CL-1008} if its cause chain shows the database unreachable
 * ({@link DatabaseOutage}). Faults that carry a {@code CareLedgerFault} already are left as they
 * are.
 */
public class CodedFaultInterceptor extends AbstractPhaseInterceptor<Message> {

  private static final Logger LOG = Logger.getLogger(CodedFaultInterceptor.class.getName());

  private static final QName CARELEDGER_FAULT =
      new QName(CareLedgerSoap.NAMESPACE, "CareLedgerFault");

  public CodedFaultInterceptor() {
    // After WebFaultOutInterceptor (PRE_PROTOCOL) put an operation's own CareLedgerFault in the
    // detail, before the SOAP binding writes the fault (MARSHAL).
    super(Phase.PRE_MARSHAL);
  }

  @Override
  public void handleMessage(Message message) {
    if (!(message.getContent(Exception.class) instanceof Fault fault)) {
      return;
    }
    Element detail = fault.getOrCreateDetail();
    for (org.w3c.dom.Node child = detail.getFirstChild();
        child != null;
        child = child.getNextSibling()) {
      if (CARELEDGER_FAULT.getLocalPart().equals(child.getLocalName())
          && CARELEDGER_FAULT.getNamespaceURI().equals(child.getNamespaceURI())) {
        return;
      }
    }
    Optional<String> outage = DatabaseOutage.signal(fault);
    ErrorCode code =
        outage.isPresent() ? ErrorCode.DATABASE_UNREACHABLE : ErrorCode.REQUEST_BODY_MALFORMED;
    String text =
        outage.isPresent() ? DatabaseOutage.DETAIL : "the message could not be read as a call";
    outage.ifPresent(
        signal ->
            LOG.warning(
                code.code()
                    + ": database unreachable ("
                    + signal
                    + "); SOAP call refused with a CL-1008 fault"));
    Document document = detail.getOwnerDocument();
    Element coded = document.createElementNS(CareLedgerSoap.NAMESPACE, "CareLedgerFault");
    coded.appendChild(text(document, "code", code.code()));
    coded.appendChild(text(document, "title", code.name()));
    coded.appendChild(text(document, "detail", code.code() + ": " + text));
    detail.appendChild(coded);
  }

  private static Element text(Document document, String name, String value) {
    Element element = document.createElementNS(CareLedgerSoap.NAMESPACE, name);
    element.setTextContent(value);
    return element;
  }
}
