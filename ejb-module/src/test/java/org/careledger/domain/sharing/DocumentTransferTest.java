package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/** The document-transfer payloads: round trips, the size rules, and rejection of any bad input. */
class DocumentTransferTest {

  private static final byte[] ID = new byte[16];
  private static final byte[] HASH = new byte[32];

  static {
    Arrays.fill(ID, (byte) 7);
    Arrays.fill(HASH, (byte) 9);
  }

  @Test
  void requestRoundTrips() {
    var request = new DocumentTransfer.Request(ID, "rec-1", "ab".repeat(32));
    assertThat(DocumentTransfer.Request.decode(request.encode())).isEqualTo(request);
  }

  @Test
  void chunksRoundTripAndCoverTheDocumentExactly() {
    long size = 2L * DocumentTransfer.CHUNK_BYTES + 5;
    assertThat(DocumentTransfer.chunkCount(size)).isEqualTo(3);
    assertThat(DocumentTransfer.lengthOf(2, size)).isEqualTo(5);
    byte[] data = new byte[DocumentTransfer.CHUNK_BYTES];
    new Random(1).nextBytes(data);
    var first = new DocumentTransfer.Chunk(ID, 0, 3, size, HASH, new byte[] {1, 2, 3}, data);
    var last = new DocumentTransfer.Chunk(ID, 2, 3, size, HASH, new byte[0], new byte[5]);
    assertThat(DocumentTransfer.Chunk.decode(first.encode())).isEqualTo(first);
    assertThat(DocumentTransfer.Chunk.decode(last.encode())).isEqualTo(last);
    assertThat(last.offset()).isEqualTo(2L * DocumentTransfer.CHUNK_BYTES);
  }

  @Test
  void refusalRoundTrips() {
    var refusal = new DocumentTransfer.Refusal(ID, 1710, "no grant in force for clinic-b");
    assertThat(DocumentTransfer.Refusal.decode(refusal.encode())).isEqualTo(refusal);
  }

  @Test
  void chunksThatBreakTheSizeRulesAreRefused() {
    long size = DocumentTransfer.CHUNK_BYTES + 1L;
    byte[] full = new byte[DocumentTransfer.CHUNK_BYTES];
    // wrong count, index out of range, short middle chunk, long last chunk
    assertMalformed(() -> new DocumentTransfer.Chunk(ID, 0, 3, size, HASH, new byte[1], full));
    assertMalformed(() -> new DocumentTransfer.Chunk(ID, 2, 2, size, HASH, new byte[0], full));
    assertMalformed(
        () -> new DocumentTransfer.Chunk(ID, 0, 2, size, HASH, new byte[1], new byte[9]));
    assertMalformed(
        () -> new DocumentTransfer.Chunk(ID, 1, 2, size, HASH, new byte[0], new byte[2]));
    // the envelope travels in chunk 0 only, and chunk 0 must carry it
    assertMalformed(() -> new DocumentTransfer.Chunk(ID, 0, 2, size, HASH, new byte[0], full));
    assertMalformed(
        () -> new DocumentTransfer.Chunk(ID, 1, 2, size, HASH, new byte[1], new byte[1]));
    assertMalformed(() -> new DocumentTransfer.Chunk(ID, 0, 1, 0, HASH, new byte[1], new byte[0]));
  }

  @Test
  void truncatedExtendedOrGarbledPayloadsAreRejectedWithTheirCodeOnly() {
    byte[] request = new DocumentTransfer.Request(ID, "rec-1", "ab".repeat(32)).encode();
    byte[] chunk =
        new DocumentTransfer.Chunk(ID, 0, 1, 3, HASH, new byte[] {1}, new byte[3]).encode();
    for (byte[] valid : new byte[][] {request, chunk}) {
      for (int length = 0; length < valid.length; length++) {
        byte[] truncated = Arrays.copyOf(valid, length);
        assertMalformed(() -> decodeAny(valid == request, truncated));
      }
      byte[] extended = Arrays.copyOf(valid, valid.length + 1);
      assertMalformed(() -> decodeAny(valid == request, extended));
    }
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(120)];
      random.nextBytes(bytes);
      for (int kind = 0; kind < 3; kind++) {
        try {
          switch (kind) {
            case 0 -> DocumentTransfer.Request.decode(bytes);
            case 1 -> DocumentTransfer.Chunk.decode(bytes);
            default -> DocumentTransfer.Refusal.decode(bytes);
          }
        } catch (CareLedgerException e) {
          assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_PAYLOAD_MALFORMED);
        }
      }
    }
  }

  @Test
  void aRequestNamingAMalformedGrantOrRecordIsRefused() {
    assertMalformed(() -> new DocumentTransfer.Request(ID, "rec 1", "ab".repeat(32)));
    assertMalformed(() -> new DocumentTransfer.Request(ID, "rec-1", "AB".repeat(32)));
    assertMalformed(() -> new DocumentTransfer.Request(new byte[15], "rec-1", "ab".repeat(32)));
    assertMalformed(() -> new DocumentTransfer.Refusal(ID, 42, "not a code"));
  }

  private static Object decodeAny(boolean request, byte[] bytes) {
    return request ? DocumentTransfer.Request.decode(bytes) : DocumentTransfer.Chunk.decode(bytes);
  }

  private static void assertMalformed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_PAYLOAD_MALFORMED));
  }
}
