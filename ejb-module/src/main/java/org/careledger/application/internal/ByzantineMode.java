package org.careledger.application.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.careledger.domain.consensus.ConsensusMessage;
import org.careledger.domain.consensus.ConsensusSigner;
import org.careledger.domain.consensus.MessageType;
import org.careledger.domain.consensus.Payload;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.consensus.SignedPayload;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.merkle.MerkleTree;

/**
 * <b>Test only.</b> Makes a real node a Byzantine member of its channels, so that the resilience
 * suite can run the four-node federation with one member that misbehaves and prove that the honest
 * members stay safe. It is the deterministic simulation's Byzantine member ({@code Simulation},
 * section "Byzantine members") moved into the node: the honest {@link
 * org.careledger.domain.consensus.QbftEngine} keeps running unchanged, and this class rewrites what
 * the node sends and adds what it sends on its own when it receives. The behaviours, any
 * combination of them:
 *
 * <ul>
 *   <li>{@link Behaviour#EQUIVOCATE}: every second peer (by the order of the channel's members)
 *       receives, instead of this node's fresh proposal, a proposal for another valid block at the
 *       same height and round (same parent, the transactions but the last, time + 1 ms), properly
 *       signed, followed by this node's PREPARE and COMMIT for it; so two conflicting, validly
 *       signed proposals exist. And for every proposal it receives at a (height, round, digest) not
 *       seen before it sends a PREPARE and a COMMIT (with its seal) to every peer: it votes for
 *       every proposal, conflicting ones included.
 *   <li>{@link Behaviour#FORGE}: besides each real message, a copy that claims another member of
 *       the channel as its author but is signed with this node's key, and a copy of the real
 *       message with one byte of its consensus signature flipped.
 *   <li>{@link Behaviour#REPLAY}: besides each real message, one earlier consensus message of the
 *       channel, sent or received, chosen at random from a log of the last {@value #LOG_SIZE}.
 * </ul>
 *
 * <p>The messages this class returns are plain {@link ConsensusMessage}s: the caller puts each in
 * its own federation envelope, signed with the node's key, so every one of them passes the
 * receivers' envelope checks and reaches their consensus engine, which is what is being tested.
 *
 * <p><b>Why a switch in production code is acceptable.</b> {@code ConsensusDriver} reads the
 * behaviours from the JVM system property {@value ConsensusDriver#BYZANTINE_PROPERTY} on each use,
 * so the suite switches them on and off at run time through the server's management interface.
 * Whoever can set a JVM system property on a node already controls that node and holds its keys:
 * with them they could send all of this, and worse, anyway. The switch grants nothing; the
 * protocol's safety never depends on a member being honest, only on fewer than a third being
 * faulty, and this is how that is shown on the real federation. Every change is logged as a
 * warning.
 *
 * <p>Plain Java; thread-safe (every method that touches state is synchronised). Randomness comes
 * from a {@link SplittableRandom} owned by the instance.
 */
public final class ByzantineMode {

  /** What a Byzantine member does. */
  public enum Behaviour {
    EQUIVOCATE,
    FORGE,
    REPLAY
  }

  /** Most consensus messages kept per channel for {@link Behaviour#REPLAY}. */
  static final int LOG_SIZE = 500;

  /** Most (height, round, digest) keys remembered per channel for double voting. */
  private static final int VOTED_SIZE = 10_000;

  /** Honest: passes everything through. */
  public static final ByzantineMode INACTIVE =
      new ByzantineMode(EnumSet.noneOf(Behaviour.class), 0);

  private final Set<Behaviour> behaviours;
  private final SplittableRandom random;

  /** Per channel: messages sent and received, oldest first. */
  private final Map<ChannelId, ArrayDeque<ConsensusMessage>> log = new HashMap<>();

  /** Per channel: proposals already double-voted for, as "height/round/digest". */
  private final Map<ChannelId, LinkedHashSet<String>> voted = new HashMap<>();

  /**
   * The last own fresh proposal rewritten, and its alternative (one per proposal, not per peer).
   */
  private ConsensusMessage lastProposal;

  private ConsensusMessage lastAlternative;

  /** The last message logged as sent: a broadcast is offered once per peer, logged once. */
  private ConsensusMessage lastLogged;

  ByzantineMode(Set<Behaviour> behaviours, long seed) {
    this.behaviours =
        Collections.unmodifiableSet(
            behaviours.isEmpty() ? EnumSet.noneOf(Behaviour.class) : EnumSet.copyOf(behaviours));
    this.random = new SplittableRandom(seed);
  }

  /**
   * The behaviours of a comma-separated list of {@code equivocate}, {@code forge} and {@code
   * replay} (case and blanks ignored); null or blank gives an inactive instance.
   *
   * @throws IllegalArgumentException naming the first word that is none of these
   */
  public static ByzantineMode parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return INACTIVE;
    }
    Set<Behaviour> chosen = EnumSet.noneOf(Behaviour.class);
    for (String word : spec.split(",")) {
      String w = word.strip();
      if (w.isEmpty()) {
        continue;
      }
      try {
        chosen.add(Behaviour.valueOf(w.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown Byzantine behaviour '"
                + w
                + "' (known: equivocate, forge, replay) in '"
                + spec
                + "'");
      }
    }
    return chosen.isEmpty()
        ? INACTIVE
        : new ByzantineMode(chosen, new SplittableRandom().nextLong());
  }

  public boolean active() {
    return !behaviours.isEmpty();
  }

  public Set<Behaviour> behaviours() {
    return behaviours;
  }

  /** For the log: the behaviours in lower case, comma-separated, or "none". */
  public String describe() {
    return behaviours.isEmpty()
        ? "none"
        : behaviours.stream()
            .map(b -> b.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(","));
  }

  // ------------------------------------------------------------------------------------------
  // Outbound
  // ------------------------------------------------------------------------------------------

  /**
   * What actually goes to {@code peer} when the honest engine sends it {@code message}: the message
   * itself when inactive, else the message or its equivocating alternative (with this node's votes
   * for it), the forged copies, and a replayed earlier message, as the behaviours say.
   *
   * @param membership the channel's members (peers are all but {@code signer.member()})
   * @param signer this node's consensus signer
   */
  public List<ConsensusMessage> outbound(
      ConsensusMessage message, InstitutionId peer, Membership membership, ConsensusSigner signer) {
    if (!active()) {
      return List.of(message);
    }
    synchronized (this) {
      List<ConsensusMessage> out = new ArrayList<>(6);
      ChannelId channel = message.payload().channel();
      InstitutionId self = signer.member();
      ConsensusMessage replayed = null;
      if (behaviours.contains(Behaviour.REPLAY)) {
        ArrayDeque<ConsensusMessage> earlier = log.get(channel);
        if (earlier != null) {
          replayed = pick(earlier, message);
        }
      }
      if (message != lastLogged) {
        remember(channel, message);
        lastLogged = message;
      }
      if (behaviours.contains(Behaviour.EQUIVOCATE)
          && isFreshOwnProposal(message, self)
          && peerIndex(peer, membership, self) % 2 == 1) {
        ConsensusMessage alternative = alternative(message, signer);
        out.add(alternative);
        out.addAll(votes(alternative.payload(), signer));
      } else {
        out.add(message);
      }
      if (behaviours.contains(Behaviour.FORGE)) {
        ConsensusMessage forged = forged(message, membership, signer);
        if (forged != null) {
          out.add(forged);
        }
        out.add(flipped(message));
      }
      if (replayed != null) {
        out.add(replayed);
      }
      return out;
    }
  }

  private static boolean isFreshOwnProposal(ConsensusMessage message, InstitutionId self) {
    return message.type() == MessageType.PROPOSAL
        && message.prepares().isEmpty()
        && message.sender().equals(self);
  }

  /** The peer's place among the channel's members other than this node, or -1. */
  static int peerIndex(InstitutionId peer, Membership membership, InstitutionId self) {
    int index = 0;
    for (Member member : membership.members()) {
      if (member.institution().equals(self)) {
        continue;
      }
      if (member.institution().equals(peer)) {
        return index;
      }
      index++;
    }
    return -1;
  }

  /**
   * The same proposal for another block: same height, round, parent and proposer, the transactions
   * but the last (if any), the time one millisecond later; signed by this node.
   */
  private ConsensusMessage alternative(ConsensusMessage proposal, ConsensusSigner signer) {
    if (proposal == lastProposal) {
      return lastAlternative;
    }
    ProposedBlock block = proposal.block();
    BlockHeader h = block.header();
    List<SignedTransaction> txs = block.transactions();
    if (!txs.isEmpty()) {
      txs = txs.subList(0, txs.size() - 1);
    }
    BlockHeader header =
        new BlockHeader(
            h.channel(),
            h.height(),
            h.previousHash(),
            MerkleTree.root(txs.stream().map(SignedTransaction::leafHash).toList()),
            txs.size(),
            h.time() + 1,
            h.proposer());
    ProposedBlock alt = new ProposedBlock(header, txs);
    Payload payload =
        Payload.proposal(h.channel(), h.height(), proposal.round(), signer.member(), alt.digest());
    ConsensusMessage message =
        new ConsensusMessage(
            SignedPayload.sign(payload, signer), alt, proposal.roundChanges(), List.of());
    // This node votes for its alternative too (from here, not as a received proposal).
    markVoted(payload);
    lastProposal = proposal;
    lastAlternative = message;
    return message;
  }

  /**
   * A copy claiming to come from another member of the channel, signed with this node's key: a
   * PREPARE for the same digest, a COMMIT with a seal in the other member's name, or a ROUND_CHANGE
   * for the next round. Null when the channel has no other member.
   */
  private ConsensusMessage forged(
      ConsensusMessage message, Membership membership, ConsensusSigner signer) {
    List<Member> others = new ArrayList<>();
    for (Member member : membership.members()) {
      if (!member.institution().equals(signer.member())) {
        others.add(member);
      }
    }
    if (others.isEmpty()) {
      return null;
    }
    Member victim = others.get(random.nextInt(others.size()));
    InstitutionId claimed = victim.institution();
    Payload p = message.payload();
    Payload fake =
        switch (p.type()) {
          case COMMIT -> {
            CommitCertificate.Signature seal =
                new CommitCertificate.Signature(
                    claimed, victim.signingFingerprint(), signer.sign(sealMessage(p.digest())));
            yield Payload.commit(p.channel(), p.height(), p.round(), claimed, p.digest(), seal);
          }
          case ROUND_CHANGE ->
              Payload.roundChange(p.channel(), p.height(), p.round() + 1, claimed, -1, null);
          default -> Payload.prepare(p.channel(), p.height(), p.round(), claimed, p.digest());
        };
    return ConsensusMessage.of(SignedPayload.sign(fake, impersonating(claimed, signer)));
  }

  /** Signs with {@code signer}'s key but says it is {@code claimed}: what a forger does. */
  private static ConsensusSigner impersonating(InstitutionId claimed, ConsensusSigner signer) {
    return new ConsensusSigner() {
      @Override
      public InstitutionId member() {
        return claimed;
      }

      @Override
      public Fingerprint key() {
        return signer.key();
      }

      @Override
      public byte[] sign(byte[] message) {
        return signer.sign(message);
      }
    };
  }

  /** The real message with one byte of its own (consensus, not envelope) signature flipped. */
  private ConsensusMessage flipped(ConsensusMessage message) {
    byte[] signature = message.signed().signature();
    signature[random.nextInt(signature.length)] ^= (byte) (1 + random.nextInt(255));
    return new ConsensusMessage(
        new SignedPayload(message.payload(), signature),
        message.block(),
        message.roundChanges(),
        message.prepares());
  }

  // ------------------------------------------------------------------------------------------
  // Inbound
  // ------------------------------------------------------------------------------------------

  /**
   * What this node sends to every peer on its own after receiving {@code message}: with {@link
   * Behaviour#EQUIVOCATE}, for a PROPOSAL at a (height, round, digest) it has not voted for yet, a
   * PREPARE and a COMMIT for it; otherwise nothing. With {@link Behaviour#REPLAY} the message is
   * logged for replaying later.
   */
  public List<ConsensusMessage> inbound(ConsensusMessage message, ConsensusSigner signer) {
    if (!active()) {
      return List.of();
    }
    synchronized (this) {
      remember(message.payload().channel(), message);
      if (behaviours.contains(Behaviour.EQUIVOCATE)
          && message.type() == MessageType.PROPOSAL
          && markVoted(message.payload())) {
        return votes(message.payload(), signer);
      }
      return List.of();
    }
  }

  /**
   * @return true the first time this proposal's (height, round, digest) is seen
   */
  private boolean markVoted(Payload proposal) {
    LinkedHashSet<String> seen =
        voted.computeIfAbsent(proposal.channel(), c -> new LinkedHashSet<>());
    boolean fresh =
        seen.add(
            proposal.height()
                + "/"
                + proposal.round()
                + "/"
                + java.util.HexFormat.of().formatHex(proposal.digest()));
    if (seen.size() > VOTED_SIZE) {
      seen.remove(seen.iterator().next());
    }
    return fresh;
  }

  /** This node's PREPARE and COMMIT (with its seal) for the proposal's block. */
  private static List<ConsensusMessage> votes(Payload p, ConsensusSigner signer) {
    byte[] digest = p.digest();
    InstitutionId self = signer.member();
    SignedPayload prepare =
        SignedPayload.sign(
            Payload.prepare(p.channel(), p.height(), p.round(), self, digest), signer);
    CommitCertificate.Signature seal =
        new CommitCertificate.Signature(self, signer.key(), signer.sign(sealMessage(digest)));
    SignedPayload commit =
        SignedPayload.sign(
            Payload.commit(p.channel(), p.height(), p.round(), self, digest, seal), signer);
    return List.of(ConsensusMessage.of(prepare), ConsensusMessage.of(commit));
  }

  /**
   * What a commit seal signs for the block with this hash ({@link
   * CommitCertificate#signedMessage}).
   */
  private static byte[] sealMessage(byte[] digest) {
    byte[] prefix = CommitCertificate.DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[prefix.length + digest.length];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(digest, 0, message, prefix.length, digest.length);
    return message;
  }

  // ------------------------------------------------------------------------------------------

  private void remember(ChannelId channel, ConsensusMessage message) {
    if (!behaviours.contains(Behaviour.REPLAY)) {
      return;
    }
    ArrayDeque<ConsensusMessage> earlier = log.computeIfAbsent(channel, c -> new ArrayDeque<>());
    earlier.addLast(message);
    if (earlier.size() > LOG_SIZE) {
      earlier.removeFirst();
    }
  }

  /** A random message of the log other than {@code current} (a broadcast's own), or null. */
  private ConsensusMessage pick(ArrayDeque<ConsensusMessage> earlier, ConsensusMessage current) {
    List<ConsensusMessage> candidates = new ArrayList<>(earlier.size());
    for (ConsensusMessage m : earlier) {
      if (m != current) {
        candidates.add(m);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** The number of messages kept for replaying on the channel (tests). */
  synchronized int logged(ChannelId channel) {
    ArrayDeque<ConsensusMessage> earlier = log.get(channel);
    return earlier == null ? 0 : earlier.size();
  }

  @Override
  public String toString() {
    return "ByzantineMode[" + describe() + "]";
  }
}
