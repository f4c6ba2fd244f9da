package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The four-node federation that {@link FederationIT}, {@link JmsConsensusProtocolIT} and {@link
 * ResilienceIT} share (in that order: failsafe runs the federation suites alphabetically), started
 * cold by the first that asks: a cold start of four WildFly nodes costs about four minutes on two
 * cores, and no suite needs a federation nobody else touched. The protocol suite uses channels of
 * its own (from the descriptor); the others the launcher's care-bft and care-trio, the federation
 * suite first (its checks of what is on the chains and in the brokers see only its own traffic).
 * clinic-b runs on PostgreSQL, through a {@link TcpProxy} this class holds, so the resilience suite
 * can make its database unreachable; the others run on H2.
 *
 * <p>{@link ResilienceIT} stops it at its end; should a run end earlier (one suite alone, a
 * failure), a shutdown hook of the test JVM kills every process of it by PID. Ports +2000..+2400
 * ({@code -Dit.protocol.offset=N}); all on 127.0.0.1.
 */
final class SharedFederation {

  static final Path HOME = Path.of(System.getProperty("it.nodes")).resolve("shared-federation");
  static final int BASE_OFFSET = Integer.getInteger("it.protocol.offset", 2000);

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

  private static final String DATABASE = "careledger_shared_clinic_b";

  private static LocalFederation federation;
  private static TcpProxy database;
  private static String adminUrl;
  private static String adminUser;

  private SharedFederation() {}

  /** The running federation, started cold at the first call. */
  static synchronized LocalFederation get() throws Exception {
    if (federation != null) {
      return federation;
    }
    ItPostgres postgres = ItPostgres.server();
    adminUrl = postgres.url();
    adminUser = postgres.user();
    postgres.recreate(DATABASE);
    URI server = URI.create(adminUrl.substring("jdbc:".length()));
    database = new TcpProxy(server.getHost(), server.getPort());
    String all = String.join(",", LocalFederation.MEMBERS);
    String trio = String.join(",", LocalFederation.MEMBERS.subList(0, 3));
    StringBuilder extra = new StringBuilder();
    BFT_CHANNELS.forEach(id -> extra.append(id).append(":bft:").append(all).append(' '));
    TRIO_CHANNELS.forEach(id -> extra.append(id).append(":unanimity:").append(trio).append(' '));
    extra.append(GOVERNANCE_CHANNEL).append(":bft:").append(all).append(' ');
    extra.append(RENEWAL_CHANNEL).append(":bft:").append(all).append(' ');
    extra.append(MEMBERSHIP_CHANNEL).append(":bft:").append(all);
    LocalFederation started = new LocalFederation(HOME, BASE_OFFSET, extra.toString().strip());
    Runtime.getRuntime().addShutdownHook(new Thread(SharedFederation::kill, "shared-federation"));
    LocalFederation.Run up =
        started.upCold(
            Map.of(
                DATABASE_MEMBER,
                Map.of(
                    "careledger.db.kind",
                    "postgresql",
                    "careledger.db.url",
                    "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + DATABASE,
                    "careledger.db.user",
                    adminUser)));
    System.out.println("[SharedFederation] federation.sh up (cold): " + up.seconds() + " s");
    assertThat(database.accepted())
        .as("clinic-b reached its database through the proxy")
        .isPositive();
    federation = started;
    return federation;
  }

  /** The proxy between clinic-b and its PostgreSQL database. */
  static synchronized TcpProxy database() throws Exception {
    get();
    return database;
  }

  /** {@code federation.sh down}, then the proxy and clinic-b's database. */
  static synchronized void close() throws Exception {
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
  private static void kill() {
    LocalFederation running = federation;
    if (running != null) {
      for (ProcessHandle process : running.processesNaming()) {
        process.destroyForcibly();
      }
      federation = null;
      dropDatabase();
    }
  }

  private static void dropDatabase() {
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
      new ItPostgres(adminUrl, adminUser).drop(DATABASE);
    } catch (Exception e) {
      System.out.println("[SharedFederation] could not drop " + DATABASE + ": " + e);
    }
  }
}
