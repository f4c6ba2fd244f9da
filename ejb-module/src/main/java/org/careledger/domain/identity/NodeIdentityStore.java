package org.careledger.domain.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
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

  /** Alias of the renewal keystores' password (one password for all of them). */
  public static final String NEXT_KEYSTORE_PASSWORD_ALIAS = "identity-next-keystore";

  /** Where renewals are kept: {@code renewals/} beside the node's keystore, a keystore each. */
  private Path renewalsDirectory() {
    return keystore.resolveSibling("renewals");
  }

  /** A renewal made by the first version of key renewal (one next key only), still read. */
  private Path legacyNextKeystore() {
    return keystore.resolveSibling("identity-next.p12");
  }

  /**
   * The node's renewals (new signing keys, new certificates for a key), oldest first by their
   * certificate's notBefore: what {@link NodeKeyRing} takes beside the node's identity. None is
   * ever deleted here: a channel that has not applied a renewal yet still names an older one.
   */
  public List<NodeIdentity> loadRenewals() {
    List<Path> files = new ArrayList<>();
    if (Files.exists(legacyNextKeystore())) {
      files.add(legacyNextKeystore());
    }
    if (Files.isDirectory(renewalsDirectory())) {
      try (Stream<Path> listed = Files.list(renewalsDirectory())) {
        listed
            .filter(f -> f.getFileName().toString().endsWith(".p12"))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (files.isEmpty()) {
      return List.of();
    }
    char[] password = renewalPassword(files.get(0));
    try {
      List<NodeIdentity> renewals = new ArrayList<>();
      for (Path file : files) {
        renewals.add(NodeKeyStore.read(file, password));
      }
      renewals.sort(Comparator.comparing(r -> r.signingCertificate().getNotBefore()));
      return renewals;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * Makes and keeps a renewal of {@code renewed} (an identity the node holds): a new signing key,
   * or with {@code sameKey} a new certificate for {@code renewed}'s key; agreement and TLS keys are
   * {@code current}'s. The password is stored first, then the keystore written atomically, as on a
   * first start.
   */
  public synchronized NodeIdentity createRenewal(
      NodeIdentity renewed, NodeIdentity current, boolean sameKey, Instant now) {
    Optional<char[]> stored = secrets.find(NEXT_KEYSTORE_PASSWORD_ALIAS);
    char[] password = stored.orElseGet(this::newPassword);
    try {
      if (stored.isEmpty()) {
        secrets.put(NEXT_KEYSTORE_PASSWORD_ALIAS, password);
      }
      NodeIdentity renewal =
          sameKey
              ? generator.recertify(renewed, current, now)
              : generator.nextSigningKey(current, now);
      Files.createDirectories(renewalsDirectory());
      NodeKeyStore.write(
          renewal,
          renewalsDirectory().resolve(renewal.signingFingerprint().hex() + ".p12"),
          password);
      return renewal;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] renewalPassword(Path file) {
    return secrets
        .find(NEXT_KEYSTORE_PASSWORD_ALIAS)
        .orElseThrow(
            () ->
                new CareLedgerException(
                    ErrorCode.IDENTITY_PASSWORD_MISSING,
                    "renewal keystore "
                        + file
                        + " exists but the credential store has no '"
                        + NEXT_KEYSTORE_PASSWORD_ALIAS
                        + "' password for it"));
  }

  private char[] newPassword() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }
}
