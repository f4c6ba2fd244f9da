package org.careledger.interfaces.rest;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

@ApplicationPath("/api")
@DeclareRoles({"clinician", "patient", "auditor", "admin", "researcher", "his-system"})
public class CareLedgerApplication extends Application {

  /**
   * The API's resources and providers, listed: the WAR holds a second JAX-RS application (FHIR, at
   * {@code /fhir}) whose resources must not appear under {@code /api}, nor these there, and whose
   * errors are OperationOutcomes rather than problem details. (With no list, RESTEasy would give
   * each application every class it finds.)
   */
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        org.careledger.interfaces.rest.node.NodeResource.class,
        org.careledger.interfaces.rest.federation.FederationResource.class,
        org.careledger.interfaces.rest.ledger.RecordResource.class,
        org.careledger.interfaces.rest.ledger.ChannelResource.class,
        org.careledger.interfaces.rest.ledger.AuditResource.class,
        org.careledger.interfaces.rest.ledger.GrantResource.class,
        org.careledger.interfaces.rest.ledger.BreakGlassResource.class,
        org.careledger.interfaces.rest.ledger.ConsentResource.class,
        org.careledger.interfaces.rest.ledger.ChannelConfigResource.class,
        org.careledger.interfaces.rest.ledger.ConfigUpdateResource.class,
        org.careledger.interfaces.rest.ledger.SharingResource.class,
        org.careledger.interfaces.rest.ledger.ResearchExportResource.class,
        org.careledger.interfaces.rest.session.SessionResource.class,
        org.careledger.interfaces.rest.patient.PatientResource.class,
        org.careledger.interfaces.rest.console.ConsoleResource.class,
        MalformedJsonMapper.class,
        CareLedgerExceptionMapper.class,
        EjbExceptionMapper.class,
        WebApplicationExceptionMapper.class);
  }
}
