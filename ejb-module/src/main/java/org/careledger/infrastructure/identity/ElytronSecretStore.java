package org.careledger.infrastructure.identity;

import java.util.Objects;
import java.util.Optional;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.SecretStore;
import org.jboss.as.server.CurrentServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.jboss.msc.service.ServiceName;
import org.wildfly.security.credential.PasswordCredential;
import org.wildfly.security.credential.store.CredentialStore;
import org.wildfly.security.credential.store.CredentialStoreException;
import org.wildfly.security.password.interfaces.ClearPassword;

/**
 * The Elytron credential store that WildFly itself has loaded (resource {@code
 * /subsystem=elytron/credential-store=NAME}), reached through its MSC service. Using the server's
 * own instance, rather than opening the file a second time, means the store's master password stays
 * in the server configuration and the server's TLS key-store resolves the very alias we write here.
 */
public final class ElytronSecretStore implements SecretStore {

  private final String storeName;

  public ElytronSecretStore(String storeName) {
    this.storeName = Objects.requireNonNull(storeName, "storeName");
  }

  @Override
  public Optional<char[]> find(String alias) {
    try {
      CredentialStore store = store();
      if (!store.exists(alias, PasswordCredential.class)) {
        return Optional.empty();
      }
      PasswordCredential credential = store.retrieve(alias, PasswordCredential.class);
      return Optional.of(credential.getPassword(ClearPassword.class).getPassword());
    } catch (CredentialStoreException e) {
      throw unavailable("cannot read alias '" + alias + "'", e);
    }
  }

  @Override
  public void put(String alias, char[] secret) {
    try {
      CredentialStore store = store();
      store.store(
          alias,
          new PasswordCredential(ClearPassword.createRaw(ClearPassword.ALGORITHM_CLEAR, secret)));
      store.flush();
    } catch (CredentialStoreException e) {
      throw unavailable("cannot write alias '" + alias + "'", e);
    }
  }

  private CredentialStore store() {
    ServiceName name =
        ServiceName.of("org", "wildfly", "security", "credential-store").append(storeName);
    ServiceController<?> controller =
        CurrentServiceContainer.getServiceContainer().getService(name);
    if (controller == null || !(controller.getValue() instanceof CredentialStore store)) {
      throw unavailable("it is not configured in this server", null);
    }
    return store;
  }

  private CareLedgerException unavailable(String what, Exception cause) {
    return new CareLedgerException(
        ErrorCode.CREDENTIAL_STORE_UNAVAILABLE,
        "credential store '"
            + storeName
            + "': "
            + what
            + " (server-config/node.sh configures it; run 'node.sh up' again)",
        cause);
  }
}
