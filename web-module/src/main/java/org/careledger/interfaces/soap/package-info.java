/**
 * The SOAP interface (JAX-WS, WSDL at {@code /careledger/soap/v1?wsdl}) for hospital information
 * systems that speak SOAP: the same operations with the same meaning and the same error codes as
 * the REST API, documents as MTOM attachments (streamed).
 */
@XmlSchema(namespace = CareLedgerSoap.NAMESPACE, elementFormDefault = XmlNsForm.QUALIFIED)
package org.careledger.interfaces.soap;

import jakarta.xml.bind.annotation.XmlNsForm;
import jakarta.xml.bind.annotation.XmlSchema;
