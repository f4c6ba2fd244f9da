package org.careledger.federation.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of the federation launcher's helper:
 *
 * <pre>
 * descriptor --file F --federation NAME [--created-at MS]
 *            --member INSTITUTION=HOST:HTTP_PORT:HTTPS_PORT ...
 *            --channel ID:CONSENSUS:MEMBER,MEMBER,... ...
 *     fetches each member's certificates and writes the descriptor F; an existing F of the same
 *     federation keeps its createdAt. Rewrites F only if its content changes.
 * bridges --file F --homes DIR [--also INSTITUTION=HOST:HTTPS_PORT ...]
 *     for each member with a node home DIR/INSTITUTION: makes sure the bridge users and passwords
 *     exist, writes its federation truststore (the members' TLS certificates), and writes DIR/INSTITUTION/federation/bridges.cli (private; it may hold passwords)
 *     for federation.sh to apply. Removes the bridges (and bridge users) between members that no
 *     longer share a channel. Prints the institutions it wrote a script for. --also names another
 *     node of an institution run as a cluster: bridges to it try that node too (see BridgeCli).
 * member --file F --channel C (--join INSTITUTION | --leave INSTITUTION)
 *     records in F that INSTITUTION joined channel C by its governance (its node runs the channel;
 *     the genesis stays derived from the channel's members) or left it (its node stops running it).
 * retire --file F --institution INSTITUTION
 *     removes INSTITUTION from F: it must take part in no channel (it left them) and be no genesis
 *     member of any.
 * govern --file F --homes DIR --channel C --change CHANGE [--institution I] [--policy FILE]
 *        [--same-key true]
 *     carries out one config update on channel C across the local nodes (see {@link Governance}):
 *     CHANGE is add-member, remove-member, renew-certificate, revoke-certificate or consent-policy.
 * </pre>
 *
 * Exit status 2 for bad arguments or a bad descriptor, 1 for other failures.
 */
public final class FederationTool {

  private FederationTool() {}

  public static void main(String[] args) {
    try {
      if (args.length == 0) {
        throw new IllegalArgumentException("usage: descriptor|bridges OPTIONS");
      }
      Map<String, List<String>> options = options(Arrays.copyOfRange(args, 1, args.length));
      switch (args[0]) {
        case "descriptor" -> descriptor(options);
        case "bridges" -> bridges(options);
        case "member" -> member(options);
        case "retire" -> retire(options);
        case "govern" -> govern(options);
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("federation-tool: " + e.getMessage());
      System.exit(2);
    } catch (IllegalStateException e) {
      System.err.println("federation-tool: " + e.getMessage());
      System.exit(1);
    } catch (IOException | RuntimeException e) {
      System.err.println("federation-tool: " + e);
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    }
  }

  static void descriptor(Map<String, List<String>> options)
      throws IOException, InterruptedException {
    Path file = Path.of(one(options, "file"));
    String federation = one(options, "federation");
    long createdAt =
        options.containsKey("created-at")
            ? Long.parseLong(one(options, "created-at"))
            : System.currentTimeMillis();
    String previous = Files.exists(file) ? Files.readString(file) : null;
    Descriptor old = null;
    if (previous != null) {
      old = Descriptor.parse(previous);
      if (old.federation().equals(federation)) {
        createdAt = old.createdAt();
      } else {
        old = null;
      }
    }
    CertificateCollector collector = new CertificateCollector();
    List<Descriptor.Member> members = new ArrayList<>();
    for (String spec : options.getOrDefault("member", List.of())) {
      String[] nameAndAddress = spec.split("=", 2);
      String[] address = nameAndAddress.length == 2 ? nameAndAddress[1].split(":") : new String[0];
      if (address.length != 3) {
        throw new IllegalArgumentException("--member wants INSTITUTION=HOST:HTTP:HTTPS: " + spec);
      }
      String institution = nameAndAddress[0];
      CertificateCollector.Certificates certs =
          collector.fetch(institution, address[0], Integer.parseInt(address[2]));
      members.add(
          new Descriptor.Member(
              institution,
              certs.signing(),
              certs.agreement(),
              certs.tls(),
              address[0],
              Integer.parseInt(address[1]),
              Integer.parseInt(address[2])));
    }
    List<Descriptor.Channel> channels = new ArrayList<>();
    for (String spec : options.getOrDefault("channel", List.of())) {
      String[] parts = spec.split(":", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException("--channel wants ID:CONSENSUS:MEMBER,...: " + spec);
      }
      channels.add(new Descriptor.Channel(parts[0], List.of(parts[2].split(",")), parts[1]));
    }
    // A channel's sharing policy (its consentPolicy) from a JSON file: --policy ID=FILE. Applied
    // to the channels as the command line gives them; then a descriptor already written keeps its
    // own (an operator's edit wins, and a genesis never changes under the members).
    Map<String, jakarta.json.JsonObject> policies = new LinkedHashMap<>();
    for (String spec : options.getOrDefault("policy", List.of())) {
      String[] parts = spec.split("=", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("--policy wants CHANNEL=FILE: " + spec);
      }
      try (jakarta.json.JsonReader reader =
          jakarta.json.Json.createReader(Files.newBufferedReader(Path.of(parts[1])))) {
        policies.put(parts[0], reader.readObject());
      }
    }
    channels = Descriptor.withPolicies(channels, policies);
    if (old != null) {
      channels = Descriptor.keepSettingsOf(old, channels);
    }
    String json = new Descriptor(federation, createdAt, members, channels).toJson();
    if (!json.equals(previous)) {
      BridgeCredentials.writePrivate(file, json);
      System.out.println("wrote " + file);
    } else {
      System.out.println("unchanged " + file);
    }
  }

  static void member(Map<String, List<String>> options) throws IOException {
    Path file = Path.of(one(options, "file"));
    String channel = one(options, "channel");
    boolean join = options.containsKey("join");
    if (join == options.containsKey("leave")) {
      throw new IllegalArgumentException("give either --join or --leave");
    }
    String institution = one(options, join ? "join" : "leave");
    Descriptor before = Descriptor.read(file);
    before.member(institution);
    Descriptor after =
        before.withChannel(channel, c -> join ? c.join(institution) : c.leave(institution));
    String json = after.toJson();
    if (!json.equals(before.toJson())) {
      BridgeCredentials.writePrivate(file, json);
    }
    System.out.println(
        institution + (join ? " takes part in " : " no longer takes part in ") + channel);
  }

  static void retire(Map<String, List<String>> options) throws IOException {
    Path file = Path.of(one(options, "file"));
    String institution = one(options, "institution");
    BridgeCredentials.writePrivate(file, Descriptor.read(file).without(institution).toJson());
    System.out.println(institution + " is no longer a member of the federation");
  }

  static void govern(Map<String, List<String>> options) throws IOException, InterruptedException {
    Descriptor descriptor = Descriptor.read(Path.of(one(options, "file")));
    Path homes = Path.of(one(options, "homes"));
    Governance governance =
        new Governance(descriptor, Governance.passwords(homes.resolve("console-admin.txt")));
    String change = one(options, "change");
    String channel = one(options, "channel");
    jakarta.json.JsonObject request =
        governance.request(
            channel,
            change,
            options.containsKey("institution") ? one(options, "institution") : null,
            options.containsKey("policy") ? Path.of(one(options, "policy")) : null,
            options.containsKey("same-key") && Boolean.parseBoolean(one(options, "same-key")));
    String proposal = governance.carryOut(channel, request);
    System.out.println(change + " applied on " + channel + " (update " + proposal + ")");
  }

  static void bridges(Map<String, List<String>> options) throws IOException {
    Descriptor descriptor = Descriptor.read(Path.of(one(options, "file")));
    Path homes = Path.of(one(options, "homes"));
    Map<String, List<String>> also = new LinkedHashMap<>();
    for (String entry : options.getOrDefault("also", List.of())) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || !entry.substring(eq + 1).matches("[A-Za-z0-9.-]+:[0-9]{1,5}")) {
        throw new IllegalArgumentException(
            "--also wants INSTITUTION=HOST:HTTPS_PORT, not " + entry);
      }
      also.computeIfAbsent(entry.substring(0, eq), k -> new ArrayList<>())
          .add(entry.substring(eq + 1));
    }
    for (String line : plan(descriptor, homes, also)) {
      System.out.println(line);
    }
  }

  /**
   * Provisions the bridge credentials of every pair of local members that share a channel and
   * writes each local member's script; returns the institutions that got one.
   */
  /** The node's alias for a channel's pseudonym key (PseudonymKeyRing reads it). */
  static final String PSEUDONYM_KEY_PREFIX = "pseudonym-key-";

  static List<String> plan(Descriptor descriptor, Path homes) throws IOException {
    return plan(descriptor, homes, Map.of());
  }

  /**
   * @param also more nodes of institutions run as clusters (HOST:HTTPS_PORT), by institution
   */
  static List<String> plan(Descriptor descriptor, Path homes, Map<String, List<String>> also)
      throws IOException {
    Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
    Map<String, Boolean> usersChanged = new LinkedHashMap<>();
    for (Descriptor.Member member : descriptor.members()) {
      if (isLocal(homes, member.institution())) {
        secrets.put(member.institution(), new LinkedHashMap<>());
        usersChanged.put(member.institution(), false);
      }
    }
    for (String sender : secrets.keySet()) {
      BridgeCredentials senderHome = new BridgeCredentials(homes.resolve(sender));
      for (Descriptor.Member peer : descriptor.peersOf(sender)) {
        String receiver = peer.institution();
        String alias = BridgeCli.credentialAlias(receiver);
        String user = BridgeCli.bridgeUser(sender);
        if (!secrets.containsKey(receiver)) {
          // A member elsewhere: its operator adds our bridge user with a password exchanged out of
          // band. Until then the bridge needs some credential to be created, and keeps retrying.
          if (!senderHome.hasAlias(alias)) {
            secrets.get(sender).put(alias, BridgeCredentials.newPassword());
          }
          continue;
        }
        BridgeCredentials receiverHome = new BridgeCredentials(homes.resolve(receiver));
        if (senderHome.hasAlias(alias) && receiverHome.hasUser(user)) {
          if (receiverHome.ensureBridgeRole(user)) {
            usersChanged.put(receiver, true);
          }
          continue;
        }
        String password = BridgeCredentials.newPassword();
        receiverHome.putUser(user, password);
        usersChanged.put(receiver, true);
        secrets.get(sender).put(alias, password);
        senderHome.recordAlias(alias);
      }
    }
    // Peers a node has a bridge password for but shares no channel with any more (one of them left
    // the channels they shared): its bridge goes, and its user at a local peer.
    Map<String, List<String>> obsolete = new LinkedHashMap<>();
    for (String sender : secrets.keySet()) {
      BridgeCredentials senderHome = new BridgeCredentials(homes.resolve(sender));
      List<String> peers =
          descriptor.peersOf(sender).stream().map(Descriptor.Member::institution).toList();
      List<String> gone = new ArrayList<>();
      for (String alias : senderHome.recordedAliases()) {
        if (!alias.startsWith(BridgeCli.credentialAlias(""))) {
          continue;
        }
        String peer = alias.substring(BridgeCli.credentialAlias("").length());
        if (peers.contains(peer)) {
          continue;
        }
        gone.add(peer);
        senderHome.forgetAlias(alias);
        if (secrets.containsKey(peer)
            && new BridgeCredentials(homes.resolve(peer))
                .removeUser(BridgeCli.bridgeUser(sender))) {
          usersChanged.put(peer, true);
        }
      }
      obsolete.put(sender, gone);
    }
    provisionPseudonymKeys(descriptor, homes, secrets);
    List<String> written = new ArrayList<>();
    for (String institution : secrets.keySet()) {
      boolean trustChanged = Truststore.update(homes.resolve(institution), descriptor);
      String cli =
          BridgeCli.forNode(
              descriptor,
              institution,
              secrets.get(institution),
              usersChanged.get(institution),
              trustChanged,
              obsolete.get(institution),
              also);
      BridgeCredentials.writePrivate(
          homes.resolve(institution).resolve("federation/bridges.cli"), cli);
      written.add(institution);
    }
    return written;
  }

  /**
   * Every member of a channel needs the same pseudonym key (the node derives patient pseudonyms
   * from it: org.careledger.domain.sharing.PatientPseudonyms). For a channel none of whose local
   * members holds one yet, a new random key (256 bits) goes into each local member's credential
   * store, through the same private script as the bridge passwords. A channel where some local
   * members hold it and others do not (a home re-created by hand) cannot be repaired from here: the
   * key is written nowhere else, so it is copied out of band, and the tool says so.
   */
  static void provisionPseudonymKeys(
      Descriptor descriptor, Path homes, Map<String, Map<String, String>> secrets)
      throws IOException {
    for (Descriptor.Channel channel : descriptor.channels()) {
      String alias = PSEUDONYM_KEY_PREFIX + channel.id();
      List<String> holders = new ArrayList<>();
      List<String> lacking = new ArrayList<>();
      for (String member : channel.participants()) {
        if (!secrets.containsKey(member)) {
          continue; // not run from these homes: its operator receives the key out of band
        }
        (new BridgeCredentials(homes.resolve(member)).hasKeyAlias(alias) ? holders : lacking)
            .add(member);
      }
      if (lacking.isEmpty()) {
        continue;
      }
      if (!holders.isEmpty() && lacking.stream().allMatch(channel.joined()::contains)) {
        // Institutions admitted later: the key is in the members' credential stores only, never
        // on the chain nor in a message, so it reaches a newcomer out of band. Until then its node
        // takes part in consensus but cannot derive the channel's patient pseudonyms.
        System.err.println(
            "federation-tool: channel "
                + channel.id()
                + ": "
                + lacking
                + " joined after its pseudonym key was made; copy alias "
                + alias
                + " into their credential stores out of band before they register records");
        continue;
      }
      if (!holders.isEmpty()) {
        throw new IllegalStateException(
            "the pseudonym key of channel "
                + channel.id()
                + " is held by "
                + holders
                + " but not by "
                + lacking
                + ": copy alias "
                + alias
                + " into their credential stores out of band");
      }
      String key = BridgeCredentials.newKey();
      for (String member : lacking) {
        secrets.get(member).put(alias, key);
        new BridgeCredentials(homes.resolve(member)).recordKeyAlias(alias);
      }
    }
  }

  private static boolean isLocal(Path homes, String institution) {
    return Files.isRegularFile(homes.resolve(institution).resolve("node.properties"));
  }

  private static Map<String, List<String>> options(String[] args) {
    Map<String, List<String>> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option VALUE at " + args[i]);
      }
      options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[i + 1]);
    }
    return options;
  }

  private static String one(Map<String, List<String>> options, String name) {
    List<String> values = options.get(name);
    if (values == null || values.size() != 1) {
      throw new IllegalArgumentException("give --" + name + " exactly once");
    }
    return values.get(0);
  }
}
