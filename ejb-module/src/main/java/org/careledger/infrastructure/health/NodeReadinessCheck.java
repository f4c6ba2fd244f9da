package org.careledger.infrastructure.health;

import jakarta.enterprise.context.ApplicationScoped;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.careledger.application.readiness.ReadinessProbe;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Ready once migrations ran and the identity is loaded; otherwise says why not, with its code. The
 * node service is looked up by its global JNDI name because this class lives in the EAR's lib/,
 * which cannot see the EJB jar's classes.
 */
@org.eclipse.microprofile.health.Readiness
@ApplicationScoped
public class NodeReadinessCheck implements HealthCheck {

  static final String NAME = "careledger-node";

  @Override
  public HealthCheckResponse call() {
    org.careledger.application.readiness.Readiness readiness;
    try {
      readiness =
          ((ReadinessProbe) new InitialContext().lookup(ReadinessProbe.JNDI_NAME)).readiness();
    } catch (NamingException e) {
      return HealthCheckResponse.named(NAME)
          .down()
          .withData("state", "STARTING")
          .withData("problem", "the node service is not deployed yet")
          .build();
    }
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named(NAME)
            .status(readiness.ready())
            .withData("state", readiness.state());
    if (readiness.code() != null) {
      response.withData("code", readiness.code());
    }
    if (readiness.problem() != null) {
      response.withData("problem", readiness.problem());
    }
    return response.build();
  }
}
