package org.careledger.infrastructure.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.SecretKey;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.offchain.BlobIntegrityException;
import org.careledger.domain.offchain.BlobOpener;
import org.careledger.domain.offchain.BlobSealer;
import org.careledger.domain.offchain.DataKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ParallelDecryption} on files as the store writes them, read without the store's hash check
 * so that damage reaches the decryption: the plaintext comes out whole and in order, or up to the
 * first chunk that fails, with the failure's code; no thread outlives the call.
 */
class ParallelDecryptionTest {

  private static final byte[] AD = "record r1 v1".getBytes(StandardCharsets.UTF_8);
  private static final int CHUNK = 1 << 20;
  private static final int SEALED = CHUNK + BlobSealer.TAG_LENGTH;
  private static final int HEADER = BlobOpener.HEADER_LENGTH;

  @TempDir Path root;
  private final SecretKey key = DataKeys.generate();

  @AfterEach
  void noThreadOutlivesTheCall() {
    assertThat(blobThreads()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 11 * CHUNK + 17})
  void decryptsEverySizeInOrder(int size) throws Exception {
    byte[] plaintext = document(size);
    Path file = stored(plaintext);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = transfer(file, key, out);

    assertThat(n).isEqualTo(size);
    assertThat(out.toByteArray()).isEqualTo(plaintext);
  }

  @Test
  void aSlowConsumerGetsEveryChunkInOrder() throws Exception {
    // Writing is slower than decrypting: the helper runs ahead as far as its slots allow, and the
    // chunks still come out in order.
    byte[] plaintext = document(3 * ParallelDecryption.SLOTS * CHUNK + 5);
    Path file = stored(plaintext);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStream slow =
        new OutputStream() {
          @Override
          public void write(int b) {
            out.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            sleep(3);
            out.write(b, off, len);
          }
        };

    transfer(file, key, slow);

    assertThat(out.toByteArray()).isEqualTo(plaintext);
  }

  @Test
  void swappedChunksFailWhereTheOutputReachesThemWithNothingOfThemWritten() throws Exception {
    byte[] plaintext = document(6 * CHUNK + 100);
    Path file = stored(plaintext);
    byte[] blob = Files.readAllBytes(file);
    byte[] swapped = blob.clone();
    System.arraycopy(blob, chunk(3), swapped, chunk(4), SEALED);
    System.arraycopy(blob, chunk(4), swapped, chunk(3), SEALED);
    Files.write(file, swapped);

    assertFailsAfter(file, plaintext, 3, ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void aFlippedByteFailsItsChunkWithTheChunksBeforeItWritten() throws Exception {
    byte[] plaintext = document(9 * CHUNK + 3);
    Path file = stored(plaintext);
    flip(file, chunk(5) + 1234);

    assertFailsAfter(file, plaintext, 5, ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void aFlippedLastByteFailsTheFinalChunk() throws Exception {
    byte[] plaintext = document(4 * CHUNK + 3);
    Path file = stored(plaintext);
    flip(file, Files.size(file) - 1);

    assertFailsAfter(file, plaintext, 4, ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void aBlobCutAtAChunkBoundaryIsTruncated() throws Exception {
    byte[] plaintext = document(5 * CHUNK + 99);
    Path file = stored(plaintext);
    cut(file, chunk(5));

    assertFailsAfter(file, plaintext, 4, ErrorCode.BLOB_TRUNCATED);
  }

  @Test
  void aBlobCutInsideTheFinalTagIsTruncated() throws Exception {
    byte[] plaintext = document(3 * CHUNK + 99);
    Path file = stored(plaintext);
    cut(file, chunk(3) + BlobSealer.TAG_LENGTH - 1);

    assertFailsAfter(file, plaintext, 3, ErrorCode.BLOB_TRUNCATED);
  }

  @Test
  void aDroppedChunkFailsWhereItWas() throws Exception {
    byte[] plaintext = document(5 * CHUNK + 99);
    Path file = stored(plaintext);
    byte[] blob = Files.readAllBytes(file);
    ByteArrayOutputStream spliced = new ByteArrayOutputStream();
    spliced.write(blob, 0, chunk(2));
    spliced.write(blob, chunk(3), blob.length - chunk(3));
    Files.write(file, spliced.toByteArray());

    assertFailsAfter(file, plaintext, 2, ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void bytesAfterTheFinalChunkAreRefused() throws Exception {
    byte[] plaintext = document(2 * CHUNK + 1);
    Path file = stored(plaintext);
    byte[] blob = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(blob, blob.length + SEALED));

    BlobIntegrityException e =
        catchThrowableOfType(
            () -> transfer(file, key, new ByteArrayOutputStream()), BlobIntegrityException.class);
    assertThat(e).isNotNull();
    assertThat(e.errorCode()).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void aHeaderCutShortIsTruncated() throws Exception {
    Path file = stored(document(3 * CHUNK));
    cut(file, HEADER - 1);
    assertFailsAfter(file, new byte[0], 0, ErrorCode.BLOB_TRUNCATED);
    cut(file, 0);
    assertFailsAfter(file, new byte[0], 0, ErrorCode.BLOB_TRUNCATED);
  }

  @Test
  void theWrongKeyOrAssociatedDataFailsTheFirstChunk() throws Exception {
    Path file = stored(document(3 * CHUNK + 1));
    for (SecretKey wrongKey : List.of(DataKeys.generate())) {
      BlobIntegrityException e =
          catchThrowableOfType(
              () -> transfer(file, wrongKey, new ByteArrayOutputStream()),
              BlobIntegrityException.class);
      assertThat(e.errorCode()).isEqualTo(ErrorCode.BLOB_TAMPERED);
    }
    try (FileChannel channel = FileChannel.open(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThatThrownBy(
              () ->
                  ParallelDecryption.transfer(
                      channel, key, "record r2 v1".getBytes(StandardCharsets.UTF_8), out))
          .isInstanceOf(BlobIntegrityException.class);
      assertThat(out.size()).isZero();
    }
  }

  @Test
  void aFailingOutputStopsTheHelperAndPropagates() throws Exception {
    Path file = stored(document(12 * CHUNK));
    OutputStream breaks =
        new OutputStream() {
          private int writes;

          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (++writes == 3) {
              throw new IOException("client went away");
            }
          }
        };

    assertThatThrownBy(() -> transfer(file, key, breaks)).hasMessage("client went away");
  }

  @Test
  void anInterruptStopsTheTransferAndKeepsTheInterrupt() throws Exception {
    Path file = stored(document(12 * CHUNK));
    OutputStream interrupts =
        new OutputStream() {
          private int writes;

          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) {
            if (++writes == 2) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try {
      assertThatThrownBy(() -> transfer(file, key, interrupts))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  /**
   * The transfer fails with {@code code}, after writing exactly the plaintext of the {@code good}
   * chunks before the failing one.
   */
  private void assertFailsAfter(Path file, byte[] plaintext, int good, ErrorCode code)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BlobIntegrityException e =
        catchThrowableOfType(() -> transfer(file, key, out), BlobIntegrityException.class);
    assertThat(e).as("the transfer fails").isNotNull();
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(out.toByteArray())
        .isEqualTo(Arrays.copyOf(plaintext, Math.min(plaintext.length, good * CHUNK)));
  }

  private static long transfer(Path file, SecretKey key, OutputStream out) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      return ParallelDecryption.transfer(channel, key, AD, out);
    }
  }

  private Path stored(byte[] plaintext) {
    FileBlobStore store = new FileBlobStore(root);
    return store.path(store.store(new ByteArrayInputStream(plaintext), key, AD).contentHash());
  }

  private static int chunk(int index) {
    return HEADER + index * SEALED;
  }

  private static void flip(Path file, long at) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) at] ^= 0x01;
    Files.write(file, bytes);
  }

  private static void cut(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private static byte[] document(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> blobThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("careledger-blob-"))
        .toList();
  }
}
