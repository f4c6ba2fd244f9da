package org.careledger.domain.consensus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.careledger.domain.identity.InstitutionId;

/**
 * Evidence of equivocation: a member that signed two different consensus payloads of the same kind
 * for the same height and round (two proposals, two prepares or two commits for different blocks;
 * two different round changes). An honest member never does, whatever crashes, restarts or
 * failovers it goes through (it saves what it signed before sending it); a Byzantine one, or an
 * institution whose two nodes both ran its consensus member, does.
 *
 * <p>The consensus driver shows it every validly signed payload a node receives (a message's own,
 * and those justifying it); only payloads whose signature checked out count, so nobody can frame a
 * member with a forged message. Exact copies (the bridges deliver at least once, members resend)
 * are not conflicts. Payloads more than {@code heightsKept} heights below the highest seen are not
 * kept, so memory stays bounded; a conflict older than that goes unnoticed here (the engine's own
 * per-round checks and the chains' certificates still hold). Thread-safe.
 */
public final class EquivocationWatch {

  /** One piece of evidence: the member's two signed payloads for one slot. */
  public record Conflict(
      InstitutionId member,
      MessageType type,
      long height,
      int round,
      String first,
      String second) {}

  private record Slot(InstitutionId member, MessageType type, long height, int round) {}

  /** Most pieces of evidence kept (the counts keep counting). */
  static final int EVIDENCE_KEPT = 32;

  private final int heightsKept;
  private final Map<Slot, Payload> seen = new HashMap<>();
  private final Map<String, Long> counts = new TreeMap<>();
  private final Deque<Conflict> evidence = new ArrayDeque<>();
  private long highest;

  public EquivocationWatch(int heightsKept) {
    if (heightsKept < 1) {
      throw new IllegalArgumentException("heightsKept must be positive");
    }
    this.heightsKept = heightsKept;
  }

  /**
   * Looks at one signed payload if its signature is valid under {@code membership}: unsigned or
   * forged payloads are evidence against nobody.
   */
  public Optional<Conflict> observe(
      SignedPayload signed,
      org.careledger.domain.ledger.Membership membership,
      SignatureVerifier signatures) {
    var member = membership.byInstitution(signed.payload().sender()).orElse(null);
    if (member == null
        || !signatures.verify(member, signed.payload().signedBytes(), signed.signatureUnsafe())) {
      return Optional.empty();
    }
    return observe(signed.payload());
  }

  /**
   * Looks at one validly signed payload.
   *
   * @return the conflict, if the same member signed a different payload for this slot before
   */
  public synchronized Optional<Conflict> observe(Payload payload) {
    if (payload.height() + heightsKept < highest) {
      return Optional.empty();
    }
    Slot slot = new Slot(payload.sender(), payload.type(), payload.height(), payload.round());
    Payload first = seen.putIfAbsent(slot, payload);
    if (payload.height() > highest) {
      highest = payload.height();
      prune();
    }
    if (first == null || first.equals(payload)) {
      return Optional.empty();
    }
    Conflict conflict =
        new Conflict(
            payload.sender(),
            payload.type(),
            payload.height(),
            payload.round(),
            first.toString(),
            payload.toString());
    counts.merge(payload.sender().value(), 1L, Long::sum);
    evidence.addLast(conflict);
    if (evidence.size() > EVIDENCE_KEPT) {
      evidence.removeFirst();
    }
    return Optional.of(conflict);
  }

  /** How many conflicting payloads each member signed (members with none are not listed). */
  public synchronized Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  /** The most recent conflicts, oldest first. */
  public synchronized List<Conflict> evidence() {
    return new ArrayList<>(evidence);
  }

  private void prune() {
    for (Iterator<Slot> it = seen.keySet().iterator(); it.hasNext(); ) {
      if (it.next().height() + heightsKept < highest) {
        it.remove();
      }
    }
  }
}
