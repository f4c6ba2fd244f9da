package org.careledger.domain.consensus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * A whole channel in one thread with simulated time: honest {@link QbftEngine}s, Byzantine members,
 * and a network with seeded delays, drops, duplicates, reordering and partitions, crashes (at any
 * point while a member performs its outputs, so between a Persist and the sends after it) and
 * restarts from persisted state. Everything follows from the seed: events are ordered by (time,
 * sequence number), randomness comes from one {@link SplittableRandom}, and no collection whose
 * order depends on identity hashes is iterated.
 *
 * <p>Messages travel encoded ({@link MessageCodec}) and are decoded on delivery. The checks run as
 * the simulation goes: no two honest members commit different blocks at a height, every block an
 * honest member commits has a valid certificate, no honest member signs two different messages of
 * one type for one height and round; {@link #finish} adds liveness and, for Ed25519 runs, the real
 * {@link ChainVerifier} over each honest chain.
 */
final class Simulation {

  enum Behaviour {
    SILENT,
    EQUIVOCATE,
    FORGE,
    REPLAY
  }

  /** How one run is set up. */
  static final class Settings {
    int members = 4;
    final Map<Integer, Behaviour> byzantine = new TreeMap<>();
    boolean ed25519;
    EngineConfig engine = new EngineConfig(3, 50, 500, 6, 10_000, 16, 8);
    int maxDelay = 50;
    double drop;
    double duplicate;
    double crashPerOutput;
    QbftEngine.Fault fault = QbftEngine.Fault.NONE;
    long maxEvents = 2_000_000;
  }

  private record Event(long time, long seq, Runnable action) {}

  /** Bytes on the wire, decoded once for all recipients (the message is immutable). */
  private static final class Wire {
    final byte[] bytes;
    ConsensusMessage decoded;

    Wire(byte[] bytes) {
      this.bytes = bytes;
    }

    ConsensusMessage message() {
      if (decoded == null) {
        decoded = MessageCodec.decode(bytes);
      }
      return decoded;
    }
  }

  private final class Node {
    final int index;
    final Member member;
    final ConsensusSigner signer;
    final Behaviour behaviour;
    QbftEngine engine;
    boolean up = true;
    int incarnation;
    final List<Block> chain = new ArrayList<>();
    final Set<String> committedIds = new HashSet<>();
    final LinkedHashMap<String, SignedTransaction> received = new LinkedHashMap<>();
    byte[] persisted;
    final List<ConsensusMessage> log = new ArrayList<>();
    final Set<String> doubleVoted = new HashSet<>();

    Node(int index, Behaviour behaviour) {
      this.index = index;
      this.member = ConsensusFixture.MEMBERS.get(index);
      this.signer = settings.ed25519 ? ConsensusFixture.ed25519Signer(index) : hmac.signer(member);
      this.behaviour = behaviour;
      chain.add(ConsensusFixture.genesis(settings.members));
    }

    boolean honest() {
      return behaviour == null;
    }

    QbftEngine newEngine() {
      SignedState state = persisted == null ? null : MessageCodec.decodeState(persisted);
      QbftEngine.Services services =
          new QbftEngine.Services(
              verifier,
              ConsensusFixture.TX_VERIFIER,
              BlockValidator.STRUCTURAL_ONLY,
              id -> committedIds.contains(HexFormat.of().formatHex(id)));
      return new QbftEngine(
          signer,
          membership,
          chain.get(chain.size() - 1).header(),
          state,
          settings.engine,
          services,
          honest() ? settings.fault : QbftEngine.Fault.NONE);
    }
  }

  final long seed;
  final Settings settings;
  private final SplittableRandom random;
  private final HmacSignatures hmac;
  private final SignatureVerifier verifier;
  private final Membership membership;
  private final Node[] nodes;
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long events;
  private boolean faulty = true;
  private int[] side;

  private final Map<Long, String> committedAt = new HashMap<>();
  private final Map<String, byte[]> signedBy = new HashMap<>();
  private final Set<String> submitted = new java.util.TreeSet<>();
  final List<String> violations = new ArrayList<>();
  int crashes;
  long delivered;
  long droppedByEngines;

  Simulation(long seed, Settings settings) {
    this.seed = seed;
    this.settings = settings;
    this.random = new SplittableRandom(seed);
    this.hmac = new HmacSignatures(seed);
    this.verifier = settings.ed25519 ? Ed25519Signatures.VERIFIER : hmac;
    this.membership = ConsensusFixture.membership(settings.members);
    this.nodes = new Node[settings.members];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node(i, settings.byzantine.get(i));
    }
    for (Node node : nodes) {
      node.engine = node.newEngine();
      perform(node, node.engine.start(now));
    }
  }

  // ---- the cluster operations

  public int size() {
    return nodes.length;
  }

  public void submit(List<SignedTransaction> transactions) {
    for (SignedTransaction tx : transactions) {
      submitted.add(tx.idHex());
    }
    for (Node node : nodes) {
      for (SignedTransaction tx : transactions) {
        node.received.put(tx.idHex(), tx);
      }
      if (node.up) {
        perform(node, node.engine.onTransactions(transactions, now));
      }
    }
  }

  public void crash(int member) {
    Node node = nodes[member];
    if (node.up) {
      node.up = false;
      node.incarnation++;
      crashes++;
    }
  }

  public void restart(int member) {
    Node node = nodes[member];
    if (node.up) {
      return;
    }
    node.up = true;
    node.incarnation++;
    node.engine = node.newEngine();
    perform(node, node.engine.start(now));
    List<SignedTransaction> pending = new ArrayList<>();
    for (SignedTransaction tx : node.received.values()) {
      if (!node.committedIds.contains(tx.idHex())) {
        pending.add(tx);
      }
    }
    if (node.up && !pending.isEmpty()) {
      perform(node, node.engine.onTransactions(pending, now));
    }
  }

  public void partition(Set<Integer> members) {
    side = new int[nodes.length];
    for (int member : members) {
      side[member] = 1;
    }
  }

  public void heal() {
    side = null;
  }

  /** Ends the fault phase: no more drops, duplicates, crashes or partitions; all restart. */
  void calm() {
    faulty = false;
    heal();
    for (Node node : nodes) {
      restart(node.index);
    }
  }

  public void runFor(long millis) {
    runUntil(now + millis, false);
  }

  /**
   * Runs to {@code until}; with {@code stopWhenDone}, stops early once every honest member has
   * committed every submitted transaction.
   */
  void runUntil(long until, boolean stopWhenDone) {
    while (!queue.isEmpty() && queue.peek().time <= until) {
      if (stopWhenDone && !faulty && allCommitted()) {
        return;
      }
      Event event = queue.poll();
      now = event.time;
      if (++events > settings.maxEvents) {
        violations.add("event budget of " + settings.maxEvents + " exhausted at t=" + now);
        queue.clear();
        return;
      }
      event.action.run();
    }
    now = Math.max(now, until);
  }

  void at(long time, Runnable action) {
    queue.add(new Event(time, seq++, action));
  }

  long now() {
    return now;
  }

  public List<Block> chain(int member) {
    return List.copyOf(nodes[member].chain);
  }

  boolean honest(int member) {
    return nodes[member].honest();
  }

  boolean allCommitted() {
    for (Node node : nodes) {
      if (node.honest() && !node.committedIds.containsAll(submitted)) {
        return false;
      }
    }
    return true;
  }

  /** Liveness and whole-chain checks at the end of a run. */
  List<String> finish(boolean expectLiveness) {
    for (Node node : nodes) {
      if (!node.honest()) {
        continue;
      }
      if (expectLiveness && !node.committedIds.containsAll(submitted)) {
        violations.add(
            "liveness: "
                + node.member.institution()
                + " committed "
                + node.committedIds.size()
                + " of "
                + submitted.size()
                + " transactions by t="
                + now
                + " (height "
                + (node.chain.size() - 1)
                + ")");
      }
      if (settings.ed25519) {
        ChainVerifier.Report report =
            new ChainVerifier().verify(node.chain.stream().map(Block::stored).toList());
        if (!report.ok()) {
          violations.add("chain of " + node.member.institution() + ": " + report.failure());
        }
      }
    }
    return violations;
  }

  String summary() {
    int maxHeight = 0;
    for (Node node : nodes) {
      maxHeight = Math.max(maxHeight, node.chain.size() - 1);
    }
    return "n="
        + nodes.length
        + " byzantine="
        + settings.byzantine
        + (settings.ed25519 ? " ed25519" : " hmac")
        + " events="
        + events
        + " delivered="
        + delivered
        + " crashes="
        + crashes
        + " height="
        + maxHeight
        + " t="
        + now;
  }

  // ---- performing a member's outputs

  private void perform(Node node, List<Output> outputs) {
    int incarnation = node.incarnation;
    Map<ConsensusMessage, Wire> encoded = new HashMap<>();
    for (Output output : outputs) {
      if (!node.up || node.incarnation != incarnation) {
        return;
      }
      if (node.honest() && faulty && random.nextDouble() < settings.crashPerOutput) {
        crash(node.index);
        long restartAt = now + 100 + random.nextInt(1500);
        at(restartAt, () -> restart(node.index));
        return;
      }
      if (output instanceof Output.Persist persist) {
        node.persisted = persist.state().encoded();
      } else if (output instanceof Output.Broadcast broadcast) {
        observeSigned(node, broadcast.message());
        for (Node to : nodes) {
          if (to != node) {
            sendOut(node, to.index, broadcast.message(), encoded);
          }
        }
      } else if (output instanceof Output.SendTo sendTo) {
        observeSigned(node, sendTo.message());
        sendOut(node, index(sendTo.member()), sendTo.message(), encoded);
      } else if (output instanceof Output.ScheduleTimer timer) {
        at(
            now + timer.delayMillis(),
            () -> {
              if (node.up && node.incarnation == incarnation) {
                perform(node, node.engine.onTimer(timer.event(), now));
              }
            });
      } else if (output instanceof Output.Commit commit) {
        onCommit(node, commit.block());
      } else if (output instanceof Output.RequestSync request) {
        requestSync(node, index(request.member()), request.fromHeight());
      } else if (output instanceof Output.Dropped) {
        droppedByEngines++;
      }
    }
  }

  private int index(org.careledger.domain.identity.InstitutionId id) {
    for (Node node : nodes) {
      if (node.member.institution().equals(id)) {
        return node.index;
      }
    }
    throw new IllegalStateException("no member " + id);
  }

  private void sendOut(
      Node from, int to, ConsensusMessage message, Map<ConsensusMessage, Wire> cache) {
    if (!from.honest()) {
      byzantineSend(from, to, message);
      return;
    }
    transmit(from.index, to, cache.computeIfAbsent(message, m -> new Wire(MessageCodec.encode(m))));
  }

  private void transmit(int from, int to, byte[] bytes) {
    transmit(from, to, new Wire(bytes));
  }

  private void transmit(int from, int to, Wire bytes) {
    if (faulty) {
      if (side != null && side[from] != side[to]) {
        return;
      }
      if (random.nextDouble() < settings.drop) {
        return;
      }
      if (random.nextDouble() < settings.duplicate) {
        at(now + 1 + random.nextInt(settings.maxDelay), () -> deliver(to, bytes));
      }
    }
    at(now + 1 + random.nextInt(settings.maxDelay), () -> deliver(to, bytes));
  }

  private void deliver(int to, Wire bytes) {
    Node node = nodes[to];
    if (!node.up) {
      return;
    }
    delivered++;
    ConsensusMessage message = bytes.message();
    if (!node.honest()) {
      byzantineReceive(node, message);
    }
    perform(node, node.engine.onMessage(message, now));
  }

  private void requestSync(Node node, int peer, long fromHeight) {
    int incarnation = node.incarnation;
    if (faulty
        && ((side != null && side[node.index] != side[peer])
            || random.nextDouble() < settings.drop)) {
      return;
    }
    at(
        now + 1 + random.nextInt(settings.maxDelay),
        () -> {
          Node server = nodes[peer];
          if (!server.up || fromHeight >= server.chain.size()) {
            return;
          }
          List<Block> blocks =
              new ArrayList<>(
                  server.chain.subList(
                      (int) fromHeight, (int) Math.min(server.chain.size(), fromHeight + 8)));
          if (server.behaviour == Behaviour.FORGE || server.behaviour == Behaviour.EQUIVOCATE) {
            blocks = tamper(server, blocks);
          }
          List<Block> answer = blocks;
          at(
              now + 1 + random.nextInt(settings.maxDelay),
              () -> {
                if (node.up && node.incarnation == incarnation) {
                  perform(
                      node, node.engine.onBlocksReceived(server.member.institution(), answer, now));
                }
              });
        });
  }

  /** A Byzantine server's answer: the first block with a certificate only it could have made. */
  private List<Block> tamper(Node server, List<Block> blocks) {
    Block first = blocks.get(0);
    BlockHeader header = first.header();
    BlockHeader forged =
        new BlockHeader(
            header.channel(),
            header.height(),
            header.previousHash(),
            header.txRoot(),
            header.txCount(),
            header.time() + 1,
            header.proposer());
    List<CommitCertificate.Signature> seals = new ArrayList<>();
    for (Node node : nodes) {
      byte[] message = CommitCertificate.signedMessage(forged);
      byte[] signature = node == server ? server.signer.sign(message) : server.signer.sign(message);
      seals.add(
          new CommitCertificate.Signature(
              node.member.institution(), node.member.signingFingerprint(), signature));
    }
    return List.of(new Block(forged, first.transactions(), new CommitCertificate(seals)));
  }

  // ---- checks

  private void onCommit(Node node, Block block) {
    node.chain.add(block);
    for (SignedTransaction tx : block.transactions()) {
      node.committedIds.add(tx.idHex());
    }
    if (!node.honest()) {
      return;
    }
    long height = block.header().height();
    if (height != node.chain.size() - 1) {
      violations.add(node.member.institution() + " committed height " + height + " out of order");
    }
    String problem =
        BlockChecks.certificateProblem(block.header(), block.certificate(), membership, verifier);
    if (problem != null) {
      violations.add(
          node.member.institution()
              + " committed block "
              + height
              + " with a bad certificate: "
              + problem);
    }
    String hash = block.header().hashHex();
    String first = committedAt.putIfAbsent(height, hash);
    if (first != null && !first.equals(hash)) {
      violations.add(
          "fork at height "
              + height
              + ": "
              + node.member.institution()
              + " committed "
              + hash.substring(0, 12)
              + ", another honest member "
              + first.substring(0, 12));
    }
  }

  private void observeSigned(Node node, ConsensusMessage message) {
    if (!node.honest() || !message.sender().equals(node.member.institution())) {
      return;
    }
    Payload p = message.payload();
    String key = node.index + "/" + p.type() + "/" + p.height() + "/" + p.round();
    byte[] encoded = p.encoded();
    byte[] before = signedBy.putIfAbsent(key, encoded);
    if (before != null && !Arrays.equals(before, encoded)) {
      violations.add(
          node.member.institution()
              + " signed two different "
              + p.type()
              + " at height "
              + p.height()
              + " round "
              + p.round());
    }
  }

  // ---- Byzantine members

  private void byzantineSend(Node from, int to, ConsensusMessage message) {
    switch (from.behaviour) {
      case SILENT -> {}
      case EQUIVOCATE -> {
        if (message.type() == MessageType.PROPOSAL
            && message.prepares().isEmpty()
            && random.nextBoolean()) {
          transmit(from.index, to, alternative(from, message).encoded());
        } else {
          transmit(from.index, to, message.encoded());
        }
      }
      case FORGE -> {
        transmit(from.index, to, message.encoded());
        transmit(from.index, to, forged(from, message).encoded());
      }
      case REPLAY -> {
        transmit(from.index, to, message.encoded());
        if (!from.log.isEmpty()) {
          transmit(from.index, to, from.log.get(random.nextInt(from.log.size())).encoded());
        }
      }
    }
  }

  private void byzantineReceive(Node node, ConsensusMessage message) {
    if (node.behaviour == Behaviour.REPLAY && node.log.size() < 500) {
      node.log.add(message);
    }
    if (node.behaviour == Behaviour.EQUIVOCATE
        && message.type() == MessageType.PROPOSAL
        && node.doubleVoted.add(
            message.height() + "/" + message.round() + "/" + message.payload().digestHex())) {
      // Votes for every proposal it sees, including conflicting ones.
      Payload p = message.payload();
      byte[] digest = p.digest();
      SignedPayload prepare =
          SignedPayload.sign(
              Payload.prepare(
                  p.channel(), p.height(), p.round(), node.member.institution(), digest),
              node.signer);
      CommitCertificate.Signature seal =
          new CommitCertificate.Signature(
              node.member.institution(),
              node.member.signingFingerprint(),
              node.signer.sign(BlockChecks.sealMessage(digest)));
      SignedPayload commit =
          SignedPayload.sign(
              Payload.commit(
                  p.channel(), p.height(), p.round(), node.member.institution(), digest, seal),
              node.signer);
      for (Node to : nodes) {
        if (to != node) {
          transmit(node.index, to.index, ConsensusMessage.of(prepare).encoded());
          transmit(node.index, to.index, ConsensusMessage.of(commit).encoded());
        }
      }
    }
  }

  /** The same proposal for a different block: the time moved by a millisecond. */
  private ConsensusMessage alternative(Node node, ConsensusMessage proposal) {
    ProposedBlock block = proposal.block();
    BlockHeader h = block.header();
    List<SignedTransaction> txs = block.transactions();
    if (!txs.isEmpty() && random.nextBoolean()) {
      txs = txs.subList(0, txs.size() - 1);
    }
    BlockHeader header =
        Block.header(
            h.channel(),
            nodes[node.index].chain.get((int) h.height() - 1).header(),
            txs,
            h.time() + 1,
            h.proposer());
    ProposedBlock alt = new ProposedBlock(header, txs);
    Payload payload =
        Payload.proposal(
            h.channel(), h.height(), proposal.round(), node.member.institution(), alt.digest());
    ConsensusMessage message =
        new ConsensusMessage(
            SignedPayload.sign(payload, node.signer), alt, proposal.roundChanges(), List.of());
    byzantineReceive(node, message);
    return message;
  }

  /** A copy claiming to come from an honest member, signed with the Byzantine member's key. */
  private ConsensusMessage forged(Node node, ConsensusMessage message) {
    Payload p = message.payload();
    int victim = random.nextInt(nodes.length);
    org.careledger.domain.identity.InstitutionId claimed = nodes[victim].member.institution();
    Payload fake =
        switch (p.type()) {
          case COMMIT -> {
            CommitCertificate.Signature seal =
                new CommitCertificate.Signature(
                    claimed,
                    nodes[victim].member.signingFingerprint(),
                    node.signer.sign(BlockChecks.sealMessage(p.digest())));
            yield Payload.commit(p.channel(), p.height(), p.round(), claimed, p.digest(), seal);
          }
          case ROUND_CHANGE ->
              Payload.roundChange(p.channel(), p.height(), p.round() + 1, claimed, -1, null);
          default -> Payload.prepare(p.channel(), p.height(), p.round(), claimed, p.digest());
        };
    return ConsensusMessage.of(new SignedPayload(fake, node.signer.sign(fake.signedBytes())));
  }
}
