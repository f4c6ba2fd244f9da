package org.careledger.domain.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which member certificates of a node's channels expire soon (or have expired), as operators read
 * it in the log and the health check: once a member's signing certificate has expired, its
 * signatures count in no later block ({@link Membership#atTime}), so it must be renewed before
 * (channel governance: {@code renew-certificate}). Pure; the caller says what "now" is.
 */
public final class CertificateExpiry {

  /** How far ahead operators are warned. */
  public static final Duration WARNING = Duration.ofDays(30);

  private CertificateExpiry() {}

  /**
   * One line per member certificate of these channels (channel id → membership in force) that
   * expires within {@link #WARNING} of {@code nowMillis}, or has expired, in channel order.
   */
  public static List<String> warnings(Map<String, Membership> channels, long nowMillis) {
    long soon = nowMillis + WARNING.toMillis();
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, Membership> channel : channels.entrySet()) {
      for (Member member : channel.getValue().members()) {
        if (member.notAfter() > soon) {
          continue;
        }
        long days = Duration.ofMillis(member.notAfter() - nowMillis).toDays();
        warnings.add(
            "channel "
                + channel.getKey()
                + ": the signing certificate of "
                + member.institution()
                + " ("
                + member.signingFingerprint()
                + ") "
                + (member.notAfter() < nowMillis
                    ? "expired at " + Instant.ofEpochMilli(member.notAfter()) + "; it signs nothing"
                    : "expires at "
                        + Instant.ofEpochMilli(member.notAfter())
                        + " (in "
                        + days
                        + " days)")
                + "; renew it (config update renew-certificate)");
      }
    }
    return warnings;
  }
}
