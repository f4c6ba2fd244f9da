package org.careledger.domain.research;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * The keyed values of one research export, all HMAC-SHA256 under a secret of {@link #SECRET_BYTES}
 * random bytes that the caller generates for this export alone (with {@code SecureRandom}) and
 * discards when the export is done. So within an export the same patient always gets the same
 * pseudonym and date shift and the same resource the same id (a researcher can join a patient's
 * records), while two exports of the same patients share nothing: without the secret, nobody
 * (neither the researcher nor the node afterwards) can link them or undo a date shift.
 *
 * <ul>
 *   <li>{@link #pseudonym}: {@code "rp-"} + the first 20 characters (100 bits) of the lower-case,
 *       unpadded RFC 4648 base32 of {@code HMAC(secret, "careledger/research-pseudonym/v1" 0x00
 *       channelPseudonym)};
 *   <li>{@link #dateShiftDays}: from {@code HMAC(secret, "careledger/research-date-shift/v1" 0x00
 *       channelPseudonym)}, its first 8 bytes as an unsigned number modulo 730 mapped onto [-365,
 *       -1] ∪ [1, 365] (never 0, so no patient keeps real dates; the bias of the modulo is below
 *       2<sup>-50</sup>);
 *   <li>{@link #localId}: a UUID (version 8, "custom", RFC 9562) made of the first 16 bytes of
 *       {@code HMAC(secret, "careledger/research-local-id/v1" 0x00 len(scope) scope originalId)},
 *       where {@code len} is the 4-byte big-endian UTF-8 length of the scope, so no pair of scope
 *       and id can be confused with another. Its 36 characters are a valid FHIR id and, behind
 *       {@code urn:uuid:}, a valid Bundle {@code fullUrl}.
 * </ul>
 *
 * The inputs are the channel's patient pseudonym (never the patient's identifier) and
 * provider-chosen ids; none of them can be recovered from the outputs without the secret.
 */
public final class ExportKeys {

  /** Bytes of an export secret. */
  public static final int SECRET_BYTES = 32;

  /** The system of the one identifier a de-identified Patient keeps: its research pseudonym. */
  public static final String PSEUDONYM_SYSTEM = "urn:careledger:research-pseudonym";

  private static final String PSEUDONYM_TAG = "careledger/research-pseudonym/v1";
  private static final String DATE_SHIFT_TAG = "careledger/research-date-shift/v1";
  private static final String LOCAL_ID_TAG = "careledger/research-local-id/v1";
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int PSEUDONYM_CHARS = 20;
  private static final int MAX_SHIFT = 365;

  private final SecretKeySpec key;

  private ExportKeys(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** Keys from a per-export secret of exactly {@link #SECRET_BYTES} bytes (copied). */
  public static ExportKeys of(byte[] secret) {
    if (secret == null || secret.length != SECRET_BYTES) {
      throw new CareLedgerException(
          ErrorCode.RESEARCH_EXPORT_INVALID,
          "a research export secret is "
              + SECRET_BYTES
              + " random bytes"
              + (secret == null ? " (none given)" : " (" + secret.length + " given)"));
    }
    return new ExportKeys(Arrays.copyOf(secret, secret.length));
  }

  /** The patient's pseudonym in this export: {@code rp-} and 20 base32 characters. */
  public String pseudonym(String channelPseudonym) {
    byte[] mac = mac(PSEUDONYM_TAG, text(channelPseudonym, "channel pseudonym"));
    return "rp-" + base32(mac).substring(0, PSEUDONYM_CHARS);
  }

  /** Days by which every date of the patient moves in this export: nonzero, within ±365. */
  public int dateShiftDays(String channelPseudonym) {
    byte[] mac = mac(DATE_SHIFT_TAG, text(channelPseudonym, "channel pseudonym"));
    return shiftOf(ByteBuffer.wrap(mac, 0, Long.BYTES).getLong());
  }

  /** An unsigned 64-bit number onto [-365, -1] ∪ [1, 365]. */
  static int shiftOf(long unsigned) {
    long n = Long.remainderUnsigned(unsigned, 2 * MAX_SHIFT);
    return n < MAX_SHIFT ? (int) -(n + 1) : (int) (n - MAX_SHIFT + 1);
  }

  /**
   * The export-local id that replaces {@code originalId} within {@code scope} (the caller's
   * namespace, e.g. patient and resource type): a lower-case UUID string.
   */
  public String localId(String scope, String originalId) {
    byte[] s = text(scope, "scope").getBytes(StandardCharsets.UTF_8);
    byte[] id = text(originalId, "original id").getBytes(StandardCharsets.UTF_8);
    ByteBuffer input = ByteBuffer.allocate(Integer.BYTES + s.length + id.length);
    input.putInt(s.length).put(s).put(id);
    byte[] mac = mac(LOCAL_ID_TAG, input.array());
    ByteBuffer b = ByteBuffer.wrap(mac);
    long msb = (b.getLong() & ~0xF000L) | 0x8000L; // version 8
    long lsb = (b.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC variant
    return new UUID(msb, lsb).toString();
  }

  private static String text(String value, String what) {
    if (value == null) {
      throw new CareLedgerException(ErrorCode.RESEARCH_EXPORT_INVALID, "no " + what + " given");
    }
    return value;
  }

  private byte[] mac(String tag, String value) {
    return mac(tag, value.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] mac(String tag, byte[] value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(tag.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      mac.update(value);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
    }
  }

  static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "ExportKeys[secret not shown]";
  }
}
