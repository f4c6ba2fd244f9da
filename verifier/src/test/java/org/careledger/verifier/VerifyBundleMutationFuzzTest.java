package org.careledger.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * Fuzzes the standalone verifier with valid bundles changed at the JSON level, so that inputs get
 * past parsing and reach the genesis, header, certificate, transaction and Merkle checks: the
 * fuzzer walks into the bundle (and into the canonical JSON inside its base64url members: headers,
 * certificates, transactions), then replaces a value with another of any type, nudges a number,
 * flips a byte under base64url or a hex digit, or removes, duplicates, reorders or adds members and
 * elements. The contract is {@link BundleCheck}'s, and the unchanged bundle must still verify.
 */
class VerifyBundleMutationFuzzTest {

  private static final List<byte[]> VALID = BundleCheck.validBundles();
  private static final List<Object> TREES = VALID.stream().map(CanonicalJson::decode).toList();
  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
  private static final Base64.Encoder BASE64URL_OUT = Base64.getUrlEncoder().withoutPadding();

  @FuzzTest
  void verifyMutated(FuzzedDataProvider data) {
    int which = data.consumeInt(0, VALID.size() - 1);
    Object tree = TREES.get(which);
    int mutations = data.consumeInt(0, 3);
    for (int i = 0; i < mutations; i++) {
      tree = mutate(tree, data, 0);
    }
    byte[] bundle;
    try {
      bundle = CanonicalJson.encode(tree);
    } catch (CareLedgerException e) {
      return; // a value outside canonical JSON has no bytes to hand the verifier
    }
    int exit = BundleCheck.verify(bundle);
    if (Arrays.equals(bundle, VALID.get(which))) {
      assertThat(exit).as("the unchanged bundle").isZero();
    }
  }

  /** The node with one change somewhere at or below it. */
  private static Object mutate(Object node, FuzzedDataProvider data, int depth) {
    if (depth < 16 && data.consumeBoolean()) {
      if (node instanceof Map<?, ?> map && !map.isEmpty()) {
        Map<String, Object> copy = copy(map);
        String key = data.pickValue(new ArrayList<>(copy.keySet()));
        copy.put(key, mutate(copy.get(key), data, depth + 1));
        return copy;
      }
      if (node instanceof List<?> list && !list.isEmpty()) {
        List<Object> copy = new ArrayList<>(list);
        int i = data.consumeInt(0, copy.size() - 1);
        copy.set(i, mutate(copy.get(i), data, depth + 1));
        return copy;
      }
      if (node instanceof String text) {
        Object embedded = embedded(text);
        if (embedded != null) {
          try {
            return BASE64URL_OUT.encodeToString(
                CanonicalJson.encode(mutate(embedded, data, depth + 1)));
          } catch (CareLedgerException e) {
            return text;
          }
        }
      }
    }
    return change(node, data);
  }

  private static Object change(Object node, FuzzedDataProvider data) {
    switch (data.consumeInt(0, 9)) {
      case 0:
        return null;
      case 1:
        return data.consumeBoolean();
      case 2:
        return data.consumeLong(-CanonicalJson.MAX_SAFE_INTEGER, CanonicalJson.MAX_SAFE_INTEGER);
      case 3:
        return data.consumeAsciiString(data.consumeInt(0, 100));
      case 4:
        return data.consumeBoolean() ? new ArrayList<>() : new LinkedHashMap<>();
      case 5:
        if (node instanceof Long n) {
          return n + data.consumeInt(-2, 2);
        }
        return data.consumeInt(-2, 10) * 1L;
      case 6:
        if (node instanceof String text) {
          return changeString(text, data);
        }
        return node;
      case 7:
        if (node instanceof Map<?, ?> map) {
          Map<String, Object> copy = copy(map);
          if (!copy.isEmpty() && data.consumeBoolean()) {
            copy.remove(data.pickValue(new ArrayList<>(copy.keySet())));
          } else {
            copy.put(data.consumeAsciiString(12), change(null, data));
          }
          return copy;
        }
        if (node instanceof List<?> list) {
          return changeList(new ArrayList<>(list), data);
        }
        return node;
      case 8:
        return new ArrayList<>(Collections.singletonList(node));
      default:
        return data.consumeString(data.consumeInt(0, 20));
    }
  }

  private static Object changeString(String text, FuzzedDataProvider data) {
    byte[] bytes;
    try {
      bytes = BASE64URL.decode(text);
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes != null && bytes.length > 0 && data.consumeBoolean()) {
      switch (data.consumeInt(0, 2)) {
        case 0 -> bytes[data.consumeInt(0, bytes.length - 1)] ^= (byte) data.consumeInt(1, 255);
        case 1 -> bytes = Arrays.copyOf(bytes, data.consumeInt(0, bytes.length - 1));
        default -> bytes = concat(bytes, data.consumeBytes(data.consumeInt(1, 40)));
      }
      return BASE64URL_OUT.encodeToString(bytes);
    }
    if (text.isEmpty()) {
      return data.consumeAsciiString(4);
    }
    StringBuilder changed = new StringBuilder(text);
    int at = data.consumeInt(0, text.length() - 1);
    changed.setCharAt(at, data.consumeChar());
    return changed.toString();
  }

  private static List<Object> changeList(List<Object> list, FuzzedDataProvider data) {
    if (list.isEmpty()) {
      list.add(change(null, data));
      return list;
    }
    int i = data.consumeInt(0, list.size() - 1);
    switch (data.consumeInt(0, 3)) {
      case 0 -> list.remove(i);
      case 1 -> list.add(data.consumeInt(0, list.size()), list.get(i));
      case 2 -> Collections.swap(list, i, data.consumeInt(0, list.size() - 1));
      default -> list.add(data.consumeInt(0, list.size()), change(null, data));
    }
    return list;
  }

  /** The canonical JSON object or array a base64url string holds, or null. */
  private static Object embedded(String text) {
    try {
      Object value = CanonicalJson.decode(BASE64URL.decode(text));
      return value instanceof Map || value instanceof List ? value : null;
    } catch (IllegalArgumentException | CareLedgerException e) {
      return null;
    }
  }

  private static Map<String, Object> copy(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put((String) k, v));
    return copy;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
