package org.careledger.application.readiness;

import java.util.List;

/**
 * Implemented by the consensus driver; read by the certificate health check: member certificates of
 * this node's channels that expire within 30 days or have expired, one line each.
 */
public interface CertificateWatch {

  /** Where the watch is bound, whatever the EAR's file is called (application-name careledger). */
  String JNDI_NAME =
      "java:global/careledger/careledger-ejb/ConsensusDriver!"
          + "org.careledger.application.readiness.CertificateWatch";

  List<String> expiringCertificates();
}
