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
 */
public final class PolicyValidator implements BlockValidator {

  /** What a registration says that the policy needs. */
  public record RecordFacts(String documentClass, String patient) {}

  /** What a request says that the policy needs. */
  public record RequestFacts(String requester, String recordId, String purpose) {}

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
            records.putIfAbsent(record, registration(body));
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
    if (!request.recordId().equals(recordId) || !request.requester().equals(grantee)) {
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

  private static RecordFacts registration(Map<String, Object> body) {
    return new RecordFacts(text(body, "documentClass"), text(body, "patient"));
  }

  private static RequestFacts request(Transaction tx) {
    return new RequestFacts(
        tx.author().value(), text(tx.body(), "recordId"), text(tx.body(), "purpose"));
  }

  private static String key(Object patient, Object grantee) {
    return patient + "/" + grantee;
  }

  private static String text(Map<String, Object> body, String field) {
    return body.get(field) instanceof String value ? value : "";
  }

  private static CareLedgerException violation(String why) {
    return new CareLedgerException(ErrorCode.POLICY_VIOLATION, why);
  }
}
