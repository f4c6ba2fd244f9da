package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A four-node federation that suites share, started cold by the first that asks: a cold start of
 * four WildFly nodes costs about four minutes on two cores, and no suite needs a federation nobody
 * else touched. Two of them, which run side by side (the failsafe execution it-federation runs two
 * lanes of suites at once, see server-config/pom.xml):
 *
 * <ul>
 *   <li>{@link #PROTOCOL}: {@link FederationIT}'s, then {@link JmsConsensusProtocolIT}'s (in that
 *       order: one lane runs them alphabetically), ports +2000..+2400 ({@code
 *       -Dit.protocol.offset=N}; the fifth institution that joins at +2400). The protocol suite
 *       uses channels of its own (from the descriptor); the federation suite the launcher's
 *       care-bft and care-trio, first (its checks of what is on the chains and in the brokers see
 *       only its own traffic). The protocol suite stops it at its end.
 *   <li>{@link #RESILIENCE}: {@link ResilienceIT}'s, with only the launcher's two channels, ports
 *       +3000..+3300 ({@code -Dit.resilience.offset=N}); the resilience suite stops it at its end.
 * </ul>
 *
 * In each, clinic-b runs on PostgreSQL, through a {@link TcpProxy} this class holds, so the
 * resilience suite can make its database unreachable; the others run on H2. Should a run end before
 * a suite stops its federation (one suite alone, a failure), a shutdown hook of the test JVM kills
 * every process of it by PID. All on 127.0.0.1.
 */
final class SharedFederation {

  /** The federation of {@link FederationIT} and {@link JmsConsensusProtocolIT}. */
  static final SharedFederation PROTOCOL =
      new SharedFederation(
          "shared-federation",
          Integer.getInteger("it.protocol.offset", 2000),
          "careledger_shared_clinic_b",
          true);

  /** The federation of {@link ResilienceIT}. */
  static final SharedFederation RESILIENCE =
      new SharedFederation(
          "resilience-federation",
          Integer.getInteger("it.resilience.offset", 3000),
          "careledger_resilience_clinic_b",
          false);

  /**
   * The lock of the suites that run in the second lane, beside {@link FederationIT} and {@link
   * JmsConsensusProtocolIT} (which run one after the other in the first): {@link ClusterFailoverIT}
   * and {@link ResilienceIT}, one at a time, each on a federation of its own. Two lanes, not four:
   * the first's suites share a federation, and each lane's WildFly nodes need most of a core.
   */
  static final String SECOND_LANE = "it-federation-second-lane";

  /** Channels of the protocol suite, besides the launcher's care-bft and care-trio. */
  static final List<String> BFT_CHANNELS = List.of("suite-bft-1", "suite-bft-2", "suite-bft-3");

  static final List<String> TRIO_CHANNELS = List.of("suite-trio-1");

  /** A BFT channel of the four whose governance the protocol suite exercises under load. */
  static final String GOVERNANCE_CHANNEL = "suite-gov";

  /** A BFT channel of the four where a member renews its signing key under load. */
  static final String RENEWAL_CHANNEL = "suite-renew";

  /**
   * A BFT channel of the four that a fifth institution joins and leaves under load. Not {@link
   * #GOVERNANCE_CHANNEL}: a member revoked there still counts in n, so with a newcomer the channel
   * would need every other member and the newcomer itself to seal each block (4 of 5) while the
   * newcomer is still taking the chain; the join is to be shown with the four able to sign.
   */
  static final String MEMBERSHIP_CHANNEL = "suite-join";

  /** The member whose database is reached through {@link #database()}. */
  static final int DATABASE_MEMBER = 1; // clinic-b

  private final Path home;
  private final int baseOffset;
  private final String databaseName;
  private final boolean protocolChannels;

  private LocalFederation federation;
  private TcpProxy database;
  private String adminUrl;
  private String adminUser;

  private SharedFederation(
      String directory, int baseOffset, String databaseName, boolean protocolChannels) {
    this.home = Path.of(System.getProperty("it.nodes")).resolve(directory);
    this.baseOffset = baseOffset;
    this.databaseName = databaseName;
    this.protocolChannels = protocolChannels;
  }

  /** Its federation home. */
  Path home() {
    return home;
  }

  /** Its base port offset: member i at {@code baseOffset() + 100 * i}. */
  int baseOffset() {
    return baseOffset;
  }

  /** The running federation, started cold at the first call. */
  synchronized LocalFederation get() throws Exception {
    if (federation != null) {
      return federation;
    }
    ItPostgres postgres = ItPostgres.server();
    adminUrl = postgres.url();
    adminUser = postgres.user();
    postgres.recreate(databaseName);
    URI server = URI.create(adminUrl.substring("jdbc:".length()));
    database = new TcpProxy(server.getHost(), server.getPort());
    String all = String.join(",", LocalFederation.MEMBERS);
    String trio = String.join(",", LocalFederation.MEMBERS.subList(0, 3));
    StringBuilder extra = new StringBuilder();
    if (protocolChannels) {
      BFT_CHANNELS.forEach(id -> extra.append(id).append(":bft:").append(all).append(' '));
      TRIO_CHANNELS.forEach(id -> extra.append(id).append(":unanimity:").append(trio).append(' '));
      extra.append(GOVERNANCE_CHANNEL).append(":bft:").append(all).append(' ');
      extra.append(RENEWAL_CHANNEL).append(":bft:").append(all).append(' ');
      extra.append(MEMBERSHIP_CHANNEL).append(":bft:").append(all);
    }
    LocalFederation started = new LocalFederation(home, baseOffset, extra.toString().strip());
    Runtime.getRuntime().addShutdownHook(new Thread(this::kill, home.getFileName().toString()));
    LocalFederation.Run up =
        started.upCold(
            Map.of(
                DATABASE_MEMBER,
                Map.of(
                    "careledger.db.kind",
                    "postgresql",
                    "careledger.db.url",
                    "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + databaseName,
                    "careledger.db.user",
                    adminUser)));
    System.out.println(
        "[SharedFederation] "
            + home.getFileName()
            + ": federation.sh up (cold): "
            + up.seconds()
            + " s");
    assertThat(database.accepted())
        .as("clinic-b reached its database through the proxy")
        .isPositive();
    federation = started;
    return federation;
  }

  /** The proxy between clinic-b and its PostgreSQL database. */
  synchronized TcpProxy database() throws Exception {
    get();
    return database;
  }

  /** {@code federation.sh down}, then the proxy and clinic-b's database. */
  synchronized void close() throws Exception {
    try {
      if (federation != null) {
        federation.close();
      }
    } finally {
      federation = null;
      dropDatabase();
    }
  }

  /** At JVM exit: whatever still runs of the federation, killed by PID. */
  private void kill() {
    LocalFederation running = federation;
    if (running != null) {
      for (ProcessHandle process : running.processesNaming()) {
        process.destroyForcibly();
      }
      federation = null;
      dropDatabase();
    }
  }

  private void dropDatabase() {
    try {
      if (database != null) {
        database.close();
      }
    } catch (Exception e) {
      // closing sockets
    }
    database = null;
    if (adminUrl == null) {
      return;
    }
    try {
      new ItPostgres(adminUrl, adminUser).drop(databaseName);
    } catch (Exception e) {
      System.out.println("[SharedFederation] could not drop " + databaseName + ": " + e);
    }
  }
}
