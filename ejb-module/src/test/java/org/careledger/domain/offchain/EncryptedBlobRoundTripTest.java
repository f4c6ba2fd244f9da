package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.offchain.Blobs.CHUNK;
import static org.careledger.domain.offchain.Blobs.RECORD;
import static org.careledger.domain.offchain.Blobs.TAG;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptedBlobRoundTripTest {

  private final SecretKey key = DataKeys.generate();

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17})
  void decryptsWhatWasEncryptedAndReportsTheContentAddress(int size) throws Exception {
    byte[] plaintext = Blobs.plaintext(size, size);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    EncryptingOutputStream out = new EncryptingOutputStream(sink, key, RECORD);
    out.write(plaintext);
    out.close();
    byte[] blob = sink.toByteArray();

    int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
    assertThat(blob).hasSize(BlobHeader.LENGTH + size + chunks * TAG);
    assertThat(out.ciphertextLength()).isEqualTo(blob.length);
    assertThat(out.plaintextLength()).isEqualTo(size);
    assertThat(out.ciphertextSha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(blob));
    assertThat(Blobs.decrypt(blob, key, RECORD)).isEqualTo(plaintext);
  }

  @Test
  void writesOfAnySizeGiveTheSameDocument() throws Exception {
    byte[] plaintext = Blobs.plaintext(2 * CHUNK + 5, 1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (EncryptingOutputStream out = new EncryptingOutputStream(sink, key, RECORD)) {
      int at = 0;
      for (int piece : new int[] {0, 1, 7, CHUNK - 8, CHUNK, 3}) {
        out.write(plaintext, at, piece);
        at += piece;
      }
      while (at < plaintext.length) {
        out.write(plaintext[at++]);
      }
    }
    assertThat(Blobs.decrypt(sink.toByteArray(), key, RECORD)).isEqualTo(plaintext);
  }

  @Test
  void readsByteByByteAndEndsAfterTheFinalChunk() throws Exception {
    byte[] plaintext = Blobs.plaintext(CHUNK + 2, 2);
    byte[] blob = Blobs.encrypt(plaintext, key, RECORD);
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(blob), key, RECORD)) {
      for (byte expected : plaintext) {
        assertThat(in.read()).isEqualTo(expected & 0xff);
      }
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
    }
  }

  @Test
  void theSameDocumentEncryptsDifferentlyEachTime() {
    byte[] plaintext = Blobs.plaintext(100, 3);
    assertThat(Blobs.encrypt(plaintext, key, RECORD))
        .isNotEqualTo(Blobs.encrypt(plaintext, key, RECORD));
  }

  @Test
  void smallChunksWorkToo() throws Exception {
    byte[] plaintext = Blobs.plaintext(1000, 4);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out =
        new EncryptingOutputStream(
            sink, key, RECORD, 64, new byte[BlobHeader.NONCE_PREFIX_LENGTH])) {
      out.write(plaintext);
    }
    assertThat(Blobs.decrypt(sink.toByteArray(), key, RECORD)).isEqualTo(plaintext);
  }

  @Test
  void theContentAddressIsOnlyKnownOnceClosed() throws IOException {
    EncryptingOutputStream out =
        new EncryptingOutputStream(new ByteArrayOutputStream(), key, RECORD);
    out.write(1);
    assertThatThrownBy(out::ciphertextSha256).isInstanceOf(IllegalStateException.class);
    out.close();
    out.close();
    assertThatThrownBy(() -> out.write(2)).isInstanceOf(IOException.class);
  }

  @Test
  void refusesKeysThatAreNotAes256() {
    SecretKey aes128 = new SecretKeySpec(new byte[16], "AES");
    assertThatThrownBy(
            () -> new EncryptingOutputStream(new ByteArrayOutputStream(), aes128, RECORD))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new DecryptingInputStream(new ByteArrayInputStream(new byte[0]), aes128, RECORD))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedSinkLeavesNoContentAddress() throws IOException {
    OutputStream failing =
        new OutputStream() {
          private int writes;

          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (++writes == 2) {
              throw new IOException("disk full");
            }
          }
        };
    EncryptingOutputStream out = new EncryptingOutputStream(failing, key, RECORD);
    out.write(new byte[CHUNK]);
    assertThatThrownBy(() -> out.write(1)).hasMessage("disk full");
    assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
    out.close();
    assertThatThrownBy(out::ciphertextSha256).isInstanceOf(IllegalStateException.class);
  }
}
