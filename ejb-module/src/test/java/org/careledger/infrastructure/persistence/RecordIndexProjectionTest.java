package org.careledger.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.persistence.sharing.RecordIndexEntity;
import org.junit.jupiter.api.Test;

/** The record index row a committed register transaction becomes, as decoded off the wire. */
class RecordIndexProjectionTest {

  private final LedgerFixture ledger = new LedgerFixture("hospital-a", "clinic-b");

  @Test
  void aRegisterTransactionReadBackFromItsBytesBecomesItsIndexRow() {
    ledger.genesis();
    SignedTransaction sent = ledger.register(1, "lab-7");
    Block block = ledger.commit(List.of(sent), ledger.allSigners());
    SignedTransaction received = SignedTransaction.decode(sent.encoded());

    RecordIndexEntity row = JpaLedgerStore.index("ch-test", received, block.header()).orElseThrow();

    assertThat(row.getTxId()).isEqualTo(sent.idHex());
    assertThat(row.getRecordId()).isEqualTo("lab-7");
    assertThat(row.getVersion()).isEqualTo(1L);
    assertThat(row.getPseudonym()).isEqualTo("cd".repeat(32));
    assertThat(row.getDocumentClass()).isEqualTo("11502-2");
    assertThat(row.getMediaType()).isEqualTo("application/pdf");
    assertThat(row.getSize()).isEqualTo(1234L);
    assertThat(row.getContentHash()).isEqualTo("ab".repeat(32));
    assertThat(row.getProvider()).isEqualTo("clinic-b");
    assertThat(row.getHeight()).isEqualTo(1L);
    assertThat(row.getRegisteredAt()).isEqualTo(Instant.ofEpochMilli(block.header().time()));
  }

  @Test
  void aBodyThatDoesNotFitTheIndexIsLeftOutRatherThanFailingTheCommit() {
    ledger.genesis();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", "lab-8");
    body.put("version", "one");
    body.put("contentHash", "ab".repeat(32));
    body.put("size", 1L);
    body.put("mediaType", "application/pdf");
    body.put("documentClass", "11502-2");
    body.put("patient", "cd".repeat(32));
    SignedTransaction odd = ledger.tx(0, TransactionType.REGISTER, body);
    Block block = ledger.commit(List.of(odd), ledger.allSigners());

    assertThat(JpaLedgerStore.index("ch-test", odd, block.header())).isEmpty();
  }

  private SignedTransaction amendment(int author, long previous, long version) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("recordId", "lab-7");
    body.put("version", version);
    body.put("previousVersion", previous);
    body.put("contentHash", "9a".repeat(32));
    body.put("size", 4321L);
    body.put("mediaType", "text/plain");
    body.put("envelopeHash", "0e".repeat(32));
    body.put("grantEnvelopes", Map.of());
    return ledger.tx(author, TransactionType.AMEND, body);
  }

  @Test
  void anAmendmentBecomesARowOfItsVersionWithWhatAVersionCannotChangeFromTheRegistration() {
    ledger.genesis();
    SignedTransaction register = ledger.register(1, "lab-7");
    Block first = ledger.commit(List.of(register), ledger.allSigners());
    RecordIndexEntity registration =
        JpaLedgerStore.index("ch-test", register, first.header()).orElseThrow();
    SignedTransaction amend = amendment(1, 1, 2);
    Block second = ledger.commit(List.of(amend), ledger.allSigners());

    RecordIndexEntity row =
        JpaLedgerStore.amendmentRow(
                "ch-test",
                SignedTransaction.decode(amend.encoded()),
                second.header(),
                registration,
                1)
            .orElseThrow();

    assertThat(row.getTxId()).isEqualTo(amend.idHex());
    assertThat(row.getVersion()).isEqualTo(2L);
    assertThat(row.getMediaType()).isEqualTo("text/plain");
    assertThat(row.getSize()).isEqualTo(4321L);
    assertThat(row.getContentHash()).isEqualTo("9a".repeat(32));
    assertThat(row.getHeight()).isEqualTo(2L);
    assertThat(row.getPseudonym()).isEqualTo(registration.getPseudonym());
    assertThat(row.getDocumentClass()).isEqualTo("11502-2");
    assertThat(row.getProvider()).isEqualTo("clinic-b");
    assertThat(row.getRegisteredAt()).isEqualTo(registration.getRegisteredAt());
  }

  @Test
  void anAmendmentByAnotherMemberOrOutOfSequenceIsNoRow() {
    ledger.genesis();
    SignedTransaction register = ledger.register(1, "lab-7");
    Block first = ledger.commit(List.of(register), ledger.allSigners());
    RecordIndexEntity registration =
        JpaLedgerStore.index("ch-test", register, first.header()).orElseThrow();

    assertThat(
            JpaLedgerStore.amendmentRow(
                "ch-test", amendment(0, 1, 2), first.header(), registration, 1))
        .isEmpty();
    assertThat(
            JpaLedgerStore.amendmentRow(
                "ch-test", amendment(1, 2, 3), first.header(), registration, 1))
        .isEmpty();
  }
}
