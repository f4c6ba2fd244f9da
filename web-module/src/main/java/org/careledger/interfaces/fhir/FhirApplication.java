package org.careledger.interfaces.fhir;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The FHIR R4 interface, {@code /careledger/fhir/{channel}}: one FHIR base per sharing channel (a
 * hospital system points its FHIR client at the channel it shares on). Its errors are
 * OperationOutcomes ({@link FhirExceptionMapper}), not the REST API's problem details, so it is an
 * application of its own with its classes listed.
 */
@ApplicationPath("/fhir")
@DeclareRoles({"clinician", "patient", "auditor", "admin", "researcher", "his-system"})
public class FhirApplication extends Application {

  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(FhirEndpoint.class, FhirExceptionMapper.class);
  }
}
