package org.careledger.interfaces.soap;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.careledger.interfaces.OutageChains;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class CodedFaultInterceptorTest {

  private final CodedFaultInterceptor interceptor = new CodedFaultInterceptor();

  @Test
  void aFaultNoOperationRaisedGetsTheCodeForABodyThatCannotBeRead() {
    Fault parseError = new Fault(new IllegalStateException("Unexpected EOF in prolog"));

    interceptor.handleMessage(carrying(parseError));

    NodeList coded =
        parseError.getDetail().getElementsByTagNameNS(CareLedgerSoap.NAMESPACE, "CareLedgerFault");
    assertThat(coded.getLength()).isEqualTo(1);
    Element fault = (Element) coded.item(0);
    assertThat(
            fault.getElementsByTagNameNS(CareLedgerSoap.NAMESPACE, "code").item(0).getTextContent())
        .isEqualTo("CL-1800");
  }

  @Test
  void aFaultThatCarriesItsOwnCodeKeepsItAlone() {
    Fault operationFault = new Fault(new IllegalStateException("refused"));
    Element detail = operationFault.getOrCreateDetail();
    Element own =
        detail.getOwnerDocument().createElementNS(CareLedgerSoap.NAMESPACE, "CareLedgerFault");
    Element code = detail.getOwnerDocument().createElementNS(CareLedgerSoap.NAMESPACE, "code");
    code.setTextContent("CL-1710");
    own.appendChild(code);
    detail.appendChild(own);

    interceptor.handleMessage(carrying(operationFault));

    NodeList coded = detail.getElementsByTagNameNS(CareLedgerSoap.NAMESPACE, "CareLedgerFault");
    assertThat(coded.getLength()).isEqualTo(1);
    assertThat(
            detail
                .getElementsByTagNameNS(CareLedgerSoap.NAMESPACE, "code")
                .item(0)
                .getTextContent())
        .isEqualTo("CL-1710");
  }

  @Test
  void aFaultCausedByADatabaseOutageGetsCl1008() {
    Fault escaped = new Fault(OutageChains.poolRefused());

    interceptor.handleMessage(carrying(escaped));

    assertThat(codeIn(escaped)).isEqualTo("CL-1008");
  }

  @Test
  void aFaultCausedByTheJmsPoolIsNotADatabaseOutage() {
    Fault escaped = new Fault(OutageChains.jmsPoolRefused());

    interceptor.handleMessage(carrying(escaped));

    assertThat(codeIn(escaped)).isEqualTo("CL-1800");
  }

  @Test
  void aMessageWithoutAFaultIsLeftAlone() {
    Message message = new MessageImpl();

    interceptor.handleMessage(message);

    assertThat(message.getContent(Exception.class)).isNull();
  }

  private static String codeIn(Fault fault) {
    NodeList codes = fault.getDetail().getElementsByTagNameNS(CareLedgerSoap.NAMESPACE, "code");
    assertThat(codes.getLength()).isEqualTo(1);
    return codes.item(0).getTextContent();
  }

  private static Message carrying(Fault fault) {
    Message message = new MessageImpl();
    message.setContent(Exception.class, fault);
    return message;
  }
}
