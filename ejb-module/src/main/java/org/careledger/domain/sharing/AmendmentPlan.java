package org.careledger.domain.sharing;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;

/**
 * What a provider's node decides, from its own chain, before it stores a byte of a new version: the
 * version it amends ({@code current}), the new version's number, and the grants to carry over
 * (those in force now, each of which gets an envelope for the new data key). The same checks every
 * member applies to the amend transaction ({@link RecordRules}), made early so that a refused
 * amendment costs no encryption and leaves nothing to clean up.
 *
 * @param current the record's current version, which the amendment follows
 * @param version the new version's number, {@code current.version() + 1}
 * @param carried the grants in force, by transaction id: each keeps access to the new version
 */
public record AmendmentPlan(
    AccessLedger.Registration current, long version, List<AccessLedger.Grant> carried) {

  public AmendmentPlan {
    Objects.requireNonNull(current, "current");
    carried = List.copyOf(carried);
  }

  /**
   * Plans an amendment of {@code recordId} by {@code self} at {@code nowMillis}.
   *
   * @param expectedVersion the version the caller means to amend, or null not to check
   * @throws CareLedgerException {@code TX_UNKNOWN} for a record not on the chain, {@code
   *     NOT_RECORD_PROVIDER} if {@code self} is not its provider, {@code RECORD_ERASED}, or {@code
   *     RECORD_VERSION_CONFLICT} if the record is no longer at {@code expectedVersion}
   */
  public static AmendmentPlan of(
      AccessLedger access,
      String channelId,
      String recordId,
      InstitutionId self,
      Long expectedVersion,
      long nowMillis) {
    AccessLedger.Registration current =
        access
            .record(recordId)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.TX_UNKNOWN,
                        "no record " + recordId + " is registered on channel " + channelId));
    if (!current.provider().equals(self)) {
      throw new CareLedgerException(
          ErrorCode.NOT_RECORD_PROVIDER,
          "only the provider of record " + recordId + " (" + current.provider() + ") amends it");
    }
    if (access.erased(recordId)) {
      throw new CareLedgerException(
          ErrorCode.RECORD_ERASED, "record " + recordId + " was erased: it cannot be amended");
    }
    if (expectedVersion != null && expectedVersion != current.version()) {
      throw new CareLedgerException(
          ErrorCode.RECORD_VERSION_CONFLICT,
          "record "
              + recordId
              + " is at version "
              + current.version()
              + ", not "
              + expectedVersion
              + ": read it again before amending");
    }
    List<AccessLedger.Grant> carried =
        access.grants(recordId).stream()
            .filter(grant -> grant.inForce(nowMillis))
            .sorted(Comparator.comparing(AccessLedger.Grant::txId))
            .toList();
    return new AmendmentPlan(current, current.version() + 1, carried);
  }

  /**
   * The amend transaction's body: the new version's ciphertext hash, size and media type, the hash
   * of the provider's own envelope, and {@code grantEnvelopes} (grant transaction id to envelope
   * hash), which must name exactly the {@link #carried} grants.
   */
  public Map<String, Object> body(
      String contentHash,
      long size,
      String mediaType,
      String envelopeHash,
      Map<String, String> grantEnvelopes) {
    if (!grantEnvelopes
        .keySet()
        .equals(
            carried.stream()
                .map(AccessLedger.Grant::txId)
                .collect(java.util.stream.Collectors.toSet()))) {
      throw new IllegalArgumentException("an envelope for each carried grant, and no other");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", current.recordId());
    body.put("version", version);
    body.put("previousVersion", current.version());
    body.put("contentHash", contentHash);
    body.put("size", size);
    body.put("mediaType", mediaType);
    body.put("envelopeHash", envelopeHash);
    body.put("grantEnvelopes", new LinkedHashMap<String, Object>(grantEnvelopes));
    return body;
  }
}
