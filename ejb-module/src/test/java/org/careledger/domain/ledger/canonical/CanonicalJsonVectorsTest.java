package org.careledger.domain.ledger.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * Fixed vectors. Those marked RFC 8785 are the examples of RFC 8785 (JSON Canonicalization Scheme,
 * June 2020, https://www.rfc-editor.org/rfc/rfc8785) with their non-integer numbers left out,
 * because floats are outside our model; the rest are ours.
 */
class CanonicalJsonVectorsTest {

  /**
   * RFC 8785 §3.2.2, the input example with its "numbers" member left out. Java escapes aside, the
   * text is the RFC's, including its redundant escapes.
   */
  private static final String RFC_3_2_2_INPUT =
      "{\n"
          + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
          + "  \"literals\": [null, true, false]\n"
          + "}";

  /** RFC 8785 §3.2.2, the expected output, again without "numbers". */
  private static final String RFC_3_2_2_OUTPUT =
      "{\"literals\":[null,true,false],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

  /** RFC 8785 §3.2.3, the property sorting example, as published. */
  private static final String RFC_3_2_3_INPUT =
      "{\n"
          + "  \"\\u20ac\": \"Euro Sign\",\n"
          + "  \"\\r\": \"Carriage Return\",\n"
          + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
          + "  \"1\": \"One\",\n"
          + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
          + "  \"\\u0080\": \"Control\",\n"
          + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
          + "}";

  /**
   * The canonical form of {@link #RFC_3_2_3_INPUT}: members in the order RFC 8785 §3.2.3 states
   * ("Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
   * "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"), names written per §3.2.2.2.
   */
  private static final String RFC_3_2_3_OUTPUT =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
          + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
          + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
          + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

  /**
   * testdata/input/weird.json of the JCS reference implementation by RFC 8785's first author
   * (github.com/cyberphone/json-canonicalization, as shipped with the canon-json crate): it adds
   * "\n", "&lt;/script&gt;" and U+007F, which is not escaped.
   */
  private static final String WEIRD_INPUT =
      "{\n"
          + "  \"\\u20ac\": \"Euro Sign\",\n"
          + "  \"\\r\": \"Carriage Return\",\n"
          + "  \"\\u000a\": \"Newline\",\n"
          + "  \"1\": \"One\",\n"
          + "  \"\\u0080\": \"Control\\u007f\",\n"
          + "  \"\\ud83d\\ude02\": \"Smiley\",\n"
          + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n"
          + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
          + "  \"</script>\": \"Browser Challenge\"\n"
          + "}";

  /** testdata/output/weird.json of the same implementation. */
  private static final String WEIRD_OUTPUT =
      "{\"\\n\":\"Newline\",\"\\r\":\"Carriage Return\",\"1\":\"One\","
          + "\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\","
          + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
          + "\"\ud83d\ude02\":\"Smiley\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

  /** Our golden vector: a transaction-shaped value with every kind of JSON value and escape. */
  private static final String GOLDEN_OUTPUT =
      "{\"Zeta\":false,\"empty\":{},\"institution\":\"st-mary\","
          + "\"limits\":[9007199254740991,-9007199254740991,0,-1],"
          + "\"nested\":[[[]],{\"z\":[{}]},null],\"parents\":[],"
          + "\"payload\":{\"amended\":null,\"codes\":[\"I10\",\"E11.9\"],"
          + "\"note\":\"Blutdruck erh\u00f6ht\\n\\\"kontrollieren\\\"\\t/ 1\\u001f\","
          + "\"patient\":\"p-0001\",\"signed\":true},"
          + "\"seq\":42,\"type\":\"record.append\",\"\u00e9moji\":\"\ud83d\ude00\"}";

  /** SHA-256 of the UTF-8 bytes of {@link #GOLDEN_OUTPUT}, pinning them outside Java's strings. */
  private static final String GOLDEN_SHA256 =
      "921d5127fed51a809721c901d968b1607cd0a10742037a807012002b81795425";

  @Test
  void rfc8785Section322SerializesStringsAndLiteralsAsPublished() {
    Object parsed = CanonicalParser.parse(utf8(RFC_3_2_2_INPUT));

    assertThat(CanonicalJson.encode(parsed)).isEqualTo(utf8(RFC_3_2_2_OUTPUT));
    assertThat(CanonicalJson.decode(utf8(RFC_3_2_2_OUTPUT))).isEqualTo(parsed);
  }

  @Test
  void rfc8785Section322InputIsNotItselfCanonical() {
    assertRejected(
        () -> CanonicalJson.decode(utf8(RFC_3_2_2_INPUT)), ErrorCode.ENCODING_NOT_CANONICAL);
  }

  @Test
  void rfc8785Section323SortsMembersByUtf16CodeUnits() {
    Object parsed = CanonicalParser.parse(utf8(RFC_3_2_3_INPUT));

    byte[] canonical = CanonicalJson.encode(parsed);

    assertThat(canonical).isEqualTo(utf8(RFC_3_2_3_OUTPUT));
    @SuppressWarnings("unchecked")
    Map<String, Object> decoded = (Map<String, Object>) CanonicalJson.decode(canonical);
    assertThat(new ArrayList<>(decoded.values()))
        .containsExactly(
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh");
  }

  @Test
  void rfc8785Section323OrderDiffersFromCodePointOrder() {
    // U+1F600 sorts before U+FB33 only because its first UTF-16 unit is 0xD83D; UTF-8 bytes or code
    // points would put it last.
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("\ufb33", 1L);
    value.put("\ud83d\ude00", 2L);

    assertThat(text(CanonicalJson.encode(value))).isEqualTo("{\"\ud83d\ude00\":2,\"\ufb33\":1}");
  }

  @Test
  void referenceImplementationWeirdVector() {
    Object parsed = CanonicalParser.parse(utf8(WEIRD_INPUT));

    assertThat(CanonicalJson.encode(parsed)).isEqualTo(utf8(WEIRD_OUTPUT));
    assertThat(CanonicalJson.decode(utf8(WEIRD_OUTPUT))).isEqualTo(parsed);
  }

  @Test
  void writesUtf8AsRfc8785Section324Requires() {
    // U+0080 is two bytes, U+20AC three, U+1F600 four (a surrogate pair in Java).
    byte[] canonical = CanonicalJson.encode("\u0080\u20ac\ud83d\ude00");

    assertThat(HexFormat.of().formatHex(canonical)).isEqualTo("22c280e282acf09f988022");
  }

  @Test
  void goldenTransaction() throws Exception {
    Map<String, Object> payload = object();
    payload.put("patient", "p-0001");
    payload.put("signed", true);
    payload.put("codes", List.of("I10", "E11.9"));
    payload.put("note", "Blutdruck erh\u00f6ht\n\"kontrollieren\"\t/ 1\u001f");
    payload.put("amended", null);
    Map<String, Object> transaction = object();
    transaction.put("type", "record.append");
    transaction.put("seq", 42L);
    transaction.put("payload", payload);
    transaction.put("parents", List.of());
    transaction.put("institution", "st-mary");
    transaction.put(
        "limits",
        List.of(CanonicalJson.MAX_SAFE_INTEGER, -CanonicalJson.MAX_SAFE_INTEGER, 0L, -1L));
    transaction.put("empty", object());
    transaction.put(
        "nested", Arrays.asList(List.of(List.of()), Map.of("z", List.of(Map.of())), null));
    transaction.put("Zeta", false);
    transaction.put("\u00e9moji", "\ud83d\ude00");

    byte[] canonical = CanonicalJson.encode(transaction);

    assertThat(text(canonical)).isEqualTo(GOLDEN_OUTPUT);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)))
        .isEqualTo(GOLDEN_SHA256);
    assertThat(CanonicalJson.decode(canonical)).isEqualTo(transaction);
  }

  @Test
  void goldenScalars() {
    assertThat(text(CanonicalJson.encode(null))).isEqualTo("null");
    assertThat(text(CanonicalJson.encode(true))).isEqualTo("true");
    assertThat(text(CanonicalJson.encode(false))).isEqualTo("false");
    assertThat(text(CanonicalJson.encode(0L))).isEqualTo("0");
    assertThat(text(CanonicalJson.encode(-7))).isEqualTo("-7");
    assertThat(text(CanonicalJson.encode((short) 300))).isEqualTo("300");
    assertThat(text(CanonicalJson.encode((byte) -1))).isEqualTo("-1");
    assertThat(text(CanonicalJson.encode(""))).isEqualTo("\"\"");
    assertThat(CanonicalJson.decode(utf8("-7"))).isEqualTo(-7L);
  }

  @Test
  void goldenEscapes() {
    String every =
        "\u0000\u0001\u0007\b\t\n\u000b\f\r\u000e\u001f \"\\/\u007f\u0080\u2028\u2029\ufeff<>&'";

    assertThat(text(CanonicalJson.encode(every)))
        .isEqualTo(
            "\"\\u0000\\u0001\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f \\\"\\\\/"
                + "\u007f\u0080\u2028\u2029\ufeff<>&'\"");
  }

  private static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void assertRejected(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
