package org.careledger.domain.federation;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;

/**
 * Drops duplicate and replayed federation envelopes without relying on their order: MDBs consume in
 * parallel, and a bridge redelivers after a failure, so envelopes arrive in any order and sometimes
 * twice.
 *
 * <p>An envelope is admitted once per (sender, message id) within an acceptance window around the
 * caller's clock: its {@code createdAt} may lie up to {@code window} in the past and up to {@code
 * futureSkew} in the future (both at least five minutes, since a member's clock may be five minutes
 * off). Ids are remembered until their envelope falls out of the window, which bounds what is kept
 * by the message rate times the window; beyond {@code capacity} live ids new envelopes are refused
 * with FEDERATION_REPLAY_GUARD_FULL, a transient condition (the MDB rolls back and the broker
 * redelivers later), rather than forgetting a live id and reopening a replay. An exact duplicate
 * (same envelope hash) always has the same sender and message id, which the signature covers, so
 * keying by them also drops exact duplicates and re-signed variants alike.
 *
 * <p>An envelope older than the window is rejected even if never seen, because its id may already
 * have been forgotten. That is harmless: consensus messages that old are for heights or rounds the
 * engine has passed and ignores anyway, and sync requests are simply re-sent. The window is judged
 * against the highest clock reading seen so far, so a caller's clock stepping back cannot revive an
 * envelope whose id was forgotten.
 *
 * <p>One guard per node process; a clustered node's members each hold their own, and the consumers
 * of envelopes stay idempotent for the rare duplicate that reaches two cluster members.
 * Thread-safe: admission is one short critical section.
 */
public final class ReplayGuard {

  public static final Duration MIN_SKEW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  public static final Duration DEFAULT_FUTURE_SKEW = Duration.ofMinutes(10);

  /** About 100 bytes each: some 25 MiB at most by default. */
  public static final int DEFAULT_CAPACITY = 1 << 18;

  private record Key(InstitutionId sender, long high, long low) {}

  private record Entry(Key key, long createdAt) {}

  private final long windowMillis;
  private final long futureMillis;
  private final int capacity;
  private final Map<Key, Long> live = new HashMap<>();
  private final PriorityQueue<Entry> byAge =
      new PriorityQueue<>((a, b) -> Long.compare(a.createdAt(), b.createdAt()));
  private long highestNow = Long.MIN_VALUE;

  public ReplayGuard() {
    this(DEFAULT_WINDOW, DEFAULT_FUTURE_SKEW, DEFAULT_CAPACITY);
  }

  public ReplayGuard(Duration window, Duration futureSkew, int capacity) {
    if (window.compareTo(MIN_SKEW) < 0 || futureSkew.compareTo(MIN_SKEW) < 0) {
      throw new IllegalArgumentException("window and future skew must be at least " + MIN_SKEW);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.windowMillis = window.toMillis();
    this.futureMillis = futureSkew.toMillis();
    this.capacity = capacity;
  }

  /**
   * Admits the envelope or throws: FEDERATION_ENVELOPE_FROM_THE_FUTURE, _EXPIRED, _DUPLICATE, or
   * FEDERATION_REPLAY_GUARD_FULL. Call it only for envelopes whose signature has been verified, so
   * that nobody but members can fill the guard.
   *
   * @param nowMillis the caller's clock, ms since the epoch
   */
  public void admit(FederationEnvelope envelope, long nowMillis) {
    admit(envelope.sender(), envelope.messageId(), envelope.createdAt(), nowMillis);
  }

  synchronized void admit(InstitutionId sender, byte[] messageId, long createdAt, long nowMillis) {
    Objects.requireNonNull(sender, "sender");
    if (createdAt > nowMillis + futureMillis) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENVELOPE_FROM_THE_FUTURE,
          "envelope from "
              + sender
              + " is dated "
              + (createdAt - nowMillis)
              + " ms ahead; at most "
              + futureMillis
              + " ms of clock skew are accepted");
    }
    highestNow = Math.max(highestNow, nowMillis);
    long oldest = highestNow - windowMillis;
    if (createdAt < oldest) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENVELOPE_EXPIRED,
          "envelope from "
              + sender
              + " is "
              + (highestNow - createdAt)
              + " ms old; the acceptance window is "
              + windowMillis
              + " ms");
    }
    while (!byAge.isEmpty() && byAge.peek().createdAt() < oldest) {
      live.remove(byAge.poll().key());
    }
    ByteBuffer id = ByteBuffer.wrap(messageId);
    Key key = new Key(sender, id.getLong(), id.getLong());
    if (live.containsKey(key)) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ENVELOPE_DUPLICATE,
          "envelope " + key.high() + ":" + key.low() + " from " + sender + " was already received");
    }
    if (live.size() >= capacity) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_REPLAY_GUARD_FULL,
          capacity + " envelopes within the acceptance window; retry later");
    }
    live.put(key, createdAt);
    byAge.add(new Entry(key, createdAt));
  }

  /** Ids currently remembered. */
  public synchronized int size() {
    return live.size();
  }
}
