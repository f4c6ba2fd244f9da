package org.careledger.interfaces.rest.session;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/**
 * The authenticated caller and its CareLedger roles, as the Elytron security domain {@code
 * careledger} established them. Clients (console, HIS) use it to check their credentials.
 */
@Path("/v1/session")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"clinician", "patient", "auditor", "admin", "researcher", "his-system"})
public class SessionResource {

  /** The roles CareLedger knows; anything else an identity carries is not shown. */
  static final List<String> ROLES =
      List.of("clinician", "patient", "auditor", "admin", "researcher", "his-system");

  public record Session(String name, List<String> roles) {}

  @GET
  public Session session(@Context SecurityContext security) {
    return new Session(
        security.getUserPrincipal().getName(),
        ROLES.stream().filter(security::isUserInRole).toList());
  }
}
