package org.careledger.domain.consensus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checks that passed recently, for the caching verifiers: a bounded set whose least recently
 * used entries go first. Thread-safe; the check itself runs outside its lock.
 */
final class RecentlyVerified<K> {

  private final Map<K, Boolean> passed;

  RecentlyVerified(int capacity) {
    this.passed =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized boolean contains(K key) {
    return passed.containsKey(key);
  }

  synchronized void add(K key) {
    passed.put(key, Boolean.TRUE);
  }
}
