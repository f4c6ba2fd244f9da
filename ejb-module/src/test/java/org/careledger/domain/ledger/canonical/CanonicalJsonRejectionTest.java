package org.careledger.domain.ledger.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule the encoder or the strict decoder enforces. */
class CanonicalJsonRejectionTest {

  @Nested
  class Encode {

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\udbff", "\udc00", "a\udfffb", "\ude00\ud83d"})
    void rejectsLoneSurrogatesInStrings(String string) {
      assertRejected(() -> CanonicalJson.encode(string), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      assertRejected(
          () -> CanonicalJson.encode(List.of(string)), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
    }

    @Test
    void rejectsLoneSurrogatesInMemberNames() {
      assertRejected(
          () -> CanonicalJson.encode(Map.of("\ud83d", 1L)), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
    }

    @Test
    void rejectsMemberNamesThatAreNotStrings() {
      Map<Object, Object> nullName = new HashMap<>();
      nullName.put(null, 1L);

      for (Map<?, ?> map : List.of(Map.of(1L, "x"), Map.of('a', "x"), nullName)) {
        assertRejected(() -> CanonicalJson.encode(map), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      }
    }

    @Test
    void rejectsTheSameMemberNameTwice() {
      Map<String, Object> byIdentity = new IdentityHashMap<>();
      byIdentity.put("a", 1L);
      byIdentity.put(new String("a"), 2L);

      assertRejected(() -> CanonicalJson.encode(byIdentity), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
    }

    @Test
    void rejectsFloatsEvenIntegralOnes() {
      for (Object number : List.of(1.5d, 1.0d, 0.0d, 1.5f, BigDecimal.ONE, Double.NaN)) {
        assertRejected(() -> CanonicalJson.encode(number), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      }
    }

    @Test
    void rejectsUnsupportedTypes() {
      for (Object value :
          List.of(
              'c',
              new Object(),
              new int[0],
              Optional.empty(),
              Instant.EPOCH,
              BigInteger.ONE,
              new StringBuilder("text"))) {
        assertRejected(() -> CanonicalJson.encode(value), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      }
    }

    @Test
    void rejectsIntegersBeyondTheIJsonRange() {
      long beyond = CanonicalJson.MAX_SAFE_INTEGER + 1;
      for (long number : new long[] {beyond, -beyond, Long.MAX_VALUE, Long.MIN_VALUE}) {
        assertRejected(() -> CanonicalJson.encode(number), ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      }
      assertThat(CanonicalJson.encode(CanonicalJson.MAX_SAFE_INTEGER))
          .isEqualTo(utf8("9007199254740991"));
      assertThat(CanonicalJson.encode(-CanonicalJson.MAX_SAFE_INTEGER))
          .isEqualTo(utf8("-9007199254740991"));
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
      assertThat(CanonicalJson.encode(nestedLists(CanonicalJson.MAX_DEPTH))).isNotEmpty();
      assertRejected(
          () -> CanonicalJson.encode(nestedLists(CanonicalJson.MAX_DEPTH + 1)),
          ErrorCode.ENCODING_LIMIT_EXCEEDED);
    }

    @Test
    void rejectsAValueThatContainsItself() {
      List<Object> cycle = new ArrayList<>();
      cycle.add(cycle);
      Map<String, Object> map = new HashMap<>();
      map.put("self", map);

      assertRejected(() -> CanonicalJson.encode(cycle), ErrorCode.ENCODING_LIMIT_EXCEEDED);
      assertRejected(() -> CanonicalJson.encode(map), ErrorCode.ENCODING_LIMIT_EXCEEDED);
    }

    @Test
    void rejectsOutputLargerThanTheLimit() {
      String fits = "a".repeat(CanonicalJson.MAX_BYTES - 2);
      assertThat(CanonicalJson.encode(fits)).hasSize(CanonicalJson.MAX_BYTES);

      assertRejected(() -> CanonicalJson.encode(fits + "a"), ErrorCode.ENCODING_LIMIT_EXCEEDED);
      // Two UTF-8 bytes per character: fewer characters than the limit, more bytes.
      String wide = "\u00e9".repeat(CanonicalJson.MAX_BYTES / 2);
      assertRejected(() -> CanonicalJson.encode(wide), ErrorCode.ENCODING_LIMIT_EXCEEDED);
    }
  }

  @Nested
  class Decode {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"a\":1,\"a\":1}",
          "{\"a\":1,\"a\":2}",
          "{\"a\":1,\"b\":2,\"a\":3}",
          "{\"a\":{},\"\\u0061\":{}}",
          "[{\"x\":null,\"x\":null}]"
        })
    void rejectsDuplicateMemberNames(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_MALFORMED);
    }

    @Test
    void rejectsAByteOrderMark() {
      assertRejected(
          () -> CanonicalJson.decode(HexFormat.of().parseHex("efbbbf7b7d")),
          ErrorCode.ENCODING_MALFORMED);
      assertThat(CanonicalJson.decode(utf8("{}"))).isEqualTo(Map.of());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          " 1",
          "1 ",
          "1\n",
          "{ }",
          "[ ]",
          "{\"a\": 1}",
          "{\"a\" :1}",
          "[1, 2]",
          "[1 ,2]",
          "\t[]",
          "[\r\n]"
        })
    void rejectsWhitespace(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_NOT_CANONICAL);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"{}{}", "1 2", "[]]", "{}}", "nullx", "truefalse", "\"a\"\"b\"", "0,1", "1]"})
    void rejectsTrailingData(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "00", "-01", "[007]", "{\"a\":01}", "-00"})
    void rejectsLeadingZeros(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0", "[-0]", "{\"a\":-0}"})
    void rejectsNegativeZero(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_NOT_CANONICAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e2", "1E2", "1e+2", "1e-2", "0e0", "-1E0", "[1e2]"})
    void rejectsExponents(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_UNSUPPORTED_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "0.5", "-1.5", "[1.25]", "{\"a\":0.0}", "1."})
    void rejectsFractions(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_UNSUPPORTED_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "22c32822", // 0xC3 needs a continuation byte
          "2280", // a lone continuation byte
          "22c0af22", // overlong '/'
          "22e080af22", // overlong '/', three bytes
          "22eda08022", // U+D800 encoded directly (CESU-8)
          "22f490808022", // beyond U+10FFFF
          "22e28222", // truncated three-byte sequence
          "22ff22", // never valid in UTF-8
          "5b22fe225d"
        })
    void rejectsInvalidUtf8(String hex) {
      assertRejected(
          () -> CanonicalJson.decode(HexFormat.of().parseHex(hex)), ErrorCode.ENCODING_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"b\":1,\"a\":2}",
          "{\"aa\":1,\"a\":2}",
          "{\"a\":1,\"B\":2}",
          // Code point order rather than UTF-16 code unit order (RFC 8785 §3.2.3).
          "{\"\u20ac\":1,\"\ufb33\":2,\"\ud83d\ude00\":3}",
          "[{\"z\":1,\"y\":2}]"
        })
    void rejectsMembersOutOfOrder(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_NOT_CANONICAL);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "\"\\/\"",
          "\"\\u0041\"",
          "\"\\u00e9\"",
          "\"\\u000F\"",
          "\"\\u0008\"",
          "\"\\u000a\"",
          "\"\\u007f\"",
          "\"\\ud83d\\ude00\"",
          "{\"\\u0061\":1}"
        })
    void rejectsEscapesOtherThanTheCanonicalOnes(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_NOT_CANONICAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\ud800\"", "\"\\udc00\"", "\"\\ude00\\ud83d\"", "{\"\\ud800\":1}"})
    void rejectsLoneSurrogateEscapes(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_UNSUPPORTED_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "9007199254740992",
          "-9007199254740992",
          "99999999999999999999999",
          "[18446744073709551616]"
        })
    void rejectsIntegersBeyondTheIJsonRange(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      assertThat(CanonicalJson.decode(utf8("9007199254740991")))
          .isEqualTo(CanonicalJson.MAX_SAFE_INTEGER);
      assertThat(CanonicalJson.decode(utf8("-9007199254740991")))
          .isEqualTo(-CanonicalJson.MAX_SAFE_INTEGER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\u0001b\"", "\"\t\"", "\"\u001f\"", "{\"\n\":1}"})
    void rejectsUnescapedControlCharacters(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "{",
          "[",
          "}",
          "[1,]",
          "[,1]",
          "[1 2]",
          "{\"a\"}",
          "{\"a\":}",
          "{\"a\":1,}",
          "{a:1}",
          "{'a':1}",
          "tru",
          "nul",
          "True",
          "NaN",
          "\"abc",
          "\"\\x\"",
          "\"\\u12\"",
          "\"\\u12g4\"",
          "\"\\u\uff11\uff12\uff13\uff14\"",
          "\"\\",
          "-",
          "--1",
          "+1",
          ".5",
          "0x10"
        })
    void rejectsSyntaxErrors(String json) {
      assertDecodeRejected(json, ErrorCode.ENCODING_MALFORMED);
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
      int limit = CanonicalJson.MAX_DEPTH;
      assertThat(CanonicalJson.decode(utf8("[".repeat(limit) + "]".repeat(limit))))
          .isEqualTo(nestedLists(limit));

      assertDecodeRejected(
          "[".repeat(limit + 1) + "]".repeat(limit + 1), ErrorCode.ENCODING_LIMIT_EXCEEDED);
      assertDecodeRejected(
          "{\"a\":".repeat(limit + 1) + "{}" + "}".repeat(limit + 1),
          ErrorCode.ENCODING_LIMIT_EXCEEDED);
      // A hostile peer's unterminated nesting must fail on depth, not on the stack.
      assertDecodeRejected("[".repeat(100_000), ErrorCode.ENCODING_LIMIT_EXCEEDED);
    }

    @Test
    void rejectsInputLargerThanTheLimit() {
      byte[] fits = utf8("\"" + "a".repeat(CanonicalJson.MAX_BYTES - 2) + "\"");
      assertThat(CanonicalJson.decode(fits)).isEqualTo("a".repeat(CanonicalJson.MAX_BYTES - 2));

      byte[] tooLarge = utf8("\"" + "a".repeat(CanonicalJson.MAX_BYTES - 1) + "\"");
      assertRejected(() -> CanonicalJson.decode(tooLarge), ErrorCode.ENCODING_LIMIT_EXCEEDED);
    }

    @Test
    void errorMessagesNameThePositionButNeverTheContent() {
      assertThatThrownBy(() -> CanonicalJson.decode(utf8("{\"patient\":\"Jane Doe\" }")))
          .hasMessageStartingWith("CL-1102")
          .hasMessageContaining("byte 21")
          .hasMessageNotContaining("Jane");
      assertThatThrownBy(() -> CanonicalJson.decode(utf8("{\"patient\":\"Jane\",\"patient\":1}")))
          .hasMessageStartingWith("CL-1101")
          .hasMessageContaining("character 18")
          .hasMessageNotContaining("patient")
          .hasMessageNotContaining("Jane");
    }
  }

  private static List<Object> nestedLists(int depth) {
    List<Object> value = List.of();
    for (int i = 1; i < depth; i++) {
      value = List.of(value);
    }
    return value;
  }

  private static void assertDecodeRejected(String json, ErrorCode code) {
    assertRejected(() -> CanonicalJson.decode(utf8(json)), code);
  }

  private static void assertRejected(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
