package org.careledger.infrastructure.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.offchain.BlobIntegrityException;
import org.careledger.domain.offchain.DataKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileBlobStoreTest {

  private static final byte[] AD = "record r1 v1".getBytes(StandardCharsets.UTF_8);
  private static final int MIB = 1 << 20;

  @TempDir Path root;
  private final SecretKey key = DataKeys.generate();

  private FileBlobStore store() {
    return new FileBlobStore(root);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] document(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void storesUnderTheSha256OfTheCiphertextAndReadsBackThePlaintext() throws Exception {
    byte[] plaintext = document(3 * 1024 * 1024 + 17);

    FileBlobStore.Stored stored = store().store(new ByteArrayInputStream(plaintext), key, AD);

    Path file = store().path(stored.contentHash());
    assertThat(file).exists();
    assertThat(
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
        .isEqualTo(stored.contentHash());
    assertThat(stored.plaintextSize()).isEqualTo(plaintext.length);
    assertThat(stored.ciphertextSize()).isEqualTo(Files.size(file)).isGreaterThan(plaintext.length);
    byte[] onDisk = Files.readAllBytes(file);
    for (int at = 0; at + 32 <= plaintext.length; at += 256 * 1024) {
      assertThat(contains(onDisk, java.util.Arrays.copyOfRange(plaintext, at, at + 32)))
          .as("plaintext run at %d found on disk", at)
          .isFalse();
    }
    try (InputStream in = store().open(stored.contentHash(), key, AD)) {
      assertThat(in.readAllBytes()).isEqualTo(plaintext);
    }
    assertThat(store().intact(stored.contentHash())).isTrue();
  }

  @Test
  void aFileChangedOnDiskIsRefusedBeforeAnyByteIsReturned() throws Exception {
    FileBlobStore.Stored stored =
        store().store(new ByteArrayInputStream(document(100_000)), key, AD);
    Path file = store().path(stored.contentHash());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);

    assertThat(store().intact(stored.contentHash())).isFalse();
    assertThatThrownBy(() -> store().open(stored.contentHash(), key, AD))
        .isInstanceOf(CareLedgerException.class)
        .satisfies(
            e ->
                assertThat(((CareLedgerException) e).errorCode())
                    .isEqualTo(ErrorCode.BLOB_HASH_MISMATCH));
  }

  @Test
  void transferToDecryptsOnTwoThreadsInOrderAndLeavesNoThread() throws Exception {
    byte[] plaintext = document(13 * MIB + 5);
    FileBlobStore.Stored stored = store().store(new ByteArrayInputStream(plaintext), key, AD);

    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    List<String> helpers = new java.util.ArrayList<>();
    java.io.OutputStream watching =
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            out.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            if (helpers.isEmpty()) {
              helpers.addAll(storeThreads());
            }
            out.write(b, off, len);
          }
        };
    try (InputStream in = store().open(stored.contentHash(), key, AD)) {
      assertThat(in.transferTo(watching)).isEqualTo(plaintext.length);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.transferTo(out)).isZero();
    }

    assertThat(out.toByteArray()).isEqualTo(plaintext);
    assertThat(helpers).containsExactly("careledger-blob-decrypt");
    assertThat(storeThreads()).isEmpty();
  }

  @Test
  void transferToAfterSomeReadsGoesOnWhereTheReadsStopped() throws Exception {
    byte[] plaintext = document(3 * MIB + 5);
    FileBlobStore.Stored stored = store().store(new ByteArrayInputStream(plaintext), key, AD);

    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (InputStream in = store().open(stored.contentHash(), key, AD)) {
      out.write(in.readNBytes(MIB + 3));
      in.transferTo(out);
    }

    assertThat(out.toByteArray()).isEqualTo(plaintext);
  }

  @Test
  void aLargeFileWithItsLastByteFlippedIsRefusedBeforeAnyByteIsReturned() throws Exception {
    // The hash check covers the whole file before the first plaintext byte, however many chunks
    // come before the damage.
    FileBlobStore.Stored stored =
        store().store(new ByteArrayInputStream(document(7 * MIB + 11)), key, AD);
    Path file = store().path(stored.contentHash());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= (byte) 0x80;
    Files.write(file, bytes);

    assertThatThrownBy(() -> store().open(stored.contentHash(), key, AD))
        .isInstanceOf(CareLedgerException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.BLOB_HASH_MISMATCH));
    assertThat(storeThreads()).isEmpty();
  }

  @Test
  void theFileThatPassedTheHashCheckIsTheOneDecrypted() throws Exception {
    // Another file moved into the document's place after the check is never read: the stream reads
    // the file it hashed, through the same open file.
    byte[] plaintext = document(3 * MIB + 1);
    FileBlobStore.Stored stored = store().store(new ByteArrayInputStream(plaintext), key, AD);
    Path file = store().path(stored.contentHash());
    Path other = root.resolve("other");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(other, bytes);

    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (InputStream in = store().open(stored.contentHash(), key, AD)) {
      Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      in.transferTo(out);
    }

    assertThat(out.toByteArray()).isEqualTo(plaintext);
  }

  @Test
  void aFailedTransferIsThrownAgainByLaterReads() throws Exception {
    FileBlobStore.Stored stored =
        store().store(new ByteArrayInputStream(document(3 * MIB)), key, AD);

    try (InputStream in = store().open(stored.contentHash(), DataKeys.generate(), AD)) {
      assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
          .isInstanceOf(BlobIntegrityException.class)
          .satisfies(
              e ->
                  assertThat(((BlobIntegrityException) e).errorCode())
                      .isEqualTo(ErrorCode.BLOB_TAMPERED));
      assertThatThrownBy(in::read).isInstanceOf(BlobIntegrityException.class);
    }
    assertThat(storeThreads()).isEmpty();
  }

  @Test
  void theWrongKeyOrRecordIsRefusedByAuthentication() throws Exception {
    FileBlobStore.Stored stored =
        store().store(new ByteArrayInputStream(document(10_000)), key, AD);

    try (InputStream in = store().open(stored.contentHash(), DataKeys.generate(), AD)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(BlobIntegrityException.class);
    }
    try (InputStream in =
        store().open(stored.contentHash(), key, "record r2 v1".getBytes(StandardCharsets.UTF_8))) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(BlobIntegrityException.class);
    }
  }

  @Test
  void aFailedUploadLeavesNothingBehind() throws Exception {
    InputStream breaksHalfway =
        new InputStream() {
          private int sent;

          @Override
          public int read() throws IOException {
            if (sent++ > 2_000_000) {
              throw new IOException("client went away");
            }
            return sent & 0xff;
          }
        };

    assertThatThrownBy(() -> store().store(breaksHalfway, key, AD))
        .isInstanceOf(CareLedgerException.class)
        .satisfies(
            e ->
                assertThat(((CareLedgerException) e).errorCode())
                    .isEqualTo(ErrorCode.BLOB_STORE_FAILED));
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void erasingRemovesTheCiphertextForGood() {
    FileBlobStore.Stored stored = store().store(new ByteArrayInputStream(document(1000)), key, AD);

    store().erase(stored.contentHash());
    store().erase(stored.contentHash());

    assertThat(store().exists(stored.contentHash())).isFalse();
    assertThatThrownBy(() -> store().open(stored.contentHash(), key, AD))
        .satisfies(
            e ->
                assertThat(((CareLedgerException) e).errorCode())
                    .isEqualTo(ErrorCode.BLOB_NOT_FOUND));
  }

  @Test
  void addressesThatAreNotHashesCannotReachOutsideTheStore() {
    assertThatThrownBy(() -> store().open("../../etc/passwd", key, AD))
        .satisfies(
            e ->
                assertThat(((CareLedgerException) e).errorCode())
                    .isEqualTo(ErrorCode.BLOB_NOT_FOUND));
  }

  @Test
  void documentsOfEverySizeRoundTrip() throws Exception {
    FileBlobStore store = store();
    // Around a chunk, around the 4 MiB writes, and past the first flush at 16 MiB.
    for (int size :
        new int[] {0, 1, MIB - 1, MIB, MIB + 1, 4 * MIB - 16, 4 * MIB, 12 * MIB + 7, 40 * MIB}) {
      byte[] plaintext = document(size);

      FileBlobStore.Stored stored = store.store(new ByteArrayInputStream(plaintext), key, AD);

      Path file = store.path(stored.contentHash());
      assertThat(stored.ciphertextSize()).as("size %d", size).isEqualTo(Files.size(file));
      assertThat(stored.plaintextSize()).isEqualTo(size);
      assertThat(sha256Hex(Files.readAllBytes(file))).isEqualTo(stored.contentHash());
      try (InputStream in = store.open(stored.contentHash(), key, AD)) {
        assertThat(in.readAllBytes()).as("size %d", size).isEqualTo(plaintext);
      }
      store.erase(stored.contentHash());
    }
    assertThat(storeThreads()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB, 2 * MIB + 1, 3 * MIB - 1, 4 * MIB + 3, 9 * MIB})
  void theHashCheckReadsTheWholeFile(int size) throws Exception {
    byte[] bytes = document(size);
    Path file = Files.write(root.resolve("file"), bytes);

    assertThat(HexFormat.of().formatHex(FileSha256.of(file))).isEqualTo(sha256Hex(bytes));
    assertThat(storeThreads()).isEmpty();
  }

  @Test
  void anUploadThatFailsMidwayLeavesNoFileAndNoThread() {
    InputStream breaksAfterFiveMib =
        upload(
            20 * MIB,
            5 * MIB + 123,
            () -> {
              throw new IOException("client went away");
            });

    assertThatThrownBy(() -> store().store(breaksAfterFiveMib, key, AD))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageContaining("client went away")
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.BLOB_STORE_FAILED));
    assertNothingLeft();
  }

  @Test
  void aRuntimeExceptionFromTheUploadPropagatesAndLeavesNothing() {
    IllegalStateException broken = new IllegalStateException("decoder broke");
    InputStream breaks =
        upload(
            20 * MIB,
            3 * MIB,
            () -> {
              throw broken;
            });

    assertThatThrownBy(() -> store().store(breaks, key, AD)).isSameAs(broken);
    assertNothingLeft();
  }

  @Test
  void aWriteThatFailsMidwayIsReportedWithItsCodeAndLeavesNothing() {
    FileBlobStore failing =
        new FileBlobStore(
            root,
            temp ->
                new CiphertextFile(temp) {
                  private long written;

                  @Override
                  void write(byte[] bytes, int off, int len) throws IOException {
                    if (written + len > 6 * MIB) {
                      throw new IOException("No space left on device");
                    }
                    written += len;
                    super.write(bytes, off, len);
                  }
                });

    assertStoreFailsAndLeavesNothing(failing, 40 * MIB, "No space left on device");
  }

  @Test
  void anUnexpectedErrorOnTheWritingThreadIsReportedWithItsCodeAndLeavesNothing() {
    FileBlobStore failing =
        new FileBlobStore(
            root,
            temp ->
                new CiphertextFile(temp) {
                  @Override
                  void write(byte[] bytes, int off, int len) throws IOException {
                    if (size() > 2 * MIB) {
                      throw new IllegalStateException("writer bug");
                    }
                    super.write(bytes, off, len);
                  }
                });

    assertStoreFailsAndLeavesNothing(failing, 10 * MIB, "writer bug");
  }

  @Test
  void aFailedForceAtTheEndLeavesNothing() {
    FileBlobStore failing =
        new FileBlobStore(
            root,
            temp ->
                new CiphertextFile(temp) {
                  @Override
                  void finish() throws IOException {
                    throw new IOException("Input/output error");
                  }
                });

    for (int size : new int[] {1000, 5 * MIB}) {
      assertStoreFailsAndLeavesNothing(failing, size, "Input/output error");
    }
  }

  @Test
  void anInterruptedStoreStopsLeavesNothingAndKeepsTheInterrupt() {
    InputStream interruptsItsReader =
        upload(20 * MIB, 3 * MIB, () -> Thread.currentThread().interrupt());
    try {
      assertThatThrownBy(() -> store().store(interruptsItsReader, key, AD))
          .isInstanceOf(CareLedgerException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.BLOB_STORE_FAILED));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertNothingLeft();
  }

  private void assertNothingLeft() {
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(storeThreads()).isEmpty();
  }

  private static ErrorCode code(Throwable e) {
    return ((CareLedgerException) e).errorCode();
  }

  private static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** The threads a store or hash check starts; they must all be gone once it has returned. */
  private static List<String> storeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("careledger-blob-"))
        .toList();
  }

  interface Breakage {
    void happen() throws IOException;
  }

  /**
   * {@code size} bytes of an upload, read in pieces as a network stream gives them; {@code
   * breakage} happens once, when {@code breakAt} bytes have been read.
   */
  private static InputStream upload(long size, long breakAt, Breakage breakage) {
    byte[] block = document(64 * 1024 + 7);
    return new InputStream() {
      private long sent;
      private boolean broke;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent == breakAt && !broke) {
          broke = true;
          breakage.happen();
        }
        if (sent == size) {
          return -1;
        }
        long until = sent < breakAt ? Math.min(size, breakAt) : size;
        int n = (int) Math.min(Math.min(len, until - sent), block.length);
        int at = (int) (sent % block.length);
        n = Math.min(n, block.length - at);
        System.arraycopy(block, at, b, off, n);
        sent += n;
        return n;
      }
    };
  }

  /**
   * A store of {@code size} bytes fails with BLOB_STORE_FAILED naming {@code cause}; no file stays.
   */
  private void assertStoreFailsAndLeavesNothing(FileBlobStore failing, int size, String cause) {
    assertThatThrownBy(() -> failing.store(upload(size, Long.MAX_VALUE, null), key, AD))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageContaining(cause)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.BLOB_STORE_FAILED));
    assertNothingLeft();
  }
}
