package org.careledger.interfaces.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** FHIR logical ids for CareLedger's own ids. */
final class Ids {

  /** R4's id datatype. */
  static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private Ids() {}

  /**
   * {@code id} itself where it is a valid FHIR id (every transaction id, 64 hex digits; record ids
   * without {@code _} of at most 64 characters); otherwise {@code -} followed by the first 63 hex
   * digits of the SHA-256 of its UTF-8 bytes: stable, valid, and distinct from every id that starts
   * with a letter or digit.
   */
  static String of(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("an id is required");
    }
    if (FHIR_ID.matcher(id).matches()) {
      return id;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return "-" + HexFormat.of().formatHex(digest).substring(0, 63);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
