package org.careledger.application.readiness;

/** Implemented by the node service; read by the health check. */
public interface ReadinessProbe {

  /** Where the probe is bound, whatever the EAR's file is called (application-name careledger). */
  String JNDI_NAME =
      "java:global/careledger/careledger-ejb/DefaultNodeService!"
          + "org.careledger.application.readiness.ReadinessProbe";

  Readiness readiness();
}
