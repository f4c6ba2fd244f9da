package org.careledger.interfaces.soap;

import jakarta.xml.ws.WebFault;

/**
 * A SOAP fault carrying the same stable error code as the REST API's problem details ({@code
 * CL-1710} ...), in its detail element.
 */
@WebFault(name = "CareLedgerFault", targetNamespace = CareLedgerSoap.NAMESPACE)
public class CareLedgerFault extends Exception {

  private static final long serialVersionUID = 1L;

  private final SoapTypes.FaultDetail faultInfo;

  public CareLedgerFault(String message, SoapTypes.FaultDetail faultInfo) {
    super(message);
    this.faultInfo = faultInfo;
  }

  public CareLedgerFault(String message, SoapTypes.FaultDetail faultInfo, Throwable cause) {
    super(message, cause);
    this.faultInfo = faultInfo;
  }

  public SoapTypes.FaultDetail getFaultInfo() {
    return faultInfo;
  }
}
