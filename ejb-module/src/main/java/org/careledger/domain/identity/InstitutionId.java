package org.careledger.domain.identity;

import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Names an institution in the federation. Lower-case letters, digits and inner hyphens, 2 to 63
 * characters, so it is safe in certificate names, queue names, file names and URLs alike.
 */
public record InstitutionId(String value) {

  private static final Pattern FORM = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])");

  public InstitutionId {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new CareLedgerException(
          ErrorCode.INVALID_INSTITUTION_ID,
          "institution id '"
              + value
              + "' is not valid: use 2-63 lower-case letters, digits and inner hyphens,"
              + " e.g. st-mary-hospital (set careledger.institution.id)");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
