/** The services CareLedger offers to its interfaces (REST, SOAP, console), as EJB contracts. */
package org.careledger.application;
