package org.careledger.domain.sharing;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.consensus.BlockValidator;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;

/**
 * Enforces a channel's {@link SharingPolicy} while validating blocks: every grant in a proposed
 * block must be allowed by the policy, judged from the committed chain plus the transactions before
 * it in the same block (a request, a registration or a consent may commit together with the grant
 * that needs it). Deterministic: it reads the chain and the block only, never a clock or local
 * settings, so every honest member reaches the same verdict. A grant that names no request or no
 * record on the chain is refused too: its purpose or class cannot be known.
 *
 * <p>A grant answers its request: for a record request ({@code scope} {@code record}) it names the
 * request's record; for a class request ({@code scope} {@code class}: a patient's records of a
 * document class at a provider) it names a record registered by that provider, which is the grant's
 * author, whose registration names the request's pseudonym and document class. In both cases the
 * grantee is the requester. The policy is then applied to a class grant exactly as to a record
 * grant: the class judged is the one the record's registration names (equal to the request's), the
 * purpose the request's, the consent that of the record's patient. Several grants may answer one
 * class request (one per record); each is judged on its own. (That a record request has only one
 * grant is {@link AccessLedger}'s rule: a second one is ignored.)
 */
public final class PolicyValidator implements BlockValidator {

  /**
   * What a registration says that the policy needs; {@code provider} is its author (null where the
   * caller does not know it, which no class grant passes).
   */
  public record RecordFacts(String documentClass, String patient, String provider) {

    public RecordFacts(String documentClass, String patient) {
      this(documentClass, patient, null);
    }
  }

  /**
   * What a request says that the policy needs: a record request names {@code recordId}; a class
   * request ({@code classScope}) names {@code patient} (pseudonym), {@code documentClass} and the
   * {@code provider} asked.
   */
  public record RequestFacts(
      String requester,
      String recordId,
      String purpose,
      boolean classScope,
      String patient,
      String documentClass,
      String provider) {

    /** A record request. */
    public RequestFacts(String requester, String recordId, String purpose) {
      this(requester, recordId, purpose, false, null, null, null);
    }

    /** The facts of a request transaction by {@code requester} with {@code body}. */
    public static RequestFacts of(String requester, Map<String, Object> body) {
      boolean classScope = "class".equals(body.get("scope"));
      return new RequestFacts(
          requester,
          classScope ? null : text(body, "recordId"),
          text(body, "purpose"),
          classScope,
          classScope ? named(body, "patient") : null,
          classScope ? named(body, "documentClass") : null,
          classScope ? named(body, "provider") : null);
    }
  }

  /** Lookups in the committed chain. */
  public interface ChainFacts {
    Optional<RecordFacts> record(String recordId);

    Optional<RequestFacts> request(String requestId);

    /** The latest committed consent decision of {@code patient} for {@code grantee}. */
    Optional<String> consent(String patient, String grantee);
  }

  private final SharingPolicy policy;
  private final ChainFacts chain;

  public PolicyValidator(SharingPolicy policy, ChainFacts chain) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.chain = Objects.requireNonNull(chain, "chain");
  }

  @Override
  public void validate(BlockHeader parent, ProposedBlock block) {
    Map<String, RecordFacts> records = new HashMap<>();
    Map<String, RequestFacts> requests = new HashMap<>();
    Map<String, String> consents = new HashMap<>();
    for (SignedTransaction signed : block.transactions()) {
      Transaction tx = signed.transaction();
      Map<String, Object> body = tx.body();
      switch (tx.type()) {
        case REGISTER -> {
          if (body.get("recordId") instanceof String record) {
            records.putIfAbsent(record, registration(tx));
          }
        }
        case REQUEST -> {
          if (body.get("requestId") instanceof String request) {
            requests.putIfAbsent(request, request(tx));
          }
        }
        case CONSENT ->
            consents.put(key(body.get("patient"), body.get("scope")), text(body, "decision"));
        case GRANT -> check(signed, records, requests, consents);
        default -> {}
      }
    }
  }

  @Override
  public void admit(SignedTransaction transaction) {
    if (transaction.transaction().type() == TransactionType.GRANT) {
      check(transaction, Map.of(), Map.of(), Map.of());
    }
  }

  private void check(
      SignedTransaction grant,
      Map<String, RecordFacts> blockRecords,
      Map<String, RequestFacts> blockRequests,
      Map<String, String> blockConsents) {
    Map<String, Object> body = grant.transaction().body();
    String requestId = text(body, "requestId");
    String recordId = text(body, "recordId");
    String grantee = text(body, "grantee");
    RequestFacts request =
        Optional.ofNullable(blockRequests.get(requestId))
            .or(() -> chain.request(requestId))
            .orElseThrow(
                () -> violation("grant " + grant.idHex() + " names no request on the chain"));
    RecordFacts record =
        Optional.ofNullable(blockRecords.get(recordId))
            .or(() -> chain.record(recordId))
            .orElseThrow(
                () -> violation("grant " + grant.idHex() + " names no record on the chain"));
    if (!answers(grant.transaction(), request, recordId, record)
        || !request.requester().equals(grantee)) {
      throw violation("grant " + grant.idHex() + " does not answer its request");
    }
    String consentKey = key(record.patient(), grantee);
    String decision =
        blockConsents.containsKey(consentKey)
            ? blockConsents.get(consentKey)
            : chain.consent(record.patient(), grantee).orElse(null);
    policy
        .violation(grantee, record.documentClass(), request.purpose(), "permit".equals(decision))
        .ifPresent(
            why -> {
              throw violation("grant " + grant.idHex() + ": " + why);
            });
  }

  /**
   * Whether a grant naming {@code recordId} answers {@code request}: the request's record, or for a
   * class request a record of the provider the request names (the grant's author) with the
   * request's pseudonym and class.
   */
  private static boolean answers(
      Transaction grant, RequestFacts request, String recordId, RecordFacts record) {
    if (!request.classScope()) {
      return recordId.equals(request.recordId());
    }
    String author = grant.author().value();
    return author.equals(request.provider())
        && author.equals(record.provider())
        && request.patient() != null
        && request.patient().equals(record.patient())
        && request.documentClass() != null
        && request.documentClass().equals(record.documentClass());
  }

  private static RecordFacts registration(Transaction tx) {
    return new RecordFacts(
        text(tx.body(), "documentClass"), text(tx.body(), "patient"), tx.author().value());
  }

  private static RequestFacts request(Transaction tx) {
    return RequestFacts.of(tx.author().value(), tx.body());
  }

  private static String key(Object patient, Object grantee) {
    return patient + "/" + grantee;
  }

  /** A non-empty string field, else null (so an absent field never equals another absent one). */
  private static String named(Map<String, Object> body, String field) {
    String value = text(body, field);
    return value.isEmpty() ? null : value;
  }

  private static String text(Map<String, Object> body, String field) {
    return body.get(field) instanceof String value ? value : "";
  }

  private static CareLedgerException violation(String why) {
    return new CareLedgerException(ErrorCode.POLICY_VIOLATION, why);
  }
}
