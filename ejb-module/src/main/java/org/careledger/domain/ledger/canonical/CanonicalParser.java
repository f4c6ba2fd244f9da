package org.careledger.domain.ledger.canonical;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Parses JSON text (RFC 8259) into the value model of {@link CanonicalJson}. It accepts any
 * well-formed layout, whitespace included, and leaves judging canonical form to {@link
 * CanonicalJson#decode}, which re-encodes the result; what it rejects itself is what has no value
 * in the model at all.
 */
final class CanonicalParser {

  private final String text;
  private int position;

  private CanonicalParser(String text) {
    this.text = text;
  }

  static Object parse(byte[] bytes) {
    if (bytes.length > CanonicalJson.MAX_BYTES) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_LIMIT_EXCEEDED,
          "JSON of " + bytes.length + " bytes exceeds " + CanonicalJson.MAX_BYTES + " bytes");
    }
    if (bytes.length >= 3
        && bytes[0] == (byte) 0xEF
        && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF) {
      // RFC 8259 §8.1: a byte order mark must not be sent; tolerating one would give a second
      // byte form of the same value.
      throw malformed("JSON starts with a byte order mark");
    }
    CanonicalParser parser = new CanonicalParser(utf8(bytes));
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.position != parser.text.length()) {
      throw parser.malformedHere("data follows the JSON value");
    }
    return value;
  }

  private static String utf8(byte[] bytes) {
    try {
      // The JDK decoder refuses overlong forms, encoded surrogates and code points past U+10FFFF.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CareLedgerException(ErrorCode.ENCODING_MALFORMED, "JSON is not valid UTF-8", e);
    }
  }

  private Object value(int depth) {
    if (position >= text.length()) {
      throw malformedHere("JSON ends where a value is expected");
    }
    char c = text.charAt(position);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || isDigit(c)) {
          yield number();
        }
        throw malformedHere("no JSON value starts with this character");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    position++;
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (next('}')) {
      return Collections.unmodifiableMap(members);
    }
    do {
      skipWhitespace();
      if (position >= text.length() || text.charAt(position) != '"') {
        throw malformedHere("expected a member name");
      }
      int nameAt = position;
      String name = string();
      if (members.containsKey(name)) {
        // I-JSON (RFC 7493 §2.3) and RFC 8785 §3.1: a repeated name has no agreed meaning.
        position = nameAt;
        throw malformedHere("the object repeats a member name");
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      members.put(name, value(depth));
      skipWhitespace();
    } while (next(','));
    expect('}');
    return Collections.unmodifiableMap(members);
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    position++;
    List<Object> elements = new ArrayList<>();
    skipWhitespace();
    if (next(']')) {
      return Collections.unmodifiableList(elements);
    }
    do {
      skipWhitespace();
      elements.add(value(depth));
      skipWhitespace();
    } while (next(','));
    expect(']');
    return Collections.unmodifiableList(elements);
  }

  private String string() {
    position++;
    StringBuilder value = new StringBuilder();
    while (true) {
      // Copy each run of plain characters in one append rather than char by char.
      int run = position;
      while (run < text.length() && isPlain(text.charAt(run))) {
        run++;
      }
      value.append(text, position, run);
      position = run;
      if (position >= text.length()) {
        throw malformedHere("a string is not closed");
      }
      char c = text.charAt(position);
      if (c == '"') {
        position++;
        return value.toString();
      } else if (c == '\\') {
        escape(value);
      } else {
        throw malformedHere("a control character in a string must be escaped");
      }
    }
  }

  private void escape(StringBuilder value) {
    if (position + 1 >= text.length()) {
      throw malformedHere("a string ends inside an escape");
    }
    char c = text.charAt(position + 1);
    switch (c) {
      case '"', '\\', '/' -> value.append(c);
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case 'n' -> value.append('\n');
      case 'r' -> value.append('\r');
      case 't' -> value.append('\t');
      case 'u' -> {
        int code = 0;
        for (int i = position + 2; i < position + 6; i++) {
          int digit = i < text.length() ? hexDigit(text.charAt(i)) : -1;
          if (digit < 0) {
            throw malformedHere("a \\u escape needs four hex digits");
          }
          code = code * 16 + digit;
        }
        value.append((char) code);
        position += 4;
      }
      default -> throw malformedHere("unknown escape");
    }
    position += 2;
  }

  private Long number() {
    boolean negative = next('-');
    if (position >= text.length() || !isDigit(text.charAt(position))) {
      throw malformedHere("a minus sign must be followed by a digit");
    }
    long magnitude = 0;
    if (text.charAt(position) == '0') {
      position++;
      if (position < text.length() && isDigit(text.charAt(position))) {
        throw malformedHere("an integer has a leading zero");
      }
    } else {
      while (position < text.length() && isDigit(text.charAt(position))) {
        magnitude = magnitude * 10 + (text.charAt(position) - '0');
        if (magnitude > CanonicalJson.MAX_SAFE_INTEGER) {
          throw unsupportedHere("an integer lies beyond ±(2^53−1)");
        }
        position++;
      }
    }
    if (position < text.length() && ".eE".indexOf(text.charAt(position)) >= 0) {
      throw unsupportedHere("fractions and exponents are not part of the ledger's canonical JSON");
    }
    return negative ? -magnitude : magnitude;
  }

  private Object literal(String literal, Object value) {
    if (!text.startsWith(literal, position)) {
      throw malformedHere("expected " + literal);
    }
    position += literal.length();
    return value;
  }

  private void skipWhitespace() {
    while (position < text.length() && " \t\n\r".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
  }

  private boolean next(char c) {
    if (position < text.length() && text.charAt(position) == c) {
      position++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!next(c)) {
      throw malformedHere("expected '" + c + "'");
    }
  }

  private void checkDepth(int depth) {
    if (depth > CanonicalJson.MAX_DEPTH) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_LIMIT_EXCEEDED,
          "JSON nests deeper than "
              + CanonicalJson.MAX_DEPTH
              + " arrays and objects at character "
              + position);
    }
  }

  /** A character that stands for itself inside a string. */
  private static boolean isPlain(char c) {
    return c != '"' && c != '\\' && c >= 0x20;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Unlike {@link Character#digit}, accepts ASCII only, as RFC 8259 §7 does. */
  private static int hexDigit(char c) {
    if (isDigit(c)) {
      return c - '0';
    } else if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private CareLedgerException malformedHere(String problem) {
    return malformed(problem + " at character " + position);
  }

  private CareLedgerException unsupportedHere(String problem) {
    return new CareLedgerException(
        ErrorCode.ENCODING_UNSUPPORTED_VALUE, problem + " at character " + position);
  }

  private static CareLedgerException malformed(String message) {
    return new CareLedgerException(ErrorCode.ENCODING_MALFORMED, message);
  }
}
