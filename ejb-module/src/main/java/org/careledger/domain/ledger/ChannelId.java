package org.careledger.domain.ledger;

import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/** Names a sharing channel: 2–63 lower-case letters, digits and inner hyphens. */
public record ChannelId(String value) {

  private static final Pattern FORM = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])");

  public ChannelId {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED,
          "channel id '"
              + value
              + "' is not valid: use 2-63 lower-case letters, digits and inner hyphens");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
