package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.ChannelId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatientPseudonymsTest {

  private static final byte[] KEY = new byte[32];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) i;
    }
  }

  private static final PatientId PATIENT =
      new PatientId("urn:oid:2.16.840.1.113883.2.4.6.3|123456782");

  /**
   * Fixed vectors, computed independently of this code with Python's standard library: {@code
   * hmac.new(bytes(range(32)), b"careledger/patient-pseudonym/v1\0care-bft\0urn:oid:...|123456782",
   * hashlib.sha256).hexdigest()}.
   */
  @Test
  void matchesTheFixedVectors() {
    assertThat(PatientPseudonyms.pseudonym(KEY, new ChannelId("care-bft"), PATIENT))
        .isEqualTo("22bfea32039b3533cf37c2e06266ed644a497c124e78614a532809c5b083cefd");
    assertThat(PatientPseudonyms.pseudonym(KEY, new ChannelId("care-trio"), PATIENT))
        .isEqualTo("0a29f24bb140595feec2ba2df0dceac074d468932082f1083593621fffe62967");
  }

  @Test
  void anotherKeyOrPatientGivesAnUnrelatedPseudonym() {
    byte[] other = KEY.clone();
    other[31] ^= 1;
    ChannelId channel = new ChannelId("care-bft");
    String base = PatientPseudonyms.pseudonym(KEY, channel, PATIENT);

    assertThat(PatientPseudonyms.pseudonym(other, channel, PATIENT)).isNotEqualTo(base);
    assertThat(
            PatientPseudonyms.pseudonym(
                KEY, channel, new PatientId("urn:oid:2.16.840.1.113883.2.4.6.3|123456783")))
        .isNotEqualTo(base);
    assertThat(base).matches("[0-9a-f]{64}").doesNotContain("123456782");
  }

  @Test
  void aKeyOfTheWrongSizeIsRefused() {
    assertThatThrownBy(
            () -> PatientPseudonyms.pseudonym(new byte[16], new ChannelId("care-bft"), PATIENT))
        .isInstanceOf(CareLedgerException.class)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.PSEUDONYM_KEY_MISSING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "jane doe", "tab\there", "\u00e9l\u00e8ve-42", "line\nbreak"})
  void identifiersOfAnotherFormAreRefusedWithTheirCode(String value) {
    assertThatThrownBy(() -> new PatientId(value))
        .isInstanceOf(CareLedgerException.class)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.PATIENT_ID_INVALID);
  }

  @Test
  void neitherTheIdNorItsErrorRevealsTheIdentifier() {
    assertThat(PATIENT.toString()).doesNotContain("123456782");
    assertThatThrownBy(() -> new PatientId("x".repeat(129)))
        .hasMessageNotContaining("xxx")
        .hasMessageContaining("129 characters");
  }
}
