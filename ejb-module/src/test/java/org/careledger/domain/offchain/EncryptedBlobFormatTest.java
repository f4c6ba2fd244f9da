package org.careledger.domain.offchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.domain.offchain.Blobs.RECORD;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;

/** Reads a blob with nothing but the JDK and the format as the package documentation states it. */
class EncryptedBlobFormatTest {

  @Test
  void blobIsHeaderThenChunksSealedAsDocumented() throws Exception {
    SecretKey key = DataKeys.generate();
    byte[] prefix = HexFormat.of().parseHex("01020304050607");
    int chunkSize = 64;
    byte[] plaintext = Blobs.plaintext(2 * chunkSize + 10, 5);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (EncryptingOutputStream out =
        new EncryptingOutputStream(sink, key, RECORD, chunkSize, prefix)) {
      out.write(plaintext);
    }
    byte[] blob = sink.toByteArray();

    byte[] header = Arrays.copyOf(blob, 16);
    assertThat(HexFormat.of().formatHex(header))
        .isEqualTo("434c4f4201" + "00000040" + "01020304050607");

    ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
    int at = 16;
    for (int i = 0; i < 3; i++) {
      boolean last = i == 2;
      int length = last ? blob.length - at : chunkSize + 16;
      byte[] nonce =
          ByteBuffer.allocate(12).put(prefix).putInt(i).put((byte) (last ? 1 : 0)).array();
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(header);
      cipher.updateAAD(RECORD);
      decrypted.write(cipher.doFinal(blob, at, length));
      at += length;
    }
    assertThat(decrypted.toByteArray()).isEqualTo(plaintext);
  }
}
