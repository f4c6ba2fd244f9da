package org.careledger.domain.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

class ExportKeysTest {

  static byte[] secret(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (first + i);
    }
    return s;
  }

  private final ExportKeys keys = ExportKeys.of(secret(0));

  /**
   * Vectors computed independently with Python's standard library (hmac, hashlib, base64, uuid) for
   * the secret bytes(range(32)).
   */
  @Test
  void matchesIndependentlyComputedVectors() {
    assertThat(keys.pseudonym("chan-pseudonym-1")).isEqualTo("rp-x4ptkkxez3zfn2fydmqm");
    assertThat(keys.dateShiftDays("chan-pseudonym-1")).isEqualTo(-28);
    assertThat(keys.localId("scope", "id-1")).isEqualTo("6b3b0f6e-5f08-8344-8e45-252464859069");
  }

  @Test
  void base32IsRfc4648LowerCaseWithoutPadding() {
    assertThat(ExportKeys.base32("".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(ExportKeys.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("my");
    assertThat(ExportKeys.base32("fo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxq");
    assertThat(ExportKeys.base32("foobar".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("mzxw6ytboi");
  }

  @Test
  void pseudonymIsStableWithinAnExportAndUnlinkableAcrossExports() {
    String a = keys.pseudonym("patient-a");
    assertThat(a).matches("rp-[a-z2-7]{20}");
    assertThat(ExportKeys.of(secret(0)).pseudonym("patient-a")).isEqualTo(a);
    assertThat(keys.pseudonym("patient-b")).isNotEqualTo(a);
    assertThat(ExportKeys.of(secret(1)).pseudonym("patient-a")).isNotEqualTo(a);
  }

  @Test
  void dateShiftsAreNonzeroWithinAYearAndSpreadBothWays() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      int d = keys.dateShiftDays("patient-" + i);
      assertThat(d).isBetween(-365, 365).isNotZero();
      seen.add(d);
    }
    assertThat(seen).anyMatch(d -> d < 0).anyMatch(d -> d > 0);
    assertThat(seen.size()).isGreaterThan(600);
    assertThat(keys.dateShiftDays("patient-1")).isEqualTo(keys.dateShiftDays("patient-1"));
  }

  @Test
  void theShiftMappingReachesBothEndsAndSkipsZero() {
    assertThat(ExportKeys.shiftOf(0)).isEqualTo(-1);
    assertThat(ExportKeys.shiftOf(364)).isEqualTo(-365);
    assertThat(ExportKeys.shiftOf(365)).isEqualTo(1);
    assertThat(ExportKeys.shiftOf(729)).isEqualTo(365);
    assertThat(ExportKeys.shiftOf(730)).isEqualTo(-1);
    assertThat(ExportKeys.shiftOf(-1L)).as("2^64 - 1 = 585 mod 730, unsigned").isEqualTo(221);
  }

  @Test
  void localIdsAreFhirIdsSeparatedByScope() {
    String id = keys.localId("p1/Patient", "123");
    assertThat(id)
        .matches("[A-Za-z0-9\\-.]{1,64}")
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(keys.localId("p1/Patient", "123")).isEqualTo(id);
    assertThat(keys.localId("p1/Observation", "123")).isNotEqualTo(id);
    assertThat(keys.localId("p1/Patient1", "23")).isNotEqualTo(id);
    assertThat(ExportKeys.of(secret(1)).localId("p1/Patient", "123")).isNotEqualTo(id);
  }

  @Test
  void refusesASecretOfAnotherLength() {
    assertThatThrownBy(() -> ExportKeys.of(new byte[16]))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESEARCH_EXPORT_INVALID));
    assertThatThrownBy(() -> ExportKeys.of(null)).isInstanceOf(CareLedgerException.class);
  }

  @Test
  void theSecretIsCopiedAndNotPrinted() {
    byte[] s = secret(0);
    ExportKeys k = ExportKeys.of(s);
    String before = k.pseudonym("x");
    s[0] ^= 1;
    assertThat(k.pseudonym("x")).isEqualTo(before);
    assertThat(k.toString()).doesNotContain("0, 1, 2");
  }
}
