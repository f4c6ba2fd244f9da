package org.careledger.domain.sharing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.ChannelId;

/**
 * How a patient is named on a channel's chain and in every federation message: {@code
 * HEX(HMAC-SHA256(key, "careledger/patient-pseudonym/v1" 0x00 channel 0x00 patientId))}, 64
 * lower-case hex digits. The key is the channel's pseudonym key: 32 random bytes that every member
 * of the channel holds in its credential store and nobody else does (the federation launcher
 * generates one per channel; between institutions it is exchanged out of band, like the bridge
 * passwords). So:
 *
 * <ul>
 *   <li>every member computes the same pseudonym for the same patient, and a data user can ask for
 *       "this patient's records" without ever sending the identifier;
 *   <li>someone holding a copy of the chain, a proof bundle or a captured message but not the key
 *       cannot test candidate identifiers against it (identifiers have little entropy: a bare hash
 *       would be reversed by enumeration);
 *   <li>the same patient has unrelated pseudonyms on two channels (the channel id is in the MAC
 *       input, and channels have separate keys), so channels cannot be linked through them.
 * </ul>
 *
 * <p>The 0x00 separators keep the fields apart (neither a channel id nor a patient id contains
 * one). The version tag lets a later scheme coexist with this one.
 */
public final class PatientPseudonyms {

  /** Bytes of a channel pseudonym key. */
  public static final int KEY_BYTES = 32;

  private static final byte[] TAG =
      "careledger/patient-pseudonym/v1".getBytes(StandardCharsets.US_ASCII);

  private PatientPseudonyms() {}

  public static String pseudonym(byte[] channelKey, ChannelId channel, PatientId patient) {
    if (channelKey == null || channelKey.length != KEY_BYTES) {
      throw new CareLedgerException(
          ErrorCode.PSEUDONYM_KEY_MISSING,
          "the pseudonym key of channel " + channel + " is not " + KEY_BYTES + " bytes");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(channelKey, "HmacSHA256"));
      mac.update(TAG);
      mac.update((byte) 0);
      mac.update(channel.value().getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      mac.update(patient.value().getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
    }
  }
}
