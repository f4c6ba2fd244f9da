package org.careledger.infrastructure.offchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunks arriving out of order, twice, and on parallel threads (as the federation delivers them):
 * exactly one arrival completes the document, and what is placed is the document byte for byte. (A
 * first version let a repeated chunk complete the document a second time, whose placement then
 * failed the transfer, or write into a file already moved.)
 */
class ReceivedDocumentTest {

  private static final int CHUNK = 1000;

  @TempDir Path dir;

  private static byte[] document(int size) {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  private static byte[] chunk(byte[] document, int index) {
    int from = index * CHUNK;
    return java.util.Arrays.copyOfRange(document, from, Math.min(document.length, from + CHUNK));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void outOfOrderAndRepeatedChunksCompleteTheDocumentOnce() throws Exception {
    byte[] document = document(4 * CHUNK + 123);
    int count = 5;
    ReceivedDocument received = new ReceivedDocument(dir, count);
    List<Integer> order = new ArrayList<>(List.of(3, 0, 3, 4, 1, 0, 2, 2, 4, 1));
    int completions = 0;
    for (int index : order) {
      byte[] envelope = index == 0 ? new byte[] {9, 9} : new byte[0];
      if (received.accept(index, (long) index * CHUNK, chunk(document, index), envelope)) {
        completions++;
      }
    }
    assertThat(completions).isEqualTo(1);
    assertThat(received.chunksReceived()).isEqualTo(count);
    assertThat(received.envelope()).containsExactly(9, 9);

    String hash = sha256(document);
    received.place(hash);
    Path placed = dir.resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash);
    assertThat(Files.readAllBytes(placed)).isEqualTo(document);
    // A repeat after placement changes nothing and completes nothing.
    assertThat(received.accept(2, 2L * CHUNK, chunk(document, 2), new byte[0])).isFalse();
  }

  @Test
  void parallelDeliveriesWithRepeatsCompleteExactlyOnce() throws Exception {
    for (int round = 0; round < 50; round++) {
      byte[] document = document(20 * CHUNK);
      int count = 20;
      Path home = Files.createDirectories(dir.resolve("r" + round));
      ReceivedDocument received = new ReceivedDocument(home, count);
      List<Integer> deliveries = new ArrayList<>();
      for (int copy = 0; copy < 3; copy++) {
        for (int i = 0; i < count; i++) {
          deliveries.add(i);
        }
      }
      Collections.shuffle(deliveries, new Random(round));
      AtomicInteger completions = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int index : deliveries) {
          done.add(
              threads.submit(
                  () -> {
                    if (received.accept(
                        index, (long) index * CHUNK, chunk(document, index), new byte[0])) {
                      completions.incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        threads.shutdown();
      }
      assertThat(completions.get()).as("round " + round).isEqualTo(1);
      String hash = sha256(document);
      received.place(hash);
      assertThat(
              Files.readAllBytes(
                  home.resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash)))
          .isEqualTo(document);
    }
  }
}
