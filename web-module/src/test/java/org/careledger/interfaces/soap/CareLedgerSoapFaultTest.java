package org.careledger.interfaces.soap;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import org.careledger.interfaces.OutageChains;
import org.junit.jupiter.api.Test;

/** The SOAP operations' faults carry CL-1008 for a database outage, as other codes. */
class CareLedgerSoapFaultTest {

  @Test
  void aConnectionLostIsACl1008Fault() {
    SoapTypes.FaultDetail fault =
        CareLedgerSoap.faultOf(OutageChains.connectionLost()).getFaultInfo();

    assertThat(fault.code).isEqualTo("CL-1008");
    assertThat(fault.title).isEqualTo("DATABASE_UNREACHABLE");
    assertThat(fault.detail).startsWith("CL-1008: ").doesNotContain(OutageChains.PATIENT);
  }

  @Test
  void thePoolsRefusalAndARefusedCommitAreCl1008Faults() {
    assertThat(CareLedgerSoap.faultOf(OutageChains.poolRefused()).getFaultInfo().code)
        .isEqualTo("CL-1008");
    assertThat(CareLedgerSoap.faultOf(OutageChains.commitRefusedByShutdown()).getFaultInfo().code)
        .isEqualTo("CL-1008");
  }

  @Test
  void otherFailuresKeepTheirCodes() {
    assertThat(CareLedgerSoap.faultOf(OutageChains.constraintViolated()).getFaultInfo().code)
        .isEqualTo("CL-1999");
    assertThat(CareLedgerSoap.faultOf(OutageChains.jmsPoolRefused()).getFaultInfo().code)
        .isEqualTo("CL-1602");
    assertThat(CareLedgerSoap.faultOf(new EJBAccessException("no")).getFaultInfo().code)
        .isEqualTo("CL-1719");
    assertThat(
            CareLedgerSoap.faultOf(new EJBException(new IllegalStateException("bug")))
                .getFaultInfo()
                .code)
        .isEqualTo("CL-1999");
  }
}
