package org.careledger.infrastructure.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.careledger.application.readiness.CertificateWatch;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Member certificates of the node's channels that expire within 30 days or have expired: always UP
 * (a certificate about to expire does not make this node unable to serve), with {@code expiring}
 * the count and {@code warning-N} each one, so monitoring that reads the check's data sees them
 * before a member's signatures stop counting.
 */
@org.eclipse.microprofile.health.Readiness
@ApplicationScoped
public class CertificateExpiryCheck implements HealthCheck {

  static final String NAME = "careledger-certificates";

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
    List<String> warnings;
    try {
      warnings =
          ((CertificateWatch) new InitialContext().lookup(CertificateWatch.JNDI_NAME))
              .expiringCertificates();
    } catch (NamingException | RuntimeException e) {
      return response.withData("expiring", 0).withData("state", "not available yet").build();
    }
    response.withData("expiring", warnings.size());
    for (int i = 0; i < warnings.size(); i++) {
      response.withData("warning-" + (i + 1), warnings.get(i));
    }
    return response.build();
  }
}
