package org.careledger.domain.federation;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;

/**
 * Wire forms of the non-consensus payloads carried in {@link FederationEnvelope}s. Binary,
 * big-endian, every list and byte string length-prefixed, no trailing bytes, so each value has one
 * encoding; decoding arbitrary bytes only ever throws {@link CareLedgerException} with {@link
 * ErrorCode#FEDERATION_PAYLOAD_MALFORMED}. Nothing here carries patient data: transactions are the
 * signed ledger transactions (pseudonyms and hashes only), blocks are what the chain holds.
 *
 * <ul>
 *   <li>SYNC_REQUEST: {@code u64 fromHeight}
 *   <li>SYNC_RESPONSE: {@code u32 count, count × (bytes header, u32 n, n × bytes tx, bytes
 *       certificate)}
 *   <li>TRANSACTIONS: {@code u32 count, count × bytes signedTransaction}
 * </ul>
 *
 * where {@code bytes} is {@code u32 length} followed by that many bytes.
 */
public final class FederationPayloads {

  /** Most blocks in one sync response; a member far behind asks again from where it got to. */
  public static final int MAX_BLOCKS = 64;

  /** Most transactions in one TRANSACTIONS payload or one block. */
  public static final int MAX_TRANSACTIONS = 10_000;

  private FederationPayloads() {}

  public static byte[] syncRequest(long fromHeight) {
    if (fromHeight < 0) {
      throw malformed("fromHeight must not be negative");
    }
    return ByteBuffer.allocate(8).putLong(fromHeight).array();
  }

  public static long decodeSyncRequest(byte[] payload) {
    if (payload == null || payload.length != 8) {
      throw malformed("a sync request is 8 bytes");
    }
    long from = ByteBuffer.wrap(payload).getLong();
    if (from < 0) {
      throw malformed("fromHeight must not be negative");
    }
    return from;
  }

  public static byte[] syncResponse(List<StoredBlock> blocks) {
    if (blocks.size() > MAX_BLOCKS) {
      throw malformed("at most " + MAX_BLOCKS + " blocks per response");
    }
    int size = 4;
    for (StoredBlock block : blocks) {
      size += 4 + block.header().length + 4 + 4 + block.certificate().length;
      for (byte[] tx : block.transactions()) {
        size += 4 + tx.length;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(blocks.size());
    for (StoredBlock block : blocks) {
      putBytes(out, block.header());
      out.putInt(block.transactions().size());
      for (byte[] tx : block.transactions()) {
        putBytes(out, tx);
      }
      putBytes(out, block.certificate());
    }
    return out.array();
  }

  public static List<StoredBlock> decodeSyncResponse(byte[] payload) {
    ByteBuffer in = wrap(payload);
    try {
      int count = count(in, MAX_BLOCKS, "blocks");
      List<StoredBlock> blocks = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] header = getBytes(in);
        int n = count(in, MAX_TRANSACTIONS, "transactions");
        List<byte[]> txs = new ArrayList<>(Math.min(n, 1024));
        for (int t = 0; t < n; t++) {
          txs.add(getBytes(in));
        }
        blocks.add(new StoredBlock(header, txs, getBytes(in)));
      }
      end(in);
      return blocks;
    } catch (BufferUnderflowException e) {
      throw malformed("truncated");
    }
  }

  public static byte[] transactions(List<byte[]> signedTransactions) {
    if (signedTransactions.size() > MAX_TRANSACTIONS) {
      throw malformed("at most " + MAX_TRANSACTIONS + " transactions per message");
    }
    int size = 4;
    for (byte[] tx : signedTransactions) {
      size += 4 + tx.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(signedTransactions.size());
    for (byte[] tx : signedTransactions) {
      putBytes(out, tx);
    }
    return out.array();
  }

  public static List<byte[]> decodeTransactions(byte[] payload) {
    ByteBuffer in = wrap(payload);
    try {
      int count = count(in, MAX_TRANSACTIONS, "transactions");
      List<byte[]> txs = new ArrayList<>(Math.min(count, 1024));
      for (int i = 0; i < count; i++) {
        txs.add(getBytes(in));
      }
      end(in);
      return txs;
    } catch (BufferUnderflowException e) {
      throw malformed("truncated");
    }
  }

  private static ByteBuffer wrap(byte[] payload) {
    if (payload == null) {
      throw malformed("no payload");
    }
    return ByteBuffer.wrap(payload);
  }

  private static int count(ByteBuffer in, int max, String what) {
    int count = in.getInt();
    if (count < 0 || count > max) {
      throw malformed(what + " count " + Integer.toUnsignedString(count) + " exceeds " + max);
    }
    return count;
  }

  private static void putBytes(ByteBuffer out, byte[] bytes) {
    out.putInt(bytes.length);
    out.put(bytes);
  }

  private static byte[] getBytes(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw malformed("a length runs past the end");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static void end(ByteBuffer in) {
    if (in.hasRemaining()) {
      throw malformed(in.remaining() + " trailing bytes");
    }
  }

  private static CareLedgerException malformed(String detail) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_PAYLOAD_MALFORMED, "federation payload: " + detail);
  }
}
