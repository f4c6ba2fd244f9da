package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.offchain.Blobs.RECORD;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class BlobSealerTest {

  private static final byte[] PREFIX = HexFormat.of().parseHex("0a0b0c0d0e0f10");
  private final SecretKey key = DataKeys.generate();

  @Test
  void sealsTheSameBlobAsTheStream() throws Exception {
    int chunkSize = 64;
    byte[] plaintext = Blobs.plaintext(3 * chunkSize + 5, 11);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (EncryptingOutputStream out =
        new EncryptingOutputStream(expected, key, RECORD, chunkSize, PREFIX)) {
      out.write(plaintext);
    }

    BlobSealer sealer = new BlobSealer(key, RECORD, chunkSize, PREFIX);
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    blob.write(sealer.header());
    byte[] sealed = new byte[sealer.sealedChunkCapacity()];
    for (int at = 0; ; at += chunkSize) {
      boolean last = plaintext.length - at <= chunkSize;
      int length = last ? plaintext.length - at : chunkSize;
      int n = sealer.seal(Arrays.copyOfRange(plaintext, at, at + length), length, last, sealed);
      blob.write(sealed, 0, n);
      if (last) {
        break;
      }
    }

    assertThat(sealer.complete()).isTrue();
    assertThat(blob.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(Blobs.decrypt(blob.toByteArray(), key, RECORD)).isEqualTo(plaintext);
  }

  @Test
  void anEmptyDocumentIsOneEmptyFinalChunk() throws Exception {
    BlobSealer sealer = new BlobSealer(key, RECORD);
    byte[] sealed = new byte[BlobSealer.TAG_LENGTH];

    int n = sealer.seal(new byte[0], 0, true, sealed);

    byte[] blob = new byte[BlobHeader.LENGTH + n];
    System.arraycopy(sealer.header(), 0, blob, 0, BlobHeader.LENGTH);
    System.arraycopy(sealed, 0, blob, BlobHeader.LENGTH, n);
    assertThat(n).isEqualTo(BlobSealer.TAG_LENGTH);
    assertThat(Blobs.decrypt(blob, key, RECORD)).isEmpty();
  }

  @Test
  void refusesShortInnerChunksOverlongFinalChunksAndAnythingAfterTheFinalChunk() {
    BlobSealer sealer = new BlobSealer(key, RECORD, 64, PREFIX);
    byte[] sealed = new byte[sealer.sealedChunkCapacity()];

    assertThatThrownBy(() -> sealer.seal(new byte[64], 63, false, sealed))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sealer.seal(new byte[65], 65, true, sealed))
        .isInstanceOf(IllegalArgumentException.class);
    sealer.seal(new byte[10], 10, true, sealed);
    assertThatThrownBy(() -> sealer.seal(new byte[10], 10, true, sealed))
        .isInstanceOf(IllegalStateException.class);
  }
}
