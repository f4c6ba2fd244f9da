package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.junit.jupiter.api.Test;

/**
 * A fixed vector of the amend transaction: its canonical bytes (RFC 8785: members sorted, the
 * nested {@code grantEnvelopes} object too) and its id, the SHA-256 of those bytes, written out by
 * hand and computed independently; every member must produce and hash exactly these bytes.
 */
class AmendTransactionVectorTest {

  private static final String CANONICAL =
      "{\"author\":\"hospital-a\",\"body\":{"
          + "\"contentHash\":\""
          + "ab".repeat(32)
          + "\","
          + "\"envelopeHash\":\""
          + "0e".repeat(32)
          + "\","
          + "\"grantEnvelopes\":{\""
          + "9f".repeat(32)
          + "\":\""
          + "e1".repeat(32)
          + "\"},"
          + "\"mediaType\":\"application/pdf\",\"previousVersion\":1,\"recordId\":\"dis-1\","
          + "\"size\":10368,\"version\":2},"
          + "\"channel\":\"care-bft\",\"key\":\""
          + "5c".repeat(32)
          + "\","
          + "\"nonce\":\"AAECAwQFBgcICQoLDA0ODw\",\"time\":1795345200000,\"type\":\"amend\","
          + "\"v\":1}";

  /** SHA-256 of {@link #CANONICAL} (Python hashlib over the same text). */
  private static final String ID =
      "ba3ec5bc1583191dc228f8159de173be85c1261c5b0df306a095369714414846";

  private static Map<String, Object> body() {
    // Deliberately not in canonical order: the encoding sorts.
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", "dis-1");
    body.put("version", 2L);
    body.put("previousVersion", 1L);
    body.put("contentHash", "ab".repeat(32));
    body.put("size", 10368L);
    body.put("mediaType", "application/pdf");
    body.put("envelopeHash", "0e".repeat(32));
    body.put("grantEnvelopes", Map.of("9f".repeat(32), "e1".repeat(32)));
    return body;
  }

  private static Transaction amend(Map<String, Object> body) {
    return new Transaction(
        new ChannelId("care-bft"),
        TransactionType.AMEND,
        new InstitutionId("hospital-a"),
        new Fingerprint("5c".repeat(32)),
        "AAECAwQFBgcICQoLDA0ODw",
        1795345200000L,
        body);
  }

  @Test
  void encodesToTheVectorAndHashesToItsId() {
    Transaction tx = amend(body());

    assertThat(new String(tx.canonicalBytes(), StandardCharsets.UTF_8)).isEqualTo(CANONICAL);
    SignedTransaction signed =
        SignedTransaction.sign(tx, new LedgerFixture("hospital-a").keys.get(0));
    assertThat(signed.idHex()).isEqualTo(ID);
  }

  @Test
  void decodesBackToTheSameTransactionWithItsNestedEnvelopes() {
    SignedTransaction signed =
        SignedTransaction.sign(amend(body()), new LedgerFixture("hospital-a").keys.get(0));

    SignedTransaction decoded = SignedTransaction.decode(signed.encoded());

    assertThat(decoded.idHex()).isEqualTo(ID);
    assertThat(decoded.transaction().type()).isEqualTo(TransactionType.AMEND);
    assertThat(decoded.transaction().body())
        .containsEntry("version", 2L)
        .containsEntry("previousVersion", 1L)
        .containsEntry("grantEnvelopes", Map.of("9f".repeat(32), "e1".repeat(32)));
  }

  @Test
  void anAmendWithoutItsEnvelopeFieldsIsNotATransaction() {
    for (String field : new String[] {"envelopeHash", "grantEnvelopes", "previousVersion"}) {
      Map<String, Object> body = body();
      body.remove(field);
      assertThatThrownBy(() -> amend(body))
          .isInstanceOfSatisfying(
              CareLedgerException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TX_MALFORMED));
    }
  }
}
