package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.careledger.domain.offchain.Blobs.CHUNK;
import static org.careledger.domain.offchain.Blobs.RECORD;
import static org.careledger.domain.offchain.Blobs.TAG;
import static org.careledger.domain.offchain.Blobs.chunkOffset;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKey;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/** A blob of three full chunks and a final one of 17 bytes, damaged in every way that matters. */
class EncryptedBlobTamperingTest {

  private static final int SIZE = 3 * CHUNK + 17;

  private final SecretKey key = DataKeys.generate();
  private final byte[] plaintext = Blobs.plaintext(SIZE, 42);
  private final byte[] blob = Blobs.encrypt(plaintext, key, RECORD);

  @Test
  void intactBlobDecrypts() throws IOException {
    assertThat(Blobs.decrypt(blob, key, RECORD)).isEqualTo(plaintext);
  }

  @Test
  void flippedCiphertextByte() {
    blob[chunkOffset(1) + 100] ^= 1;
    assertThat(failure(blob)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void flippedTagByte() {
    blob[chunkOffset(1) - 1] ^= (byte) 0x80;
    assertThat(failure(blob)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void truncatedLastChunk() {
    assertThat(failure(Arrays.copyOf(blob, blob.length - 1))).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void lastChunkCutShorterThanItsTag() {
    byte[] cut = Arrays.copyOf(blob, chunkOffset(3) + TAG - 1);
    assertThat(failure(cut)).isEqualTo(ErrorCode.BLOB_TRUNCATED);
  }

  @Test
  void finalChunkMissing() {
    assertThat(failure(Arrays.copyOf(blob, chunkOffset(3)))).isEqualTo(ErrorCode.BLOB_TRUNCATED);
  }

  @Test
  void headerOnlyOrLess() {
    assertThat(failure(Arrays.copyOf(blob, BlobHeader.LENGTH))).isEqualTo(ErrorCode.BLOB_TRUNCATED);
    assertThat(failure(Arrays.copyOf(blob, 5))).isEqualTo(ErrorCode.BLOB_TRUNCATED);
    assertThat(failure(new byte[0])).isEqualTo(ErrorCode.BLOB_TRUNCATED);
  }

  @Test
  void droppedMiddleChunk() {
    ByteArrayOutputStream spliced = new ByteArrayOutputStream();
    spliced.write(blob, 0, chunkOffset(1));
    spliced.write(blob, chunkOffset(2), blob.length - chunkOffset(2));
    assertThat(failure(spliced.toByteArray())).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void swappedChunks() {
    byte[] swapped = blob.clone();
    System.arraycopy(blob, chunkOffset(0), swapped, chunkOffset(1), CHUNK + TAG);
    System.arraycopy(blob, chunkOffset(1), swapped, chunkOffset(0), CHUNK + TAG);
    assertThat(failure(swapped)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void chunkFromAnotherRecordUnderTheSameKey() {
    byte[] other = Blobs.encrypt(plaintext, key, "record 9b21/v1".getBytes(StandardCharsets.UTF_8));
    byte[] spliced = blob.clone();
    System.arraycopy(other, chunkOffset(1), spliced, chunkOffset(1), CHUNK + TAG);
    assertThat(failure(spliced)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void appendedBytes() {
    byte[] longer = Arrays.copyOf(blob, blob.length + 1);
    assertThat(failure(longer)).isEqualTo(ErrorCode.BLOB_TAMPERED);
    byte[] extraChunk = Arrays.copyOf(blob, blob.length + CHUNK + TAG);
    assertThat(failure(extraChunk)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void changedNoncePrefixOrChunkSizeInTheHeader() {
    byte[] prefixChanged = blob.clone();
    prefixChanged[BlobHeader.LENGTH - 1] ^= 1;
    assertThat(failure(prefixChanged)).isEqualTo(ErrorCode.BLOB_TAMPERED);

    byte[] chunkSizeChanged = blob.clone();
    chunkSizeChanged[8] ^= 1;
    assertThat(failure(chunkSizeChanged)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void changedMagicOrVersionInTheHeader() {
    byte[] magic = blob.clone();
    magic[0] = 'X';
    assertThat(failure(magic)).isEqualTo(ErrorCode.BLOB_FORMAT_UNSUPPORTED);

    byte[] version = blob.clone();
    version[4] = 2;
    assertThat(failure(version)).isEqualTo(ErrorCode.BLOB_FORMAT_UNSUPPORTED);

    byte[] hugeChunks = blob.clone();
    hugeChunks[5] = 0x7f;
    assertThat(failure(hugeChunks)).isEqualTo(ErrorCode.BLOB_FORMAT_UNSUPPORTED);
  }

  @Test
  void wrongKey() {
    assertThat(failure(blob, DataKeys.generate(), RECORD)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void wrongAssociatedData() {
    byte[] otherRecord = "record 7f3a/v2".getBytes(StandardCharsets.UTF_8);
    assertThat(failure(blob, key, otherRecord)).isEqualTo(ErrorCode.BLOB_TAMPERED);
  }

  @Test
  void nothingOfADamagedChunkIsReleasedAndTheFailureSticks() throws IOException {
    blob[chunkOffset(0) + 3] ^= 1;
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(blob), key, RECORD)) {
      byte[] buffer = new byte[CHUNK];
      BlobIntegrityException first =
          catchThrowableOfType(BlobIntegrityException.class, () -> in.read(buffer));
      assertThat(buffer).containsOnly(0);
      assertThat(in.available()).isZero();
      BlobIntegrityException again =
          catchThrowableOfType(BlobIntegrityException.class, () -> in.read(buffer));
      assertThat(again).isSameAs(first);
      assertThat(first.getCause())
          .isInstanceOf(CareLedgerException.class)
          .hasMessageStartingWith("CL-1301: ");
      assertThat(first).hasMessageStartingWith("CL-1301: chunk 0 failed authentication");
    }
  }

  @Test
  void chunksBeforeTheDamageAreReleasedVerified() throws IOException {
    blob[chunkOffset(2) + 3] ^= 1;
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(blob), key, RECORD)) {
      assertThat(in.readNBytes(2 * CHUNK)).isEqualTo(Arrays.copyOf(plaintext, 2 * CHUNK));
      assertThat(catchThrowableOfType(BlobIntegrityException.class, in::read).errorCode())
          .isEqualTo(ErrorCode.BLOB_TAMPERED);
    }
  }

  private ErrorCode failure(byte[] damaged) {
    return failure(damaged, key, RECORD);
  }

  private static ErrorCode failure(byte[] damaged, SecretKey key, byte[] associatedData) {
    BlobIntegrityException e =
        catchThrowableOfType(
            BlobIntegrityException.class, () -> Blobs.decrypt(damaged, key, associatedData));
    assertThat(e).as("decrypting a damaged blob must fail").isNotNull();
    assertThat(e.errorCode()).isEqualTo(e.getCause().errorCode());
    return e.errorCode();
  }
}
