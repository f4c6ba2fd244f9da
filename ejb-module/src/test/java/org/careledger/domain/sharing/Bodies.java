package org.careledger.domain.sharing;

import java.util.LinkedHashMap;
import java.util.Map;

/** Transaction bodies for tests, from field/value pairs in order. */
final class Bodies {

  private Bodies() {}

  static Map<String, Object> of(Object... pairs) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      body.put((String) pairs[i], pairs[i + 1]);
    }
    return body;
  }
}
