package org.careledger.domain.sharing;

import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * A patient identifier as the provider's systems know it (a medical record number, or a national id
 * with its issuing system, e.g. {@code urn:oid:2.16.840.1.113883.2.4.6.3|123456782}): 1-128
 * printable ASCII characters without spaces, compared exactly (no case folding, no trimming: two
 * spellings are two patients, as in the systems they come from). It lives only in the provider's
 * identity table; the chain and the federation carry its {@link PatientPseudonyms pseudonym}.
 * {@link #toString()} does not print it, so it cannot leak into a log line by accident.
 */
public final class PatientId {

  private static final Pattern FORM = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final String value;

  public PatientId(String value) {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new CareLedgerException(
          ErrorCode.PATIENT_ID_INVALID,
          "a patient id is 1-128 printable ASCII characters without spaces"
              + (value == null ? " (none given)" : " (" + value.length() + " characters given)"));
    }
    this.value = value;
  }

  /** The identifier itself: for the provider's identity table and the pseudonym, nothing else. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PatientId other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "PatientId[redacted]";
  }
}
