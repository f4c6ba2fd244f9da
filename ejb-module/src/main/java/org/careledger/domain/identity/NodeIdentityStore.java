package org.careledger.domain.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Loads the node's identity, or generates it on the node's first start. The keystore password is
 * generated here and kept in the {@link SecretStore}, never next to the keystore.
 *
 * <p>Order on first start: the password is stored durably first, then the keystore is written
 * atomically. A crash in between leaves a stored password and no keystore, and the next start
 * generates the keystore with that password: nothing is ever half-written.
 */
public final class NodeIdentityStore {

  /** Alias of the keystore password in the secret store. */
  public static final String KEYSTORE_PASSWORD_ALIAS = "identity-keystore";

  private final Path keystore;
  private final SecretStore secrets;
  private final NodeIdentityGenerator generator;
  private final SecureRandom random;

  public NodeIdentityStore(
      Path keystore, SecretStore secrets, NodeIdentityGenerator generator, SecureRandom random) {
    this.keystore = Objects.requireNonNull(keystore, "keystore");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.generator = Objects.requireNonNull(generator, "generator");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The result of {@link #loadOrCreate}: the identity and whether this start created it. */
  public record Loaded(NodeIdentity identity, boolean created) {}

  public Loaded loadOrCreate(InstitutionId institution, Instant now, List<String> tlsHostNames) {
    Optional<char[]> stored = secrets.find(KEYSTORE_PASSWORD_ALIAS);
    if (Files.exists(keystore)) {
      char[] password =
          stored.orElseThrow(
              () ->
                  new CareLedgerException(
                      ErrorCode.IDENTITY_PASSWORD_MISSING,
                      "node keystore "
                          + keystore
                          + " exists but the credential store has no '"
                          + KEYSTORE_PASSWORD_ALIAS
                          + "' password for it: restore the credential store that belongs to"
                          + " this keystore"));
      try {
        NodeIdentity identity = NodeKeyStore.read(keystore, password);
        if (!identity.institutionId().equals(institution)) {
          throw new CareLedgerException(
              ErrorCode.IDENTITY_INSTITUTION_MISMATCH,
              "node keystore "
                  + keystore
                  + " belongs to institution '"
                  + identity.institutionId()
                  + "' but this node is configured as '"
                  + institution
                  + "': point careledger.home at that institution's directory or fix"
                  + " careledger.institution.id");
        }
        return new Loaded(identity, false);
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    char[] password = stored.orElseGet(this::newPassword);
    try {
      if (stored.isEmpty()) {
        secrets.put(KEYSTORE_PASSWORD_ALIAS, password);
      }
      NodeIdentity identity = generator.generate(institution, now, tlsHostNames);
      NodeKeyStore.write(identity, keystore, password);
      return new Loaded(identity, true);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] newPassword() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }
}
