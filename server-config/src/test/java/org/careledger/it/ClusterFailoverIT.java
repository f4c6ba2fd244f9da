package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 9: an institution run as a cluster of two WildFly nodes casts exactly one vote, and keeps
 * voting when the node that runs its consensus member dies.
 *
 * <p>A federation of its own ({@code federation.sh up} with {@code
 * CARELEDGER_FEDERATION_CLUSTER=clinic-b}): hospital-a, pharmacy-c and insurer-d each one node on
 * H2; clinic-b two nodes, n1 and n2, on one PostgreSQL database and one institution home, WildFly's
 * HA profile, JGroups over TCP on loopback. Channels care-bft (BFT, all four) and care-trio
 * (unanimity: hospital-a, clinic-b, pharmacy-c; it cannot commit a block without clinic-b's vote,
 * so it shows exactly when clinic-b votes again).
 *
 * <p>Under load at every institution on both channels (clinic-b's through whichever node runs its
 * member, as a load balancer in front of it would route): kill -9 of the node that runs clinic-b's
 * member (n1, the elected one), then the other takes over: the takeover time is measured from the
 * kill to care-trio's next committed block (printed; README "An institution as a cluster"). Then
 * the killed node restarts and rejoins as the standby. At the end: every acknowledged transaction
 * is on every institution's chain, the chains are identical and verify from genesis, and no member
 * (clinic-b above all) was seen to equivocate by any other member's equivocation watch, which
 * checks every validly signed consensus payload it receives against the sender's earlier ones.
 *
 * <p>Ports: base offset {@code it.cluster.offset} (default 4000; clinic-b's n2 at +150), all on
 * 127.0.0.1; the federation is stopped by PID at the end.
 *
 * <p>It runs beside {@link FederationIT} and {@link JmsConsensusProtocolIT} (its own federation,
 * its own ports): the failsafe execution it-federation runs its suites in two lanes at once, this
 * one with {@link ResilienceIT} under the lock {@value SharedFederation#SECOND_LANE}
 * (server-config/pom.xml).
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SharedFederation.SECOND_LANE)
class ClusterFailoverIT {

  private static final Path HOME =
      Path.of(System.getProperty("it.nodes")).resolve("cluster-federation");
  private static final int BASE_OFFSET = Integer.getInteger("it.cluster.offset", 4000);
  private static final int HOSPITAL_A = 0;
  private static final int CLINIC_B = 1;
  private static final int PHARMACY_C = 2;
  private static final int INSURER_D = 3;
  private static final List<String> CHANNELS = List.of("care-bft", "care-trio");
  private static final String DATABASE = "careledger_cluster_clinic_b";

  private static LocalFederation fed;
  private static ItPostgres postgres;

  @BeforeAll
  static void up() throws Exception {
    postgres = ItPostgres.server();
    postgres.recreate(DATABASE);
    fed =
        new LocalFederation(
            HOME,
            BASE_OFFSET,
            "",
            Map.of(
                "CARELEDGER_FEDERATION_CLUSTER",
                "clinic-b",
                "CARELEDGER_FEDERATION_CLUSTER_DB_URL",
                postgres.urlOf(DATABASE),
                "CARELEDGER_FEDERATION_CLUSTER_DB_USER",
                postgres.user()),
            Map.of(CLINIC_B, Map.of("CARELEDGER_CLUSTER_NODE", "n1")));
    Runtime.getRuntime().addShutdownHook(new Thread(ClusterFailoverIT::kill, "cluster-fed"));
    LocalFederation.Run run = fed.upCold();
    System.out.println("[ClusterFailoverIT] federation.sh up (cold): " + run.seconds() + " s");
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (fed != null) {
        fed.close();
      }
    } finally {
      fed = null;
      postgres.drop(DATABASE);
    }
  }

  private static void kill() {
    LocalFederation running = fed;
    if (running != null) {
      running.processesNaming().forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** clinic-b's nodes: n1 at the member's own port, n2 at 50 above it (federation.sh). */
  private static int n1Port() {
    return 8443 + BASE_OFFSET + 100 * CLINIC_B;
  }

  private static int n2Port() {
    return n1Port() + 50;
  }

  private static Path nodeDir(String node) {
    return HOME.resolve("clinic-b").resolve("cluster").resolve(node);
  }

  @Test
  void killingTheNodeThatRunsTheMemberHandsItToTheOtherWithoutLossOrEquivocation()
      throws Exception {
    int n1 = n1Port();
    int n2 = n2Port();

    // n1 started first: the singleton policy elected it. n2 stands by: it runs no member, but
    // serves REST as well; a transaction submitted there goes to n1's member through the shared
    // database and is acknowledged once on the chain.
    awaitRole(n1, true);
    awaitRole(n2, false);
    String atStandby = standbyWrite(n2, "standby-write-n2");

    Load load = new Load();
    try {
      load.awaitAcknowledged(20);
      long trioHeight = height(HOSPITAL_A, "care-trio");
      long pid = Long.parseLong(Files.readString(nodeDir("n1").resolve("node.pid")).trim());

      long killedAt = System.nanoTime();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      ProcessHandle.of(pid).orElseThrow().onExit().get(30, TimeUnit.SECONDS);
      fed.route(CLINIC_B, n2); // the load balancer notices n1 is gone

      long elected = awaitRole(n2, true);
      long trioCommit = awaitHeightAbove(HOSPITAL_A, "care-trio", trioHeight);
      System.out.printf(
          "[ClusterFailoverIT] takeover after kill -9 of clinic-b's n1: n2 runs the member after"
              + " %.1f s, care-trio (unanimity, needs clinic-b) commits again after %.1f s%n",
          (elected - killedAt) / 1e9, (trioCommit - killedAt) / 1e9);

      // clinic-b's own submissions commit again, now through n2.
      int before = load.acknowledgedAt(CLINIC_B);
      awaitTrue(() -> load.acknowledgedAt(CLINIC_B) > before + 3, "clinic-b commits through n2");

      // The killed node comes back as the standby: n2 keeps the member.
      LocalFederation.Run restart = fed.upNode(CLINIC_B, Map.of());
      assertThat(restart.exitCode()).as(restart.output()).isZero();
      awaitRole(n1, false);
      assertThat(role(n2)).as("n2 still runs clinic-b's member").isTrue();
      load.add("care-bft", standbyWrite(n1, "standby-write-n1"));
      long trioAfterRestart = height(HOSPITAL_A, "care-trio");
      awaitHeightAbove(HOSPITAL_A, "care-trio", trioAfterRestart + 2);
    } finally {
      load.stop();
    }
    load.add("care-bft", atStandby);
    assertThat(load.acknowledged()).hasSizeGreaterThan(40);
    System.out.println(
        "[ClusterFailoverIT] acknowledged: care-bft "
            + load.acknowledged("care-bft").size()
            + ", care-trio "
            + load.acknowledged("care-trio").size());

    // Every acknowledged transaction on the chain, the same chain at every institution verified
    // from genesis (clinic-b's read at both of its nodes: one database), and no equivocation seen.
    // The heads agree and each member verifies every link of its chain from genesis, so the chains
    // are the same block for block; the transactions are read from clinic-b's blocks, at n2.
    fed.route(CLINIC_B, n2);
    for (String channel : CHANNELS) {
      String head = awaitSameHeads(channel);
      assertThat(head).as(channel + "'s head").isNotEmpty();
      List<String> acknowledged = load.acknowledged(channel);
      assertThat(transactions(n2, channel))
          .as("acknowledged transactions on " + channel + " at clinic-b")
          .containsAll(acknowledged);
      assertThat(Http.json(fed.getAt(n1, "/channels/" + channel)).path("headHash").asText())
          .as("clinic-b's n1")
          .isEqualTo(head);
      for (int member : members(channel)) {
        JsonNode view = fed.channel(member, channel);
        assertThat(view.path("equivocations").size())
            .as("equivocation evidence at " + LocalFederation.name(member) + ": " + view)
            .isZero();
        JsonNode verified = Http.json(fed.post(member, "/channels/" + channel + "/verify"));
        assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
      }
    }
  }

  private static List<Integer> members(String channel) {
    return channel.equals("care-trio")
        ? List.of(HOSPITAL_A, CLINIC_B, PHARMACY_C)
        : List.of(HOSPITAL_A, CLINIC_B, PHARMACY_C, INSURER_D);
  }

  /** The transaction ids in every block of {@code channel} at the node on {@code port}. */
  private static Set<String> transactions(int port, String channel) throws Exception {
    long head = Http.json(fed.getAt(port, "/channels/" + channel)).path("height").asLong();
    Set<String> onChain = new HashSet<>();
    for (long h = 0; h <= head; h++) {
      JsonNode block = Http.json(fed.getAt(port, "/channels/" + channel + "/blocks/" + h));
      block.path("txIds").forEach(id -> onChain.add(id.asText()));
    }
    return onChain;
  }

  /** Waits until every member's head of {@code channel} is the same block; answers its hash. */
  private static String awaitSameHeads(String channel) throws Exception {
    Set<String> heads = new HashSet<>();
    awaitTrue(
        () -> {
          heads.clear();
          for (int member : members(channel)) {
            heads.add(fed.channel(member, channel).path("headHash").asText());
          }
          return heads.size() == 1;
        },
        channel + "'s heads agree");
    return heads.iterator().next();
  }

  private static long height(int member, String channel) throws Exception {
    return fed.channel(member, channel).path("height").asLong();
  }

  /**
   * A register submitted at the standby node on {@code port}: acknowledged (201) once the member's
   * node committed it; answers its transaction id.
   */
  private static String standbyWrite(int port, String recordId) throws Exception {
    HttpResponse<String> response =
        fed.submitAsyncAt(port, "care-bft", recordId, 60).get(120, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as("at the standby: " + response.body()).isEqualTo(201);
    assertThat(role(port)).as("the node on " + port + " still stands by").isFalse();
    return Http.json(response).path("txId").asText();
  }

  /** Whether the node at {@code port} runs clinic-b's consensus member (care-trio's view). */
  private static boolean role(int port) throws Exception {
    HttpResponse<String> view = fed.getAt(port, "/channels/care-trio");
    return view.statusCode() == 200 && Http.json(view).path("consensusHere").asBoolean();
  }

  /** Waits until the node at {@code port} does (or does not) run the member; answers when. */
  private static long awaitRole(int port, boolean member) throws Exception {
    awaitTrue(
        () -> role(port) == member,
        "the node at " + port + (member ? " runs" : " does not run") + " clinic-b's member");
    return System.nanoTime();
  }

  private static long awaitHeightAbove(int member, String channel, long height) throws Exception {
    awaitTrue(() -> height(member, channel) > height, channel + " grows past " + height);
    return System.nanoTime();
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (java.io.IOException e) {
        // a node not answering yet (starting, or just killed)
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(250);
    }
  }

  /**
   * Submitters on both channels at every institution that is a member, one thread each, each
   * submission waiting for its commit. Only what was acknowledged (201) is checked later: a
   * submission in flight at n1 when it was killed may or may not commit.
   */
  private static final class Load {
    private final Map<String, List<String>> acknowledged =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> perMember =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Load() {
      for (String channel : CHANNELS) {
        acknowledged.put(channel, Collections.synchronizedList(new ArrayList<>()));
        for (int member = 0; member < LocalFederation.MEMBERS.size(); member++) {
          if (channel.equals("care-trio") && member == INSURER_D) {
            continue;
          }
          int n = member;
          perMember.computeIfAbsent(n, k -> new AtomicInteger());
          Thread submitter =
              new Thread(
                  () -> {
                    for (int i = 0; loading.get(); i++) {
                      try {
                        HttpResponse<String> response =
                            fed.submitAsync(
                                    n, channel, "failover-" + channel + "-" + n + "-" + i, 90)
                                .get(150, TimeUnit.SECONDS);
                        if (response.statusCode() == 201) {
                          acknowledged.get(channel).add(Http.json(response).path("txId").asText());
                          perMember.get(n).incrementAndGet();
                        } else {
                          Thread.sleep(200);
                        }
                      } catch (InterruptedException e) {
                        return;
                      } catch (Exception e) {
                        try {
                          Thread.sleep(200); // the node just killed, or restarting
                        } catch (InterruptedException stop) {
                          return;
                        }
                      }
                    }
                  },
                  "failover-load-" + channel + "-" + n);
          submitter.start();
          threads.add(submitter);
        }
      }
    }

    void add(String channel, String txId) {
      acknowledged.get(channel).add(txId);
    }

    int acknowledgedAt(int member) {
      return perMember.get(member).get();
    }

    List<String> acknowledged() {
      List<String> all = new ArrayList<>();
      acknowledged.values().forEach(all::addAll);
      return all;
    }

    List<String> acknowledged(String channel) {
      return List.copyOf(acknowledged.get(channel));
    }

    void awaitAcknowledged(int count) throws Exception {
      awaitTrue(() -> acknowledged().size() >= count, count + " acknowledged transactions");
    }

    void stop() throws InterruptedException {
      loading.set(false);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(200));
      }
    }
  }
}
