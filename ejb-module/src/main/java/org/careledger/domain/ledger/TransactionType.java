package org.careledger.domain.ledger;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every kind of ledger transaction (ARCHITECTURE.md, flows), with the body fields each must carry.
 * Bodies hold identifiers, hashes, pseudonyms and codes only: never a patient identifier, a name or
 * clinical text.
 */
public enum TransactionType {
  REGISTER(
      "register",
      "recordId",
      "version",
      "contentHash",
      "size",
      "mediaType",
      "documentClass",
      "patient"),
  REQUEST("request", "requestId", "scope", "purpose"),
  GRANT("grant", "requestId", "recordId", "grantee", "envelopeHash"),
  DENY("deny", "requestId"),
  REVOKE("revoke", "grantTx"),
  /**
   * A new version of a registered record, by its provider: the new ciphertext's hash, size and
   * media type, the SHA-256 of the provider's own key envelope for the new data key ({@code
   * envelopeHash}), and {@code grantEnvelopes}, an object from each grant in force (its transaction
   * id) to the SHA-256 of the envelope wrapping the new data key for that grant's grantee (empty
   * when none is in force). Nothing of the previous version is changed; see {@code
   * org.careledger.domain.sharing.RecordRules} for the rules every member applies.
   */
  AMEND(
      "amend",
      "recordId",
      "version",
      "previousVersion",
      "contentHash",
      "size",
      "mediaType",
      "envelopeHash",
      "grantEnvelopes"),
  ACCESS_LOGGED("access-logged", "recordId", "version", "accessor", "grantTx"),
  /** An attempt to read a record without a grant in force: refused, and on the chain for audit. */
  ACCESS_REFUSED("access-refused", "recordId", "accessor", "reasonCode"),
  CONSENT("consent", "patient", "scope", "decision"),
  BREAK_GLASS("break-glass", "recordId", "accessor", "reasonCode"),
  ERASE("erase", "recordId", "contentHash", "reasonCode"),
  CHANNEL_CONFIG("channel-config", "members"),
  /**
   * A proposed change of the channel's configuration (channel governance): add, remove, renew or
   * revoke a member's certificate, or a new consent policy, based on the configuration in force
   * ({@code base}, the id of the transaction that made it). It applies once a quorum of members has
   * approved it; see {@link ChannelConfig} for the body and the rules.
   */
  CONFIG_UPDATE("config-update", "base", "change"),
  /** A member's approval of a pending {@link #CONFIG_UPDATE} ({@code proposal}: its id). */
  CONFIG_APPROVAL("config-approval", "proposal"),
  /**
   * A de-identified research dataset handed to a researcher by the provider that holds the records:
   * the export's id, the document class, the k its k-anonymity check required, the channel
   * pseudonyms of the patients whose (consented) records it was made from, so that each patient
   * sees the export in their audit view, the number of records, and the SHA-256 of the dataset. No
   * record id, no clinical content.
   */
  RESEARCH_EXPORT(
      "research-export", "exportId", "documentClass", "k", "patients", "records", "datasetHash");

  private final String wireName;
  private final List<String> requiredFields;

  TransactionType(String wireName, String... requiredFields) {
    this.wireName = wireName;
    this.requiredFields = List.of(requiredFields);
  }

  /** The name in the canonical encoding. */
  public String wireName() {
    return wireName;
  }

  /** Body fields every transaction of this type must carry (others may follow). */
  public List<String> requiredFields() {
    return requiredFields;
  }

  public static Optional<TransactionType> ofWireName(String name) {
    return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
  }
}
