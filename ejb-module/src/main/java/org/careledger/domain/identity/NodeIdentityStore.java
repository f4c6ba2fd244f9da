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

  /** Alias of the next identity's keystore password (a key renewal in progress). */
  public static final String NEXT_KEYSTORE_PASSWORD_ALIAS = "identity-next-keystore";

  /** Where the next identity is kept: beside the node's keystore, {@code identity-next.p12}. */
  private Path nextKeystore() {
    return keystore.resolveSibling("identity-next.p12");
  }

  /** The next identity (a new signing key not yet in force everywhere), if one was made. */
  public Optional<NodeIdentity> loadNext() {
    Path next = nextKeystore();
    if (!Files.exists(next)) {
      return Optional.empty();
    }
    char[] password =
        secrets
            .find(NEXT_KEYSTORE_PASSWORD_ALIAS)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.IDENTITY_PASSWORD_MISSING,
                        "node keystore "
                            + next
                            + " exists but the credential store has no '"
                            + NEXT_KEYSTORE_PASSWORD_ALIAS
                            + "' password for it"));
    try {
      return Optional.of(NodeKeyStore.read(next, password));
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * The next identity, made now if there is none: a new signing key (see {@link
   * NodeIdentityGenerator#nextSigningKey}), its password stored first, then its keystore written
   * atomically, as on a first start.
   */
  public synchronized NodeIdentity loadOrCreateNext(NodeIdentity current, Instant now) {
    Optional<NodeIdentity> existing = loadNext();
    if (existing.isPresent()) {
      return existing.get();
    }
    Optional<char[]> stored = secrets.find(NEXT_KEYSTORE_PASSWORD_ALIAS);
    char[] password = stored.orElseGet(this::newPassword);
    try {
      if (stored.isEmpty()) {
        secrets.put(NEXT_KEYSTORE_PASSWORD_ALIAS, password);
      }
      NodeIdentity next = generator.nextSigningKey(current, now);
      NodeKeyStore.write(next, nextKeystore(), password);
      return next;
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
