package org.careledger.domain.ledger.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.FuzzContract;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link CanonicalJson#decode} (the strict reader of everything signed or hashed) and {@link
 * CanonicalJson#parse} (the lenient one, for the federation descriptor) on the same bytes, checking
 * their documented contracts against each other:
 *
 * <ul>
 *   <li>decode refuses only with ENCODING_MALFORMED, _UNSUPPORTED_VALUE, _NOT_CANONICAL or
 *       _LIMIT_EXCEEDED, parse with the same but never _NOT_CANONICAL;
 *   <li>what decode accepts, encode turns back into the input, and parse reads the same value;
 *   <li>what parse accepts encodes without failing, and decode reads that encoding back as the same
 *       value;
 *   <li>decode refuses with _NOT_CANONICAL exactly the inputs parse accepts but which are not their
 *       own encoding; any other refusal of decode's is also parse's, with the same code.
 * </ul>
 *
 * Both are pure. Seeds: canonical and non-canonical documents, here and under {@code
 * CanonicalJsonFuzzTestInputs/decodeAndParse/}.
 */
class CanonicalJsonFuzzTest {

  private static final Set<ErrorCode> DECODE_REJECTIONS =
      EnumSet.of(
          ErrorCode.ENCODING_MALFORMED,
          ErrorCode.ENCODING_UNSUPPORTED_VALUE,
          ErrorCode.ENCODING_NOT_CANONICAL,
          ErrorCode.ENCODING_LIMIT_EXCEEDED);
  private static final Set<ErrorCode> PARSE_REJECTIONS =
      EnumSet.of(
          ErrorCode.ENCODING_MALFORMED,
          ErrorCode.ENCODING_UNSUPPORTED_VALUE,
          ErrorCode.ENCODING_LIMIT_EXCEEDED);

  static Stream<byte[]> seeds() {
    return List.of(
            "{\"a\":[1,-2,true,false,null,\"x\"],\"b\":{\"c\":\"\\u001f\\\\\\\"\\n\"}}",
            "{\"\\r\":1,\"1\":2,\"\u0080\":3,\"\u00f6\":4,\"\u20ac\":5,\"\ud83d\ude00\":6}",
            "[9007199254740991,-9007199254740991,0]",
            "{ \"b\" : 1 , \"a\" : [ 2 ] }\n",
            "\"\\u20ac\\/\\ud83d\\ude00\"",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")
        .stream()
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  @MethodSource("seeds")
  @FuzzTest
  void decodeAndParse(byte[] input) {
    Object decoded = null;
    ErrorCode decodeRefusal = null;
    try {
      decoded = CanonicalJson.decode(input);
    } catch (CareLedgerException e) {
      FuzzContract.requireDocumented(e, DECODE_REJECTIONS);
      decodeRefusal = e.errorCode();
    }
    Object parsed = null;
    ErrorCode parseRefusal = null;
    try {
      parsed = CanonicalJson.parse(input);
    } catch (CareLedgerException e) {
      FuzzContract.requireDocumented(e, PARSE_REJECTIONS);
      parseRefusal = e.errorCode();
    }

    if (decodeRefusal == null) {
      assertThat(CanonicalJson.encode(decoded)).isEqualTo(input);
      assertThat(parseRefusal).as("parse of what decode accepts").isNull();
      assertThat(parsed).isEqualTo(decoded);
    } else if (decodeRefusal == ErrorCode.ENCODING_NOT_CANONICAL) {
      if (parseRefusal != null) {
        fail("decode found well-formed JSON that parse refused with " + parseRefusal);
      }
      assertThat(CanonicalJson.encode(parsed)).isNotEqualTo(input);
    } else {
      assertThat(parseRefusal).as("parse of what decode refused").isEqualTo(decodeRefusal);
    }
    if (parseRefusal == null) {
      byte[] canonical = CanonicalJson.encode(parsed);
      assertThat(CanonicalJson.decode(canonical)).isEqualTo(parsed);
    }
  }
}
