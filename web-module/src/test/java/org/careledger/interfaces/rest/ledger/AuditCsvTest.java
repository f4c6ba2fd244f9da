package org.careledger.interfaces.rest.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.careledger.application.SharingService.AuditEvent;
import org.junit.jupiter.api.Test;

class AuditCsvTest {

  @Test
  void oneHeaderLineThenOneLinePerEventInRfc4180Form() {
    String csv =
        AuditResource.csv(
            List.of(
                new AuditEvent(
                    "break-glass",
                    "rec,1",
                    "ps-9",
                    "clinic-b",
                    "clinic-b",
                    "emergency",
                    "unconscious",
                    "ab12",
                    7,
                    Instant.parse("2026-12-05T10:00:00Z")),
                new AuditEvent(
                    "register",
                    "r2",
                    null,
                    "hospital-a",
                    null,
                    null,
                    null,
                    "cd34",
                    3,
                    Instant.parse("2026-12-05T09:00:00Z"))));

    assertThat(csv.split("\r\n", -1))
        .containsExactly(
            "at,height,kind,recordId,patient,institution,subject,basis,reasonCode,txId",
            "2026-12-05T10:00:00Z,7,break-glass,\"rec,1\",ps-9,clinic-b,clinic-b,emergency,"
                + "unconscious,ab12",
            "2026-12-05T09:00:00Z,3,register,r2,,hospital-a,,,,cd34",
            "");
  }

  @Test
  void cellsASpreadsheetWouldEvaluateAreDefusedAndQuotesDoubled() {
    assertThat(AuditResource.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(AuditResource.cell("+1")).isEqualTo("'+1");
    assertThat(AuditResource.cell("-1")).isEqualTo("'-1");
    assertThat(AuditResource.cell("@a")).isEqualTo("'@a");
    assertThat(AuditResource.cell("line\nbreak")).isEqualTo("\"line\nbreak\"");
    assertThat(AuditResource.cell(null)).isEmpty();
    assertThat(AuditResource.cell("plain")).isEqualTo("plain");
  }
}
