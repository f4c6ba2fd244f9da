package org.careledger.domain.ledger.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.careledger.domain.CareLedgerException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties over random values of the model. Seeds are fixed so a failure reproduces; each seed
 * draws a few hundred values.
 */
class CanonicalJsonRoundTripTest {

  private static final int VALUES_PER_SEED = 300;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 8785, 20250101})
  void decodingTheEncodingGivesTheValueBack(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < VALUES_PER_SEED; i++) {
      Object value = randomValue(random, 0);

      byte[] canonical = CanonicalJson.encode(value);
      Object decoded = CanonicalJson.decode(canonical);

      assertThat(decoded).as("seed %d, value %d", seed, i).isEqualTo(value);
      assertThat(CanonicalJson.encode(decoded)).isEqualTo(canonical);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5, 6})
  void insertionOrderOfMembersDoesNotMatter(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < VALUES_PER_SEED; i++) {
      Object value = randomValue(random, 0);

      assertThat(CanonicalJson.encode(reordered(value, random)))
          .as("seed %d, value %d", seed, i)
          .isEqualTo(CanonicalJson.encode(value));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 8, 9})
  void decodeAcceptsNoOtherBytesThanTheEncodingOfWhatItReturns(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < VALUES_PER_SEED; i++) {
      byte[] canonical = CanonicalJson.encode(randomValue(random, 0));
      byte[] mutated = mutate(canonical, random);

      Object decoded;
      try {
        decoded = CanonicalJson.decode(mutated);
      } catch (CareLedgerException rejected) {
        continue;
      }
      assertThat(CanonicalJson.encode(decoded))
          .as("seed %d, value %d accepted non-canonical bytes", seed, i)
          .isEqualTo(mutated);
    }
  }

  private static Object randomValue(Random random, int depth) {
    int kinds = depth >= 4 ? 5 : 7;
    return switch (random.nextInt(kinds)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> randomInteger(random);
      case 3, 4 -> randomString(random);
      case 5 -> {
        Map<String, Object> object = new HashMap<>();
        int size = random.nextInt(6);
        for (int i = 0; i < size; i++) {
          object.put(randomString(random), randomValue(random, depth + 1));
        }
        yield object;
      }
      default -> {
        List<Object> array = new ArrayList<>();
        int size = random.nextInt(6);
        for (int i = 0; i < size; i++) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
    };
  }

  private static long randomInteger(Random random) {
    long max = CanonicalJson.MAX_SAFE_INTEGER;
    return switch (random.nextInt(4)) {
      case 0 -> new long[] {0, 1, -1, 9, 10, -10, max, -max}[random.nextInt(8)];
      case 1 -> random.nextInt(1000) - 500;
      default -> (random.nextLong() % (max + 1));
    };
  }

  /** Strings drawn to hit every class of RFC 8785 §3.2.2.2 and of UTF-8 and UTF-16 encoding. */
  private static String randomString(Random random) {
    StringBuilder string = new StringBuilder();
    int length = random.nextInt(9);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(8)) {
        case 0 -> string.append((char) random.nextInt(0x20));
        case 1 -> string.append("\"\\/\b\f\n\r\t\u007f".charAt(random.nextInt(9)));
        case 2, 3 -> string.append((char) (0x20 + random.nextInt(0x5f)));
        case 4 -> string.append((char) (0x80 + random.nextInt(0x780)));
        case 5 -> string.append((char) (0x800 + random.nextInt(0xd800 - 0x800)));
        case 6 -> string.append((char) (0xe000 + random.nextInt(0x2000)));
        default -> string.appendCodePoint(0x10000 + random.nextInt(0x100000));
      }
    }
    return string.toString();
  }

  /** A deep copy whose maps iterate in a different, random order. */
  private static Object reordered(Object value, Random random) {
    if (value instanceof Map<?, ?> map) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      Collections.shuffle(entries, random);
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : entries) {
        copy.put(entry.getKey(), reordered(entry.getValue(), random));
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      for (Object element : list) {
        copy.add(reordered(element, random));
      }
      return copy;
    }
    return value;
  }

  /** Replaces, inserts or deletes one byte, favouring the bytes JSON's grammar turns on. */
  private static byte[] mutate(byte[] bytes, Random random) {
    byte[] interesting = " \t\n\"\\/{}[],:-0123456789.eEtfnu".getBytes(StandardCharsets.US_ASCII);
    byte replacement =
        random.nextBoolean()
            ? interesting[random.nextInt(interesting.length)]
            : (byte) random.nextInt(256);
    int at = random.nextInt(bytes.length + 1);
    return switch (random.nextInt(3)) {
      case 0 -> {
        byte[] replaced = bytes.clone();
        replaced[Math.min(at, bytes.length - 1)] = replacement;
        yield replaced;
      }
      case 1 -> {
        byte[] inserted = Arrays.copyOf(bytes, bytes.length + 1);
        System.arraycopy(bytes, at, inserted, at + 1, bytes.length - at);
        inserted[at] = replacement;
        yield inserted;
      }
      default -> {
        if (bytes.length == 1) {
          yield new byte[0];
        }
        int removed = Math.min(at, bytes.length - 1);
        byte[] deleted = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, deleted, 0, removed);
        System.arraycopy(bytes, removed + 1, deleted, removed, bytes.length - removed - 1);
        yield deleted;
      }
    };
  }
}
