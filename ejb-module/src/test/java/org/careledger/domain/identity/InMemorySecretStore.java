package org.careledger.domain.identity;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A secret store for tests; can be told to fail on write. */
final class InMemorySecretStore implements SecretStore {

  private final Map<String, char[]> secrets = new HashMap<>();
  boolean failOnPut;

  @Override
  public Optional<char[]> find(String alias) {
    char[] secret = secrets.get(alias);
    return Optional.ofNullable(secret == null ? null : secret.clone());
  }

  @Override
  public void put(String alias, char[] secret) {
    if (failOnPut) {
      throw new IllegalStateException("credential store is read-only");
    }
    secrets.put(alias, secret.clone());
  }

  /** Forgets {@code alias} (a credential store restored without it). */
  void remove(String alias) {
    secrets.remove(alias);
  }
}
