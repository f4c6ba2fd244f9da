package org.careledger.domain.ledger.canonical;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/** Serializes the value model of {@link CanonicalJson} as RFC 8785 §3.2 prescribes. */
final class CanonicalEncoder {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out = new StringBuilder();

  private CanonicalEncoder() {}

  static byte[] encode(Object value) {
    CanonicalEncoder encoder = new CanonicalEncoder();
    encoder.write(value, 0);
    // Lone surrogates were rejected while writing, so this conversion replaces nothing.
    byte[] bytes = encoder.out.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > CanonicalJson.MAX_BYTES) {
      throw tooLarge();
    }
    return bytes;
  }

  private void write(Object value, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String string) {
      writeString(string);
    } else if (value instanceof Boolean bool) {
      out.append(bool.booleanValue());
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      writeInteger(((Number) value).longValue());
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, depth + 1);
    } else if (value instanceof List<?> list) {
      writeArray(list, depth + 1);
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      throw unsupported(
          "floating-point numbers are not part of the ledger's canonical JSON; use an integer or a"
              + " string");
    } else {
      throw unsupported(
          value.getClass().getName()
              + " has no canonical JSON form; use Map, List, String, Long, Boolean or null");
    }
    // A UTF-16 code unit never encodes to fewer UTF-8 bytes, so this stops oversized output early.
    if (out.length() > CanonicalJson.MAX_BYTES) {
      throw tooLarge();
    }
  }

  private void writeObject(Map<?, ?> map, int depth) {
    checkDepth(depth);
    List<Map.Entry<?, ?>> members = new ArrayList<>(map.size());
    for (Map.Entry<?, ?> member : map.entrySet()) {
      if (!(member.getKey() instanceof String)) {
        Object key = member.getKey();
        throw unsupported(
            "object member names must be strings, not "
                + (key == null ? "null" : key.getClass().getName()));
      }
      members.add(member);
    }
    members.sort((a, b) -> ((String) a.getKey()).compareTo((String) b.getKey()));
    out.append('{');
    String previous = null;
    for (Map.Entry<?, ?> member : members) {
      String name = (String) member.getKey();
      if (previous != null) {
        // Only a map keyed by identity can hold two equal names; I-JSON forbids them.
        if (previous.equals(name)) {
          throw unsupported("an object holds the same member name twice");
        }
        out.append(',');
      }
      writeString(name);
      out.append(':');
      write(member.getValue(), depth);
      previous = name;
    }
    out.append('}');
  }

  private void writeArray(List<?> list, int depth) {
    checkDepth(depth);
    out.append('[');
    boolean first = true;
    for (Object element : list) {
      if (!first) {
        out.append(',');
      }
      write(element, depth);
      first = false;
    }
    out.append(']');
  }

  private void writeInteger(long number) {
    if (number > CanonicalJson.MAX_SAFE_INTEGER || number < -CanonicalJson.MAX_SAFE_INTEGER) {
      throw unsupported("integers must lie within ±(2^53−1); carry larger ones as strings");
    }
    out.append(number);
  }

  private void writeString(String string) {
    out.append('"');
    int length = string.length();
    // Ledger strings are mostly hashes, ids and base64url: copy the run that needs no escaping in
    // one append instead of char by char; the loop below handles the rest exactly as before.
    int plain = 0;
    while (plain < length && needsNoEscape(string.charAt(plain))) {
      plain++;
    }
    out.append(string, 0, plain);
    for (int i = plain; i < length; i++) {
      char c = string.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < length
              && Character.isLowSurrogate(string.charAt(i + 1))) {
            out.append(c).append(string.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            throw unsupported(
                "a string holds a lone surrogate at index " + i + "; it has no UTF-8 form");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean needsNoEscape(char c) {
    return c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c);
  }

  private static void checkDepth(int depth) {
    if (depth > CanonicalJson.MAX_DEPTH) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_LIMIT_EXCEEDED,
          "value nests deeper than "
              + CanonicalJson.MAX_DEPTH
              + " arrays and objects, or contains itself");
    }
  }

  private static CareLedgerException tooLarge() {
    return new CareLedgerException(
        ErrorCode.ENCODING_LIMIT_EXCEEDED,
        "canonical encoding exceeds " + CanonicalJson.MAX_BYTES + " bytes");
  }

  private static CareLedgerException unsupported(String message) {
    return new CareLedgerException(ErrorCode.ENCODING_UNSUPPORTED_VALUE, message);
  }
}
