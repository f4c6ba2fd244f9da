package org.careledger.federation.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The bridge users of one node home, and which bridge passwords it holds.
 *
 * <p>A node X lets peer P's bridge deliver as user {@code bridge-P} of X's ApplicationRealm (the
 * realm WildFly's remoting and messaging authenticate against), group {@code careledger-bridge},
 * which configure-node.cli's messaging security settings allow to send into X's two inbound queues
 * and nothing else: not to read any queue, not to create one (not WildFly's {@code guest}, which
 * may send to and read from every address). The realm's properties file stores only HEX(MD5(user
 * ":" realm ":" password)), WildFly's digest form; the clear password lives only in P's credential
 * store. This class writes that hash line directly (what {@code add-user.sh -a} does), so the
 * password never appears on a command line.
 *
 * <p>Which aliases a node's credential store holds is recorded, by name only, in {@code
 * <home>/federation/bridge-credentials}: the launcher deletes that file if applying the secrets
 * fails, which makes the next run generate them again.
 */
final class BridgeCredentials {

  /** The role of peers' bridge users; configure-node.cli grants it its messaging rights. */
  static final String BRIDGE_ROLE = "careledger-bridge";

  private static final String REALM = "ApplicationRealm";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path home;

  BridgeCredentials(Path home) {
    this.home = home;
  }

  static String newPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A 256-bit key as unpadded base64url (43 characters), e.g. a channel's pseudonym key. */
  static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private Path users() {
    return home.resolve("server/configuration/application-users.properties");
  }

  private Path roles() {
    return home.resolve("server/configuration/application-roles.properties");
  }

  private Path aliases() {
    return home.resolve("federation/bridge-credentials");
  }

  boolean hasUser(String user) throws IOException {
    return keyed(users(), user);
  }

  void putUser(String user, String password) throws IOException {
    put(users(), user, digest(user, password));
    put(roles(), user, BRIDGE_ROLE);
  }

  /**
   * Gives an existing bridge user the bridge role if it has another (homes made before the role
   * existed had {@code guest}, which the inbound queues no longer let send); says whether it did.
   */
  boolean ensureBridgeRole(String user) throws IOException {
    Path roles = roles();
    if (Files.exists(roles)
        && Files.readAllLines(roles, StandardCharsets.UTF_8).contains(user + "=" + BRIDGE_ROLE)) {
      return false;
    }
    put(roles, user, BRIDGE_ROLE);
    return true;
  }

  boolean hasAlias(String alias) throws IOException {
    return listed(aliases(), alias);
  }

  void recordAlias(String alias) throws IOException {
    list(aliases(), alias);
  }

  /** The aliases this home's credential store is recorded to hold for bridges. */
  List<String> recordedAliases() throws IOException {
    return Files.exists(aliases()) ? Files.readAllLines(aliases()) : List.of();
  }

  void forgetAlias(String alias) throws IOException {
    List<String> kept = new ArrayList<>(recordedAliases());
    if (kept.remove(alias)) {
      writePrivate(aliases(), kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
    }
  }

  /** Removes a bridge user (it shares no channel with this node any more); says whether it was. */
  boolean removeUser(String user) throws IOException {
    boolean had = hasUser(user);
    remove(users(), user);
    remove(roles(), user);
    return had;
  }

  private static void remove(Path file, String key) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.startsWith(key + "=")) {
        kept.add(line);
      }
    }
    writePrivate(file, String.join("\n", kept) + "\n");
  }

  /**
   * Channel pseudonym keys are recorded apart from the bridge passwords ({@code
   * <home>/federation/pseudonym-keys}, names only): the launcher's reset of the bridge record after
   * a failed run regenerates passwords, which is harmless, but a new pseudonym key for one member
   * would split the channel's pseudonyms.
   */
  boolean hasKeyAlias(String alias) throws IOException {
    return listed(home.resolve("federation/pseudonym-keys"), alias);
  }

  void recordKeyAlias(String alias) throws IOException {
    list(home.resolve("federation/pseudonym-keys"), alias);
  }

  private static boolean listed(Path file, String alias) throws IOException {
    return Files.exists(file) && Files.readAllLines(file).contains(alias);
  }

  private static void list(Path file, String alias) throws IOException {
    if (listed(file, alias)) {
      return;
    }
    List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
    List<String> updated = new ArrayList<>(lines);
    updated.add(alias);
    writePrivate(file, String.join("\n", updated) + "\n");
  }

  static String digest(String user, String password) {
    try {
      byte[] hash =
          MessageDigest.getInstance("MD5")
              .digest((user + ":" + REALM + ":" + password).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean keyed(Path file, String key) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith(key + "=")) {
        return true;
      }
    }
    return false;
  }

  private static void put(Path file, String key, String value) throws IOException {
    List<String> lines =
        Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    List<String> updated = new ArrayList<>();
    for (String line : lines) {
      if (!line.startsWith(key + "=")) {
        updated.add(line);
      }
    }
    updated.add(key + "=" + value);
    writePrivate(file, String.join("\n", updated) + "\n");
  }

  static void writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp =
        Files.createTempFile(
            file.getParent(),
            "." + file.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
