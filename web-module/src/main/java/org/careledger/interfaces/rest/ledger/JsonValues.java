package org.careledger.interfaces.rest.ledger;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Maps request JSON onto the ledger's canonical value model: objects, arrays, strings, booleans,
 * null and integers. A number with a fraction or out of range is refused here, with its code,
 * rather than silently rounded.
 */
final class JsonValues {

  private JsonValues() {}

  static Map<String, Object> object(JsonObject json) {
    Map<String, Object> map = new LinkedHashMap<>();
    json.forEach((key, value) -> map.put(key, value(value)));
    return map;
  }

  static Object value(JsonValue value) {
    return switch (value.getValueType()) {
      case OBJECT -> object((JsonObject) value);
      case ARRAY -> array((JsonArray) value);
      case STRING -> ((JsonString) value).getString();
      case NUMBER -> integer((JsonNumber) value);
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      case NULL -> null;
    };
  }

  private static List<Object> array(JsonArray json) {
    List<Object> list = new ArrayList<>(json.size());
    json.forEach(value -> list.add(value(value)));
    return list;
  }

  private static Long integer(JsonNumber number) {
    if (!number.isIntegral()) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_UNSUPPORTED_VALUE, "ledger values hold integers only, not " + number);
    }
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_UNSUPPORTED_VALUE, "integer out of range: " + number);
    }
  }
}
