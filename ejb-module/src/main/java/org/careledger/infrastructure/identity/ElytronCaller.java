package org.careledger.infrastructure.identity;

import java.util.Optional;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.security.auth.server.SecurityIdentity;

/**
 * The caller as the Elytron security domain established it, for what roles alone cannot say: which
 * patient a person with the {@code patient} role is. The attribute comes from wherever the identity
 * came from: the {@code careledger-users} realm ({@code add-identity-attribute(identity=…,
 * name=patient-id, value=[…])}) or a claim of the same name in a bearer token.
 */
public final class ElytronCaller {

  /** The identity attribute (realm attribute or token claim) naming the caller's patient id. */
  public static final String PATIENT_ID = "patient-id";

  private ElytronCaller() {}

  /** The first value of the caller's attribute, if the caller has one. */
  public static Optional<String> attribute(String name) {
    SecurityDomain domain = SecurityDomain.getCurrent();
    if (domain == null) {
      return Optional.empty();
    }
    SecurityIdentity identity = domain.getCurrentSecurityIdentity();
    if (identity == null || !identity.getAttributes().containsKey(name)) {
      return Optional.empty();
    }
    String value = identity.getAttributes().getFirst(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
