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
}
