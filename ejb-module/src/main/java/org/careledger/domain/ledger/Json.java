package org.careledger.domain.ledger;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Strict reading of decoded canonical JSON values; every mismatch is TX_MALFORMED or
 * BLOCK_MALFORMED.
 */
final class Json {

  private Json() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value, String what, int exactKeys) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, what + " must be a JSON object");
    }
    if (exactKeys >= 0 && map.size() != exactKeys) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED,
          what + " must have exactly " + exactKeys + " members, has " + map.size());
    }
    return (Map<String, Object>) map;
  }

  static String string(Map<String, Object> json, String key) {
    if (!(json.get(key) instanceof String value)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'" + key + "' must be a string");
    }
    return value;
  }

  static long integer(Map<String, Object> json, String key) {
    if (!(json.get(key) instanceof Number value)
        || !(value instanceof Long || value instanceof Integer)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'" + key + "' must be an integer");
    }
    return value.longValue();
  }

  @SuppressWarnings("unchecked")
  static List<Object> array(Map<String, Object> json, String key) {
    if (!(json.get(key) instanceof List<?> list)) {
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "'" + key + "' must be an array");
    }
    return (List<Object>) list;
  }

  static byte[] base64url(Map<String, Object> json, String key, int length) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(string(json, key));
      if (length >= 0 && bytes.length != length) {
        throw new IllegalArgumentException("length " + bytes.length);
      }
      if (!base64url(bytes).equals(json.get(key))) {
        throw new IllegalArgumentException("not canonical unpadded base64url");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      String form = length >= 0 ? length + " bytes of unpadded base64url" : "unpadded base64url";
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "'" + key + "' must be " + form + ": " + e.getMessage());
    }
  }

  static byte[] hex32(Map<String, Object> json, String key) {
    String value = string(json, key);
    if (!value.matches("[0-9a-f]{64}")) {
      throw new CareLedgerException(
          ErrorCode.TX_MALFORMED, "'" + key + "' must be 64 lower-case hex digits");
    }
    return HexFormat.of().parseHex(value);
  }

  static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
