package org.careledger.domain.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The SHA-256 fingerprint of a certificate's DER encoding, as 64 lower-case hex digits. */
public record Fingerprint(String hex) {

  private static final Pattern FORM = Pattern.compile("[0-9a-f]{64}");

  public Fingerprint {
    if (hex == null || !FORM.matcher(hex).matches()) {
      throw new IllegalArgumentException("a SHA-256 fingerprint is 64 lower-case hex digits");
    }
  }

  public static Fingerprint of(X509Certificate certificate) {
    try {
      // The JDK's SHA-256 uses the CPU's SHA extensions; Bouncy Castle's is several times slower.
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return new Fingerprint(HexFormat.of().formatHex(digest));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
