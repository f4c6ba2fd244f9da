package org.careledger.domain.sharing;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.consensus.BlockValidator;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * The rules of a record's versions, checked by every member while validating a block (and by the
 * submitting node and every pool before that), on every channel whatever its sharing policy. Each
 * amendment and grant is judged against the committed chain plus the transactions before it in the
 * same block, read through {@link AccessLedger}, so a member decides exactly as the chain says and
 * as every other member does: no clock, no local setting.
 *
 * <p><b>Amend</b> ({@link TransactionType#AMEND}):
 *
 * <ul>
 *   <li>its fields are of their form: {@code version} and {@code previousVersion} integers, {@code
 *       contentHash} and {@code envelopeHash} 64 lower-case hex digits, {@code size} positive, a
 *       media type ({@code type/subtype}), {@code grantEnvelopes} an object from grant transaction
 *       ids to envelope hashes (else {@link ErrorCode#TX_MALFORMED});
 *   <li>the record is registered on the channel ({@link ErrorCode#TX_UNKNOWN});
 *   <li>its author is the record's provider, the institution that registered it ({@link
 *       ErrorCode#NOT_RECORD_PROVIDER});
 *   <li>the record is not erased ({@link ErrorCode#RECORD_ERASED});
 *   <li>{@code previousVersion} is the current version and {@code version} the next one: versions
 *       form one unbroken line 1, 2, 3 … and two amendments made from the same version cannot both
 *       commit ({@link ErrorCode#RECORD_VERSION_CONFLICT});
 *   <li>it carries an envelope for every grant of the record in force at the amendment's own time
 *       (the author's clock, the same the author used to choose the grants), and names no grant
 *       that is not a grant of this record or that is revoked ({@link
 *       ErrorCode#RECORD_VERSION_CONFLICT}): a grantee never silently loses access to a new
 *       version, and a revoked grant never gains an envelope again.
 * </ul>
 *
 * <p><b>Grant</b>: where the record it names is registered, the grant's {@code version} (1 where it
 * names none, as grants made before versions existed) must be the record's current version, so that
 * its envelope wraps the data key the current version is encrypted with ({@link
 * ErrorCode#RECORD_VERSION_CONFLICT}). Whether the grant answers a request and suits the channel's
 * policy is for {@link AccessLedger} and {@link PolicyValidator}.
 *
 * <p>The register transaction itself is not judged here (a record id registered twice is refused by
 * the registering node; the chain reads the first registration).
 */
public final class RecordRules implements BlockValidator {

  /** The transaction types the rules read from the chain: those {@link AccessLedger} reads. */
  public static final Set<TransactionType> CHAIN_TYPES =
      EnumSet.of(
          TransactionType.REGISTER,
          TransactionType.AMEND,
          TransactionType.ERASE,
          TransactionType.REQUEST,
          TransactionType.DENY,
          TransactionType.GRANT,
          TransactionType.REVOKE,
          TransactionType.BREAK_GLASS);

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,80}");

  /**
   * The committed chain's transactions of {@link #CHAIN_TYPES} that the view of one record depends
   * on ({@link SharingRefs#forRecord}; the whole channel's serve too), in chain order.
   */
  @FunctionalInterface
  public interface Chain {
    List<SignedTransaction> transactions(String recordId);
  }

  private final Chain chain;

  public RecordRules(Chain chain) {
    this.chain = Objects.requireNonNull(chain, "chain");
  }

  @Override
  public void validate(BlockHeader parent, ProposedBlock block) {
    if (block.transactions().stream().noneMatch(RecordRules::judged)) {
      return; // no chain read for blocks without amendments or grants
    }
    List<SignedTransaction> before = new ArrayList<>(); // the block's own, ahead of the one judged
    for (SignedTransaction tx : block.transactions()) {
      if (judged(tx)) {
        List<SignedTransaction> seen = new ArrayList<>(chain.transactions(recordOf(tx)));
        seen.addAll(before);
        check(tx, AccessLedger.of(seen));
      }
      if (CHAIN_TYPES.contains(tx.transaction().type())) {
        before.add(tx);
      }
    }
  }

  @Override
  public void admit(SignedTransaction transaction) {
    if (judged(transaction)) {
      check(transaction, AccessLedger.of(chain.transactions(recordOf(transaction))));
    }
  }

  /** The record an amendment or grant names, as {@link AccessLedger} reads it. */
  private static String recordOf(SignedTransaction tx) {
    return String.valueOf(tx.transaction().body().get("recordId"));
  }

  /**
   * Judges one amendment or grant against {@code view}, the chain before it; returns for other
   * types.
   */
  public static void check(SignedTransaction signed, AccessLedger view) {
    Transaction tx = signed.transaction();
    switch (tx.type()) {
      case AMEND -> amend(signed, view);
      case GRANT -> grant(signed, view);
      default -> {}
    }
  }

  private static boolean judged(SignedTransaction tx) {
    TransactionType type = tx.transaction().type();
    return type == TransactionType.AMEND || type == TransactionType.GRANT;
  }

  private static void amend(SignedTransaction signed, AccessLedger view) {
    Transaction tx = signed.transaction();
    Map<String, Object> body = tx.body();
    String recordId = body.get("recordId") instanceof String r ? r : null;
    if (recordId == null
        || !(body.get("version") instanceof Long version)
        || !(body.get("previousVersion") instanceof Long previous)
        || !(body.get("contentHash") instanceof String hash && HASH.matcher(hash).matches())
        || !(body.get("envelopeHash") instanceof String own && HASH.matcher(own).matches())
        || !(body.get("size") instanceof Long size && size > 0)
        || !(body.get("mediaType") instanceof String type && MEDIA_TYPE.matcher(type).matches())
        || !(body.get("grantEnvelopes") instanceof Map<?, ?> envelopes)
        || !envelopes.entrySet().stream()
            .allMatch(
                e ->
                    e.getKey() instanceof String grant
                        && HASH.matcher(grant).matches()
                        && e.getValue() instanceof String envelope
                        && HASH.matcher(envelope).matches())) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED,
          "amendment " + signed.idHex() + " is not of its form (fields, hashes, media type)");
    }
    AccessLedger.Registration current =
        view.record(recordId)
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.TX_UNKNOWN,
                        "amendment " + signed.idHex() + " names no record on the chain"));
    if (!current.provider().equals(tx.author())) {
      throw new CareLedgerException(
          ErrorCode.NOT_RECORD_PROVIDER,
          "only the provider of record "
              + recordId
              + " ("
              + current.provider()
              + ") may amend it, not "
              + tx.author());
    }
    if (view.erased(recordId)) {
      throw new CareLedgerException(
          ErrorCode.RECORD_ERASED, "record " + recordId + " was erased: it cannot be amended");
    }
    if (previous != current.version() || version != current.version() + 1) {
      throw new CareLedgerException(
          ErrorCode.RECORD_VERSION_CONFLICT,
          "record "
              + recordId
              + " is at version "
              + current.version()
              + ": an amendment must name it as previousVersion and "
              + (current.version() + 1)
              + " as version, not "
              + previous
              + " and "
              + version);
    }
    for (Object grantTx : envelopes.keySet()) {
      AccessLedger.Grant grant = view.grant((String) grantTx).orElse(null);
      if (grant == null || !grant.recordId().equals(recordId) || grant.revoked()) {
        throw new CareLedgerException(
            ErrorCode.RECORD_VERSION_CONFLICT,
            "amendment "
                + signed.idHex()
                + " carries an envelope for "
                + grantTx
                + ", which is not a grant of record "
                + recordId
                + " or is revoked");
      }
    }
    for (AccessLedger.Grant grant : view.grants(recordId)) {
      if (grant.inForce(tx.time()) && !envelopes.containsKey(grant.txId())) {
        throw new CareLedgerException(
            ErrorCode.RECORD_VERSION_CONFLICT,
            "amendment "
                + signed.idHex()
                + " carries no envelope for grant "
                + grant.txId()
                + " to "
                + grant.grantee()
                + ", in force at its time");
      }
    }
  }

  private static void grant(SignedTransaction signed, AccessLedger view) {
    Transaction tx = signed.transaction();
    if (!(tx.body().get("recordId") instanceof String recordId)) {
      return;
    }
    AccessLedger.Registration current = view.record(recordId).orElse(null);
    if (current == null) {
      return; // not a record of the chain: the grant does not count (AccessLedger)
    }
    long version = AccessLedger.versionOf(tx);
    if (version != current.version()) {
      throw new CareLedgerException(
          ErrorCode.RECORD_VERSION_CONFLICT,
          "grant "
              + signed.idHex()
              + " wraps the data key of version "
              + version
              + " of record "
              + recordId
              + ", which is at version "
              + current.version());
    }
  }
}
