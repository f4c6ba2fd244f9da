package org.careledger.domain.identity;

import java.util.Optional;

/**
 * Where the node keeps the passwords that protect its key material, away from that material. In
 * WildFly this is the Elytron credential store; tests use a map.
 */
public interface SecretStore {

  /** The secret under this alias, if one is stored. The caller clears the array after use. */
  Optional<char[]> find(String alias);

  /** Stores the secret under this alias durably before returning. */
  void put(String alias, char[] secret);
}
