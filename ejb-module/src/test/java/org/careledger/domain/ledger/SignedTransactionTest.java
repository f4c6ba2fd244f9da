package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * A signed transaction takes its id and signed bytes from its own encoding rather than encoding the
 * transaction again; these tests pin that they are still exactly the transaction's canonical bytes,
 * also for bodies with escapes, non-ASCII text and nesting.
 */
class SignedTransactionTest {

  private final LedgerFixture f = new LedgerFixture("h1", "h2");

  @Test
  void aPatientFieldMustBeAPseudonymNeverAnIdentifier() {
    for (String patient : List.of("jane-doe-1970", "CD".repeat(32), "cd".repeat(31), "")) {
      Map<String, Object> body = new LinkedHashMap<>(f.register(0, "r-1").transaction().body());
      body.put("patient", patient);
      assertThatThrownBy(() -> f.tx(0, TransactionType.REGISTER, body))
          .as(patient)
          .isInstanceOf(CareLedgerException.class)
          .hasMessageContaining("never an identifier")
          .extracting(e -> ((CareLedgerException) e).errorCode())
          .isEqualTo(ErrorCode.TX_MALFORMED);
    }
    Map<String, Object> consent = new LinkedHashMap<>();
    consent.put("patient", 42L);
    consent.put("scope", "11502-2");
    consent.put("decision", "permit");
    assertThatThrownBy(() -> f.tx(0, TransactionType.CONSENT, consent))
        .isInstanceOf(CareLedgerException.class);
    assertThat(f.register(0, "r-2").transaction().body().get("patient")).isEqualTo("cd".repeat(32));
  }

  @Test
  void idAndSignatureCoverTheTransactionsCanonicalBytes() throws Exception {
    for (SignedTransaction signed : List.of(f.register(0, "r1"), awkward())) {
      for (SignedTransaction tx : List.of(signed, SignedTransaction.decode(signed.encoded()))) {
        byte[] canonical = tx.transaction().canonicalBytes();

        assertThat(tx.id()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(canonical));
        assertThat(Ed25519.verify(f.members.get(0).publicKey(), canonical, tx.signature()))
            .isTrue();
        tx.verify(f.membership());
      }
    }
  }

  @Test
  void decodeGivesBackTheSameTransactionAndRejectsAnyOtherLayout() {
    SignedTransaction signed = awkward();
    byte[] bytes = signed.encoded();

    assertThat(SignedTransaction.decode(bytes)).isEqualTo(signed);
    assertThat(SignedTransaction.decode(bytes).encoded()).isEqualTo(bytes);
    String spaced = new String(bytes, StandardCharsets.UTF_8).replace(",\"tx\":", ", \"tx\":");
    assertThatThrownBy(() -> SignedTransaction.decode(spaced.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CareLedgerException.class)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.ENCODING_NOT_CANONICAL);
  }

  @Test
  void aSignatureOverOtherBytesDoesNotVerify() {
    SignedTransaction good = f.register(0, "r1");
    SignedTransaction other = f.register(0, "r2");
    String forged =
        new String(good.encoded())
            .replace(Json.base64url(good.signature()), Json.base64url(other.signature()));

    assertThatThrownBy(() -> SignedTransaction.decode(forged.getBytes()).verify(f.membership()))
        .isInstanceOf(CareLedgerException.class)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.TX_SIGNATURE_INVALID);
  }

  private SignedTransaction awkward() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", "r-\"quoted\"\\ and\ttab");
    body.put("version", 1L);
    body.put("contentHash", "ab".repeat(32));
    body.put("size", 1234L);
    body.put("mediaType", "text/plain; charset=\u00e9\u20ac\ud83d\ude00");
    body.put("documentClass", "11502-2");
    body.put("patient", "cd".repeat(32));
    body.put("extra", Map.of("z", List.of(1L, "\u0001"), "a", true));
    return f.tx(0, TransactionType.REGISTER, body);
  }
}
