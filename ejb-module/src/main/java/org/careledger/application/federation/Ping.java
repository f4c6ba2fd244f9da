package org.careledger.application.federation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;

/**
 * A liveness probe between two institutions: who sent it, a random 128-bit nonce that lets the
 * sender find it at the receiver, and when it was sent. It carries nothing about patients.
 *
 * <p>Wire form (ASCII, until the signed FederationEnvelope wraps it): {@code careledger-ping/1
 * <from> <nonce as 32 hex digits> <sent at, ms since the epoch>}.
 */
public record Ping(InstitutionId from, String nonce, Instant sentAt) {

  static final String PREFIX = "careledger-ping/1 ";
  private static final int MAX_LENGTH = 256;
  private static final Pattern FORM =
      Pattern.compile("careledger-ping/1 ([a-z0-9-]{2,63}) ([0-9a-f]{32}) ([0-9]{1,15})");

  public Ping {
    if (from == null || nonce == null || sentAt == null || !nonce.matches("[0-9a-f]{32}")) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_MESSAGE_MALFORMED, "a ping needs a sender and a 128-bit hex nonce");
    }
  }

  public static Ping of(InstitutionId from, byte[] nonce, Instant sentAt) {
    return new Ping(from, HexFormat.of().formatHex(nonce), sentAt);
  }

  public byte[] encode() {
    return (PREFIX + from.value() + " " + nonce + " " + sentAt.toEpochMilli())
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the payload claims to be a ping (it may still be malformed). */
  public static boolean isPing(byte[] payload) {
    byte[] prefix = PREFIX.getBytes(StandardCharsets.US_ASCII);
    if (payload.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (payload[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * @throws CareLedgerException {@code FEDERATION_MESSAGE_MALFORMED} for anything but the exact
   *     wire form
   */
  public static Ping decode(byte[] payload) {
    if (payload.length > MAX_LENGTH) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_MESSAGE_MALFORMED, "a ping is at most " + MAX_LENGTH + " bytes");
    }
    String text = new String(payload, StandardCharsets.US_ASCII);
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_MESSAGE_MALFORMED, "not a careledger-ping/1 message");
    }
    InstitutionId from;
    try {
      from = new InstitutionId(m.group(1));
    } catch (CareLedgerException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_MESSAGE_MALFORMED, "ping from an invalid institution id");
    }
    return new Ping(from, m.group(2), Instant.ofEpochMilli(Long.parseLong(m.group(3))));
  }
}
