package org.careledger.domain.federation;

import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;

/**
 * Names a federation, with the rules of {@link InstitutionId} (2-63 lower-case letters, digits and
 * inner hyphens). A descriptor-derived genesis names it as author and proposer, which is why it may
 * not also be a member's institution id.
 */
public record FederationId(String value) {

  public FederationId {
    try {
      new InstitutionId(value);
    } catch (CareLedgerException e) {
      throw new CareLedgerException(
          ErrorCode.FEDERATION_ID_INVALID,
          "federation id '"
              + value
              + "' is not valid: use 2-63 lower-case letters, digits and inner hyphens");
    }
  }

  /** The id in the form ledger headers and transactions carry it. */
  public InstitutionId asInstitutionId() {
    return new InstitutionId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
