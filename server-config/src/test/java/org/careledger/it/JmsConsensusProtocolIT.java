package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.careledger.domain.consensus.ConsensusCluster;
import org.careledger.domain.consensus.ConsensusProtocolSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consensus protocol suite that {@code SimulatedConsensusProtocolTest} runs on the simulated
 * network, here on four real WildFly nodes of {@code federation.sh} bridged over JMS: each test
 * gets a channel of its own from the descriptor (three four-member BFT channels and one
 * three-member unanimity channel besides the launcher's two), so its chains start at genesis. A
 * crash is kill -9 of the node, a restart is {@code federation.sh up}, a partition stops the JMS
 * bridges between the two sides (in both directions), and transactions are submitted over REST to
 * members outside the cut-off side, each committed or left pending by the real nodes. Ports
 * +2000..+2400 by default (the fifth, lab-e, joins and leaves) ({@code -Dit.protocol.offset=N});
 * all on 127.0.0.1; every process stopped by its PID. The federation is {@link
 * SharedFederation#PROTOCOL}, whose descriptor has these channels: {@link FederationIT}'s before
 * it, in the same lane of the failsafe execution; this suite stops it at its end.
 */
class JmsConsensusProtocolIT extends ConsensusProtocolSuite {

  private static final Deque<String> BFT_CHANNELS = new ArrayDeque<>(SharedFederation.BFT_CHANNELS);
  private static final Deque<String> TRIO_CHANNELS =
      new ArrayDeque<>(SharedFederation.TRIO_CHANNELS);

  /** Long enough for the answer to a submission that commits at once; the rest stay pending. */
  private static final int SUBMIT_WAIT_SECONDS = 3;

  private static final Pattern TX_ID = Pattern.compile("transaction ([0-9a-f]{64})");

  private static LocalFederation federation;

  /** The federation this suite shares with FederationIT (channels of its own). */
  @BeforeAll
  static void up() throws Exception {
    federation = SharedFederation.PROTOCOL.get();
  }

  /** The last suite on its federation stops it. */
  @AfterAll
  static void down() throws Exception {
    SharedFederation.PROTOCOL.close();
  }

  /**
   * Channel governance under load: while hospital-a, clinic-b and pharmacy-c keep submitting,
   * insurer-d's certificate is revoked by the three (the channel's own consensus). From the height
   * the revocation applies, no block carries insurer-d's seal and its transactions are refused; the
   * other three keep committing with the quorum of four (3), every acknowledged transaction is on
   * every member's chain, and all four chains are identical and verify from genesis.
   */
  @Test
  void aRevokedCertificateStopsCountingAtItsRevocationHeightWhileTheOthersKeepCommitting()
      throws Exception {
    String channel = SharedFederation.GOVERNANCE_CHANNEL;
    int insurer = 3;
    awaitChannel(channel, List.of(0, 1, 2, 3));
    Load load = new Load(channel, List.of(0, 1, 2), "gov");
    Thread.sleep(5_000);

    String body = "{\"change\":\"revoke-certificate\",\"institution\":\"insurer-d\"}";
    HttpResponse<String> proposed =
        federation.post(0, "/channels/" + channel + "/config-updates?wait=120", body);
    assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(201);
    String proposal = Http.json(proposed).path("proposal").asText();
    approve(1, channel, proposal);
    JsonNode applied = Http.json(approve(2, channel, proposal));
    assertThat(applied.path("state").asText()).isEqualTo("applied");
    long revokedAt = applied.path("configuration").path("since").asLong();
    assertThat(applied.path("configuration").path("quorum").asInt())
        .as("insurer-d stays counted in n: still 3 of 4")
        .isEqualTo(3);

    awaitTrue(
        () ->
            Http.json(federation.get(insurer, "/channels/" + channel + "/config"))
                .path("configId")
                .asText()
                .equals(proposal),
        "insurer-d applies the revocation");
    HttpResponse<String> refused =
        federation.submitAsync(insurer, channel, "gov-revoked", 30).get(60, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.body()).contains("CL-1153", "revoked or expired");
    Thread.sleep(4_000); // a few more blocks under the revocation
    List<String> acknowledged = load.stop();

    // Every acknowledged transaction everywhere; the same chain at all four; verified.
    long head =
        sameVerifiedChains(
            channel,
            List.of(0, 1, 2, 3),
            acknowledged,
            revokedAt,
            (node, height, block) -> {
              if (height >= revokedAt) {
                assertThat(block.path("signers"))
                    .extracting(JsonNode::asText)
                    .as("block " + height + " at " + LocalFederation.name(node))
                    .doesNotContain("insurer-d")
                    .hasSizeGreaterThanOrEqualTo(3);
              }
            });
    for (int node = 0; node < 4; node++) {
      JsonNode insurerThere = null;
      for (JsonNode member :
          Http.json(federation.get(node, "/channels/" + channel + "/config")).path("members")) {
        if (member.path("institution").asText().equals("insurer-d")) {
          insurerThere = member;
        }
      }
      assertThat(insurerThere).as("insurer-d is still listed").isNotNull();
      assertThat(insurerThere.path("revoked").asBoolean()).isTrue();
      assertThat(insurerThere.path("canSign").asBoolean()).isFalse();
    }
    assertThat(head).as("blocks after the revocation").isGreaterThan(revokedAt);
  }

  /**
   * A fifth institution joins the BFT channel under load, with one command ({@code federation.sh
   * join lab-e suite-join}): its node is started, its certificates go into the descriptor, bridges
   * to and from it are created while the others keep running, and the members' approvals admit it.
   * Its node takes the chain from genesis by block sync, verifies it, and votes: its seal is in
   * blocks after its admission and a transaction it submits commits everywhere. Then it leaves
   * ({@code federation.sh leave}): decided by the four, its node stops running the channel, the
   * bridges to it are removed, and the four keep committing with their quorum; finally {@code
   * federation.sh retire} stops its node. No acknowledged transaction is lost; the chains are
   * identical and verify throughout.
   */
  @Test
  void aFifthInstitutionJoinsTheBftChannelUnderLoadWithOneCommandVotesAndLeavesAgain()
      throws Exception {
    String channel = SharedFederation.MEMBERSHIP_CHANNEL;
    int lab = LocalFederation.FIFTH;
    awaitChannel(channel, List.of(0, 1, 2, 3));
    Load load = new Load(channel, List.of(0, 1, 2), "join");
    Thread.sleep(3_000);

    phase("join starts");
    LocalFederation.Run joined = launcher("join", LocalFederation.FIFTH_INSTITUTION, channel);
    phase("join done");
    long labPid =
        Long.parseLong(
            java.nio.file.Files.readString(
                    federation
                        .home()
                        .resolve(LocalFederation.FIFTH_INSTITUTION)
                        .resolve("node.pid"))
                .trim());
    assertThat(joined.output()).contains("add-member applied on " + channel);
    federation.addAdmin(lab);
    JsonNode config = Http.json(federation.get(0, "/channels/" + channel + "/config"));
    assertThat(config.path("members")).hasSize(5);
    long admittedAt = config.path("since").asLong();
    String configId = config.path("configId").asText();
    awaitTrue(
        () -> {
          HttpResponse<String> there = federation.get(lab, "/channels/" + channel + "/config");
          return there.statusCode() == 200
              && Http.json(there).path("configId").asText().equals(configId);
        },
        "lab-e takes the chain up to its admission");
    JsonNode verified = Http.json(federation.post(lab, "/channels/" + channel + "/verify"));
    assertThat(verified.path("ok").asBoolean())
        .as("lab-e verifies from genesis: " + verified)
        .isTrue();

    HttpResponse<String> atLab =
        federation.submitAsync(lab, channel, "join-lab", 120).get(150, TimeUnit.SECONDS);
    assertThat(atLab.statusCode()).as(atLab.body()).isEqualTo(201);
    String labTx = Http.json(atLab).path("txId").asText();
    awaitTrue(
        () -> {
          long head = Http.json(federation.get(0, "/channels/" + channel)).path("height").asLong();
          for (long h = admittedAt; h <= head; h++) {
            JsonNode block = Http.json(federation.get(0, "/channels/" + channel + "/blocks/" + h));
            for (JsonNode signer : block.path("signers")) {
              if (signer.asText().equals(LocalFederation.FIFTH_INSTITUTION)) {
                return true;
              }
            }
          }
          return false;
        },
        "a block sealed by lab-e");
    // An auditor's proof of lab-e's transaction: lab-e is unknown to the genesis, so the bundle
    // carries the channel's configuration changes and the standalone verifier folds them.
    assertProvable(channel, labTx, "lab-e-joined");

    phase("leave starts");
    launcher("leave", LocalFederation.FIFTH_INSTITUTION, channel);
    phase("leave done");
    JsonNode after = Http.json(federation.get(0, "/channels/" + channel + "/config"));
    assertThat(after.path("members")).hasSize(4);
    long removedAt = after.path("since").asLong();
    awaitTrue(
        () -> {
          JsonNode round = Http.json(federation.get(lab, "/channels/" + channel)).path("round");
          return round.isNull() || round.isMissingNode();
        },
        "lab-e's node stops running the channel it left (it keeps the chain it holds)");
    phase("lab-e stopped running the channel");
    HttpResponse<String> afterLeaving =
        federation.submitAsync(lab, channel, "left-lab", 10).get(30, TimeUnit.SECONDS);
    assertThat(afterLeaving.statusCode()).as(afterLeaving.body()).isEqualTo(403);
    assertThat(Http.json(afterLeaving).path("code").asText()).isEqualTo("CL-1153");
    assertThat(afterLeaving.body()).contains("left channel " + channel);
    LocalFederation.Run bridges =
        federation.nodeSh(
            0,
            "cli",
            "--command=/subsystem=messaging-activemq:read-children-names(child-type=jms-bridge)");
    assertThat(bridges.output()).contains("careledger-to-clinic-b").doesNotContain("lab-e");
    phase("bridges checked");
    Thread.sleep(5_000);
    List<String> acknowledged = new ArrayList<>(load.stop());
    phase("load stopped");
    acknowledged.add(labTx);

    long head =
        sameVerifiedChains(
            channel,
            List.of(0, 1, 2, 3),
            acknowledged,
            removedAt,
            (node, height, block) -> {
              if (height >= removedAt) {
                assertThat(block.path("signers"))
                    .extracting(JsonNode::asText)
                    .as("block " + height + " at " + LocalFederation.name(node))
                    .doesNotContain(LocalFederation.FIFTH_INSTITUTION);
              }
            });
    phase("chains compared");
    assertThat(head).as("blocks after lab-e left").isGreaterThan(removedAt);
    // The last acknowledged transaction, after the removal: proven under the four again.
    assertProvable(channel, acknowledged.get(acknowledged.size() - 2), "lab-e-left");

    phase("proof checked");
    launcher("retire", LocalFederation.FIFTH_INSTITUTION);
    assertThat(java.nio.file.Files.readString(federation.home().resolve("federation.json")))
        .doesNotContain("\"" + LocalFederation.FIFTH_INSTITUTION + "\"");
    assertThat(ProcessHandle.of(labPid).map(ProcessHandle::isAlive).orElse(false))
        .as("lab-e's node is stopped")
        .isFalse();
  }

  /** Prints when a step of a long scenario starts, to match against the load's failures. */
  private static void phase(String what) {
    System.out.println("[JmsConsensusProtocolIT] " + java.time.Instant.now() + " " + what);
  }

  /**
   * Exports {@code txId}'s proof bundle at hospital-a and checks it with the standalone verifier
   * jar, as an auditor would: it must print OK for that transaction.
   */
  private void assertProvable(String channel, String txId, String name) throws Exception {
    HttpResponse<String> proof =
        federation.get(0, "/channels/" + channel + "/transactions/" + txId + "/proof");
    assertThat(proof.statusCode()).as(proof.body()).isEqualTo(200);
    java.nio.file.Path bundle = federation.home().resolve("proof-" + name + ".json");
    java.nio.file.Files.writeString(bundle, proof.body());
    VerifierJar.Result checked = VerifierJar.run(bundle);
    assertThat(checked.exitCode()).as(checked.output()).isZero();
    assertThat(checked.output()).contains("OK transaction " + txId);
  }

  /**
   * A member renews its signing key under load, with one command ({@code federation.sh renew
   * clinic-b suite-renew}): its node makes its next key, the three others switch it to that key by
   * the channel's consensus, and from that height its seals and transactions are made with the new
   * key — it keeps voting, and every member verifies the chain from genesis under the keys in force
   * at each height. Then its certificate is renewed for the same key ({@code --same-key}) and its
   * key renewed once more (a third key, not the second again), and it still signs and seals. No
   * acknowledged transaction is lost.
   */
  @Test
  void aMemberRenewsItsKeyUnderLoadWithOneCommandAndKeepsVotingWithTheNewKey() throws Exception {
    String channel = SharedFederation.RENEWAL_CHANNEL;
    int clinic = 1;
    awaitChannel(channel, List.of(0, 1, 2, 3));
    String oldKey = fingerprintOf(channel, "clinic-b");
    // hospital-a and pharmacy-c keep submitting; clinic-b submits once its new key is in force (a
    // transaction it signed with the old key and still pending at the renewal height is refused
    // there: README, "Channel governance").
    Load load = new Load(channel, List.of(0, 2), "renew");
    Thread.sleep(3_000);

    launcher("renew", "clinic-b", channel);
    JsonNode next = Http.json(federation.post(clinic, "/node/next-key"));
    String newKey =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(
                        java.util.Base64.getDecoder()
                            .decode(next.path("signingCertificate").asText())));
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(fingerprintOf(channel, "clinic-b")).isEqualTo(newKey);
    long renewedAt =
        Http.json(federation.get(0, "/channels/" + channel + "/config")).path("since").asLong();

    HttpResponse<String> atClinic =
        federation.submitAsync(clinic, channel, "renew-clinic", 90).get(120, TimeUnit.SECONDS);
    assertThat(atClinic.statusCode())
        .as("signed with its new key: " + atClinic.body())
        .isEqualTo(201);

    // Later (the next year): clinic-b's certificate renewed for the same key, then its key renewed
    // again — to a key newer than the one the channel has, not the one it was given before.
    launcher("renew", "clinic-b", channel, "--same-key");
    String recertified = fingerprintOf(channel, "clinic-b");
    assertThat(recertified).as("a new certificate").isNotIn(oldKey, newKey);
    launcher("renew", "clinic-b", channel);
    String thirdKey = fingerprintOf(channel, "clinic-b");
    assertThat(thirdKey).as("a newer key").isNotIn(oldKey, newKey, recertified);
    long lastRenewal =
        Http.json(federation.get(0, "/channels/" + channel + "/config")).path("since").asLong();
    assertThat(lastRenewal).isGreaterThan(renewedAt);
    HttpResponse<String> afterThird =
        federation.submitAsync(clinic, channel, "renew-clinic-3", 90).get(120, TimeUnit.SECONDS);
    assertThat(afterThird.statusCode())
        .as("signed with its third key: " + afterThird.body())
        .isEqualTo(201);

    Thread.sleep(5_000);
    List<String> acknowledged = new ArrayList<>(load.stop());
    acknowledged.add(Http.json(atClinic).path("txId").asText());
    acknowledged.add(Http.json(afterThird).path("txId").asText());

    java.util.concurrent.atomic.AtomicBoolean sealedAfter =
        new java.util.concurrent.atomic.AtomicBoolean();
    sameVerifiedChains(
        channel,
        List.of(0, 1, 2, 3),
        acknowledged,
        lastRenewal,
        (node, height, block) -> {
          if (height >= lastRenewal) {
            for (JsonNode signer : block.path("signers")) {
              sealedAfter.compareAndSet(false, signer.asText().equals("clinic-b"));
            }
          }
        });
    assertThat(sealedAfter.get())
        .as("clinic-b seals blocks after its last renewal (verified under its third key)")
        .isTrue();
  }

  private static String fingerprintOf(String channel, String institution) throws Exception {
    for (JsonNode member :
        Http.json(federation.get(0, "/channels/" + channel + "/config")).path("members")) {
      if (member.path("institution").asText().equals(institution)) {
        return member.path("signingFingerprint").asText();
      }
    }
    throw new AssertionError(institution + " is not listed in " + channel);
  }

  /** {@code federation.sh ARGS}, which must succeed; its time and output go to the test log. */
  private static LocalFederation.Run launcher(String... args) throws Exception {
    LocalFederation.Run run = federation.federationSh(args);
    System.out.println(
        "[JmsConsensusProtocolIT] federation.sh "
            + String.join(" ", args)
            + ": "
            + run.seconds()
            + " s\n"
            + run.output());
    if (run.exitCode() != 0) {
      System.out.println(
          "[JmsConsensusProtocolIT] the nodes after a failed federation.sh "
              + args[0]
              + ":\n"
              + federation.diagnostics(args[0]));
    }
    assertThat(run.exitCode()).as(run.output()).isZero();
    return run;
  }

  private static void awaitChannel(String channel, List<Integer> nodes) throws Exception {
    for (int node : nodes) {
      awaitTrue(
          () -> federation.get(node, "/channels/" + channel).statusCode() == 200,
          channel + " at " + LocalFederation.name(node));
    }
  }

  /** What a test checks of each block of a member's chain. */
  private interface BlockCheck {
    void check(int node, long height, JsonNode block);
  }

  /**
   * The chain of {@code channel} at each of {@code nodes}, up to the head of the first of them
   * (hospital-a): each node holds the block of the same hash at that height and verifies its chain
   * from genesis, which checks every link, so all hold the same chain to that height (comparing
   * every block's hash as well would add nothing but requests: thousands under a long load); every
   * acknowledged transaction is in the first node's blocks; and each block from {@code checkFrom}
   * to the head passes {@code check} at every node (its commit seals are each node's own).
   *
   * @return the head height compared
   */
  private static long sameVerifiedChains(
      String channel,
      List<Integer> nodes,
      List<String> acknowledged,
      long checkFrom,
      BlockCheck check)
      throws Exception {
    int first = nodes.get(0);
    long head = Http.json(federation.get(first, "/channels/" + channel)).path("height").asLong();
    Set<String> onChain = new java.util.HashSet<>();
    String headHash = null;
    for (int n : nodes) {
      awaitTrue(
          () ->
              Http.json(federation.get(n, "/channels/" + channel)).path("height").asLong() >= head,
          LocalFederation.name(n) + " reaches height " + head);
      for (long h = n == first ? 0 : Math.min(checkFrom, head); h <= head; h++) {
        JsonNode block = Http.json(federation.get(n, "/channels/" + channel + "/blocks/" + h));
        if (n == first) {
          block.path("txIds").forEach(id -> onChain.add(id.asText()));
        }
        if (h >= checkFrom) {
          check.check(n, h, block);
        }
        if (h == head) {
          String hash = block.path("hash").asText();
          assertThat(hash).as(LocalFederation.name(n) + "'s block " + head).isNotEmpty();
          if (headHash == null) {
            headHash = hash;
          } else {
            assertThat(hash).as(LocalFederation.name(n) + "'s block " + head).isEqualTo(headHash);
          }
        }
      }
      phase("read blocks at " + LocalFederation.name(n));
      JsonNode verified = Http.json(federation.post(n, "/channels/" + channel + "/verify"));
      assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
      phase("verified at " + LocalFederation.name(n));
    }
    assertThat(onChain).as("at " + LocalFederation.name(first)).containsAll(acknowledged);
    return head;
  }

  /**
   * Stops the load of a test that failed before stopping it: its submitters would otherwise keep
   * writing into the federation the next tests (and ResilienceIT) share.
   */
  @AfterEach
  void stopLeftoverLoad() throws InterruptedException {
    for (Load load : List.copyOf(Load.RUNNING)) {
      load.halt();
    }
  }

  /**
   * Submitters at the given members, one thread each, every submission waiting for its commit;
   * {@link #stop} asserts every one was acknowledged and answers their transaction ids.
   */
  private static final class Load {
    /** Loads started and not yet stopped. */
    static final List<Load> RUNNING = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final List<String> acknowledged =
        java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicBoolean loading =
        new java.util.concurrent.atomic.AtomicBoolean(true);

    /** Each submission that was not acknowledged: when, where, and what came back. */
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    private final List<Thread> threads = new ArrayList<>();

    Load(String channel, List<Integer> nodes, String prefix) {
      RUNNING.add(this);
      for (int n : nodes) {
        Thread submitter =
            new Thread(
                () -> {
                  for (int i = 0; loading.get(); i++) {
                    String record = prefix + "-" + n + "-" + i;
                    java.time.Instant sent = java.time.Instant.now();
                    try {
                      HttpResponse<String> response =
                          federation.submitAsync(n, channel, record, 90).get(120, TimeUnit.SECONDS);
                      if (response.statusCode() == 201) {
                        acknowledged.add(Http.json(response).path("txId").asText());
                      } else {
                        failed(sent, record, n, response.statusCode() + " " + response.body());
                      }
                    } catch (Exception e) {
                      failed(sent, record, n, e.toString());
                    }
                  }
                },
                prefix + "-load-" + n);
        submitter.start();
        threads.add(submitter);
      }
    }

    private void failed(java.time.Instant sent, String record, int node, String what) {
      String failure =
          record
              + " at "
              + LocalFederation.name(node)
              + ", sent "
              + sent
              + ", answered "
              + java.time.Instant.now()
              + ": "
              + what;
      System.out.println("[JmsConsensusProtocolIT] not acknowledged: " + failure);
      failures.add(failure);
    }

    /** Ends the load: no new submissions; waits for those in flight. */
    void halt() throws InterruptedException {
      loading.set(false);
      for (Thread submitter : threads) {
        submitter.join(180_000);
      }
      RUNNING.remove(this);
    }

    List<String> stop() throws InterruptedException {
      halt();
      assertThat(failures).as("submissions that were not acknowledged").isEmpty();
      assertThat(acknowledged).hasSizeGreaterThan(10);
      return List.copyOf(acknowledged);
    }
  }

  private static HttpResponse<String> approve(int node, String channel, String proposal)
      throws Exception {
    HttpResponse<String> response =
        federation.post(
            node, "/channels/" + channel + "/config-updates/" + proposal + "/approvals?wait=120");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return response;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(500);
    }
  }

  @Override
  protected ConsensusCluster newCluster(int members) {
    Deque<String> free = members == 4 ? BFT_CHANNELS : TRIO_CHANNELS;
    if (members != 4 && members != 3 || free.isEmpty()) {
      throw new IllegalStateException("no unused channel of " + members + " members left");
    }
    return new JmsCluster(free.pop(), members);
  }

  /** One channel of the running federation, seen through its first {@code size} members. */
  private static final class JmsCluster implements ConsensusCluster {
    private final String channel;
    private final int size;
    private final Set<Integer> crashed = new TreeSet<>();
    private final Set<Integer> cut = new TreeSet<>();
    private int submitted;

    JmsCluster(String channel, int size) {
      this.channel = channel;
      this.size = size;
      awaitChannelEverywhere();
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public List<String> submit(int count) {
      List<Integer> targets = new ArrayList<>();
      for (int member = 0; member < size; member++) {
        if (!crashed.contains(member) && !cut.contains(member)) {
          targets.add(member);
        }
      }
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int node = targets.get((submitted + i) % targets.size());
        calls.add(
            federation.submitAsync(
                node, channel, channel + "-" + (submitted + i), SUBMIT_WAIT_SECONDS));
      }
      submitted += count;
      List<String> ids = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> call : calls) {
        ids.add(txIdOf(call));
      }
      return ids;
    }

    /** 201: committed; 504 CL-1534: not yet, and still pending. Anything else fails the test. */
    private static String txIdOf(CompletableFuture<HttpResponse<String>> call) {
      try {
        HttpResponse<String> response = call.get(SUBMIT_WAIT_SECONDS + 60L, TimeUnit.SECONDS);
        if (response.statusCode() == 201) {
          return Http.json(response).path("txId").asText();
        }
        Matcher pending = TX_ID.matcher(response.body());
        if (response.statusCode() == 504 && response.body().contains("CL-1534") && pending.find()) {
          return pending.group(1);
        }
        throw new AssertionError(
            "submission answered " + response.statusCode() + ": " + response.body());
      } catch (Exception e) {
        throw new AssertionError("submission failed: " + e, e);
      }
    }

    @Override
    public void crash(int member) {
      try {
        federation.kill(member);
        crashed.add(member);
      } catch (Exception e) {
        throw new AssertionError("kill -9 of " + LocalFederation.MEMBERS.get(member), e);
      }
    }

    @Override
    public void restart(int member) {
      try {
        LocalFederation.Run up = federation.federationSh("up");
        if (up.exitCode() != 0) {
          throw new AssertionError("federation.sh up failed:\n" + up.output());
        }
        System.out.println(
            "[JmsConsensusProtocolIT] federation.sh up restarting "
                + LocalFederation.MEMBERS.get(member)
                + ": "
                + up.seconds()
                + " s");
        crashed.remove(member);
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError("restart of " + LocalFederation.MEMBERS.get(member), e);
      }
    }

    @Override
    public void partition(Set<Integer> side) {
      List<Integer> others = new ArrayList<>();
      for (int member = 0; member < LocalFederation.MEMBERS.size(); member++) {
        if (!side.contains(member)) {
          others.add(member);
        }
      }
      try {
        for (int member : side) {
          federation.setBridges(member, others, "stop");
          cut.add(member);
        }
      } catch (Exception e) {
        throw new AssertionError("stopping the bridges of " + side, e);
      }
    }

    @Override
    public void heal() {
      List<Integer> others = new ArrayList<>();
      for (int member = 0; member < LocalFederation.MEMBERS.size(); member++) {
        if (!cut.contains(member)) {
          others.add(member);
        }
      }
      try {
        for (int member : cut) {
          federation.setBridges(member, others, "start");
        }
        cut.clear();
      } catch (Exception e) {
        throw new AssertionError("starting the bridges of " + cut, e);
      }
    }

    @Override
    public void runFor(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /**
     * The member's blocks of this channel over REST. A member that does not answer (yet) fails the
     * check with an {@link AssertionError}, so a waiting check asks again.
     */
    @Override
    public List<CommittedBlock> chain(int member) {
      try {
        long height = federation.channel(member, channel).path("height").asLong();
        List<CommittedBlock> blocks = new ArrayList<>();
        for (long h = 0; h <= height; h++) {
          HttpResponse<String> response =
              federation.get(member, "/channels/" + channel + "/blocks/" + h);
          if (response.statusCode() != 200) {
            throw new AssertionError(channel + " block " + h + ": " + response.body());
          }
          JsonNode block = Http.json(response);
          List<String> ids = new ArrayList<>();
          block.path("txIds").forEach(id -> ids.add(id.asText()));
          blocks.add(new CommittedBlock(block.path("hash").asText(), ids));
        }
        return blocks;
      } catch (IOException e) {
        throw new AssertionError(LocalFederation.MEMBERS.get(member) + " did not answer: " + e, e);
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(LocalFederation.MEMBERS.get(member) + ": " + e, e);
      }
    }

    /** The next test starts from a whole federation: bridges restored, crashed members back. */
    @Override
    public void close() {
      if (!cut.isEmpty()) {
        heal();
      }
      for (int member : List.copyOf(crashed)) {
        restart(member);
      }
    }

    /** Each member derives the channel's genesis from the descriptor once it has read it. */
    private void awaitChannelEverywhere() {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      for (int member = 0; member < size; member++) {
        while (true) {
          try {
            if (federation.get(member, "/channels/" + channel).statusCode() == 200) {
              break;
            }
          } catch (Exception e) {
            // not answering yet
          }
          if (System.nanoTime() > deadline) {
            throw new AssertionError(
                LocalFederation.MEMBERS.get(member) + " has no channel " + channel);
          }
          runFor(500);
        }
      }
    }
  }
}
