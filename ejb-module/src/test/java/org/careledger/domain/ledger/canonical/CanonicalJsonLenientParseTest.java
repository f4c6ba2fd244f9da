package org.careledger.domain.ledger.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CanonicalJson#parse}: any layout in, the same value model out, nothing outside it. */
class CanonicalJsonLenientParseTest {

  private static final String CANONICAL =
      "{\"a\":[1,-2,true,null],\"b\":{\"c\":\"x/y\"},\"d\":\"A\"}";

  @Test
  void formattedAndReorderedTextYieldsTheValueOfItsCanonicalForm() {
    String edited =
        "{\n  \"d\" : \"\\u0041\",\r\n\t\"b\": { \"c\": \"x\\/y\" },\n  \"a\": [ 1, -2, true, null ]\n}\n";

    Object value = CanonicalJson.parse(utf8(edited));

    assertThat(value).isEqualTo(CanonicalJson.decode(utf8(CANONICAL)));
    assertThat(new String(CanonicalJson.encode(value), StandardCharsets.UTF_8))
        .isEqualTo(CANONICAL);
  }

  @Test
  void theStrictDecoderStillRefusesTheSameText() {
    assertThatThrownBy(() -> CanonicalJson.decode(utf8("{ \"a\": 1 }")))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ENCODING_NOT_CANONICAL));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\": 1.5}|ENCODING_UNSUPPORTED_VALUE",
        "{\"a\": 1e3}|ENCODING_UNSUPPORTED_VALUE",
        "{\"a\": 9007199254740992}|ENCODING_UNSUPPORTED_VALUE",
        "{\"a\": \"\\ud800\"}|ENCODING_UNSUPPORTED_VALUE",
        "{\"a\": 1, \"a\": 2}|ENCODING_MALFORMED",
        "{\"a\": 1,}|ENCODING_MALFORMED",
        "{\"a\": 1} x|ENCODING_MALFORMED",
      })
  void valuesOutsideTheModelAreStillRejected(String text, ErrorCode code) {
    assertThatThrownBy(() -> CanonicalJson.parse(utf8(text)))
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }

  @Test
  void nestingBeyondTheLimitIsRejected() {
    String deep = "[".repeat(CanonicalJson.MAX_DEPTH + 1) + "]".repeat(CanonicalJson.MAX_DEPTH + 1);
    assertThatThrownBy(() -> CanonicalJson.parse(utf8(deep)))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ENCODING_LIMIT_EXCEEDED));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
