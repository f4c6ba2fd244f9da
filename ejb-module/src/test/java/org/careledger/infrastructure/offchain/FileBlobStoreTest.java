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
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.offchain.BlobIntegrityException;
import org.careledger.domain.offchain.DataKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {

  private static final byte[] AD = "record r1 v1".getBytes(StandardCharsets.UTF_8);

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
}
