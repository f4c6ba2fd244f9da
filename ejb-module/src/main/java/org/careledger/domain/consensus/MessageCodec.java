package org.careledger.domain.consensus;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.SignedTransaction;

/**
 * The wire and storage encoding of consensus messages and signed state: a deterministic binary
 * encoding (big-endian integers, length-prefixed fields), chosen over canonical JSON because a
 * proposal carries whole transactions and certificates and canonical JSON caps documents at 1 MiB.
 * Every value has exactly one encoding, so a signature over a payload's bytes is a signature over
 * its value. Blocks headers and transactions are embedded in their own canonical JSON bytes.
 *
 * <pre>
 * str       = u16 length, UTF-8 bytes                 bytes16 = u16 length, bytes
 * bytes32   = u32 length, bytes                       opt     = u8 0 | u8 1, value
 * Payload   = u8 1 (version), u8 type, str channel, i64 height, i32 round, str sender,
 *             opt(32 bytes digest), i32 preparedRound, opt(32 bytes key fingerprint, bytes16 seal)
 * Signed    = bytes32 Payload, bytes16 signature
 * Block     = bytes32 header (canonical JSON), u32 count, count × bytes32 transaction
 * Message   = "CLQ", u8 1, Signed, opt(Block), u16 n, n × Signed (round changes),
 *             u16 m, m × Signed (prepares)
 * State     = "CLS", u8 1, str channel, i64 height, i32 round, i32 lockedRound, opt(Block),
 *             u16 n, n × Signed (lock certificate), u16 m, m × bytes32 Message (sent)
 * </pre>
 *
 * Decoding is strict: every byte must be consumed, flags are 0 or 1, lengths stay within the input
 * and the limits below, strings are valid UTF-8 and ids of their form. Any failure is a {@link
 * CareLedgerException} ({@link ErrorCode#CONSENSUS_MESSAGE_MALFORMED} or {@link
 * ErrorCode#CONSENSUS_MESSAGE_TOO_LARGE}), never another exception.
 */
public final class MessageCodec {

  /** Largest encoded message or state accepted. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** Most transactions in one proposed block. */
  public static final int MAX_TRANSACTIONS = 10_000;

  /** Most entries in one certificate (round changes or prepares) or signed-state list. */
  public static final int MAX_CERTIFICATE_ENTRIES = 1_000;

  static final int MAX_SIGNATURE_BYTES = 512;
  private static final byte VERSION = 1;
  private static final byte[] MESSAGE_MAGIC = {'C', 'L', 'Q'};
  private static final byte[] STATE_MAGIC = {'C', 'L', 'S'};

  private MessageCodec() {}

  static CareLedgerException malformed(String why) {
    return new CareLedgerException(
        ErrorCode.CONSENSUS_MESSAGE_MALFORMED, "malformed consensus message: " + why);
  }

  // ---- encoding

  public static byte[] encode(ConsensusMessage message) {
    Writer w = new Writer();
    w.raw(MESSAGE_MAGIC);
    w.u8(VERSION);
    w.signed(message.signed());
    w.block(message.block());
    w.signedList(message.roundChanges());
    w.signedList(message.prepares());
    return w.bytes();
  }

  public static byte[] encodeState(SignedState state) {
    Writer w = new Writer();
    w.raw(STATE_MAGIC);
    w.u8(VERSION);
    w.str(state.channel().value());
    w.i64(state.height());
    w.i32(state.round());
    w.i32(state.lockedRound());
    w.block(state.lockedBlock());
    w.signedList(state.lockCertificate());
    w.u16(state.sent().size());
    for (ConsensusMessage message : state.sent()) {
      w.bytes32(encode(message));
    }
    return w.bytes();
  }

  static byte[] encodePayload(Payload p) {
    Writer w = new Writer();
    w.u8(VERSION);
    w.u8(p.type().wire());
    w.str(p.channel().value());
    w.i64(p.height());
    w.i32(p.round());
    w.str(p.sender().value());
    byte[] digest = p.digest();
    w.u8(digest == null ? 0 : 1);
    if (digest != null) {
      w.raw(digest);
    }
    w.i32(p.preparedRound());
    CommitCertificate.Signature seal = p.seal();
    w.u8(seal == null ? 0 : 1);
    if (seal != null) {
      w.raw(java.util.HexFormat.of().parseHex(seal.key().hex()));
      w.bytes16(seal.signature());
    }
    return w.bytes();
  }

  // ---- decoding

  public static ConsensusMessage decode(byte[] bytes) {
    return guarded(
        bytes,
        r -> {
          r.magic(MESSAGE_MAGIC);
          SignedPayload signed = r.signed();
          ProposedBlock block = r.optBlock();
          List<SignedPayload> roundChanges = r.signedList();
          List<SignedPayload> prepares = r.signedList();
          return new ConsensusMessage(signed, block, roundChanges, prepares);
        });
  }

  public static SignedState decodeState(byte[] bytes) {
    return guarded(
        bytes,
        r -> {
          r.magic(STATE_MAGIC);
          ChannelId channel = new ChannelId(r.str());
          long height = r.i64();
          int round = r.i32();
          int lockedRound = r.i32();
          ProposedBlock locked = r.optBlock();
          List<SignedPayload> certificate = r.signedList();
          int count = r.count(r.u16(), MAX_CERTIFICATE_ENTRIES);
          List<ConsensusMessage> sent = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            sent.add(decode(r.bytes32()));
          }
          return new SignedState(channel, height, round, lockedRound, locked, certificate, sent);
        });
  }

  private interface Body<T> {
    T read(Reader reader);
  }

  private static <T> T guarded(byte[] bytes, Body<T> body) {
    if (bytes == null) {
      throw malformed("no bytes");
    }
    if (bytes.length > MAX_MESSAGE_BYTES) {
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_MESSAGE_TOO_LARGE,
          bytes.length + " bytes; at most " + MAX_MESSAGE_BYTES + " are accepted");
    }
    try {
      Reader reader = new Reader(bytes);
      T value = body.read(reader);
      reader.end();
      return value;
    } catch (CareLedgerException e) {
      if (e.errorCode() == ErrorCode.CONSENSUS_MESSAGE_MALFORMED
          || e.errorCode() == ErrorCode.CONSENSUS_MESSAGE_TOO_LARGE) {
        throw e;
      }
      // An embedded header, transaction or id of the wrong form: the message is malformed.
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_MESSAGE_MALFORMED,
          "malformed consensus message: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      // Whatever the bytes, the answer is a coded rejection, never an unexpected exception.
      throw new CareLedgerException(
          ErrorCode.CONSENSUS_MESSAGE_MALFORMED, "malformed consensus message: " + e, e);
    }
  }

  private static final class Reader {
    private final ByteBuffer buffer;

    Reader(byte[] bytes) {
      this.buffer = ByteBuffer.wrap(bytes);
    }

    void need(int n) {
      if (n < 0 || buffer.remaining() < n) {
        throw malformed("ends early (needs " + n + " more bytes, has " + buffer.remaining() + ")");
      }
    }

    void end() {
      if (buffer.hasRemaining()) {
        throw malformed(buffer.remaining() + " bytes after the end");
      }
    }

    void magic(byte[] magic) {
      byte[] got = raw(magic.length);
      if (!java.util.Arrays.equals(got, magic)) {
        throw malformed("does not start with " + new String(magic, StandardCharsets.US_ASCII));
      }
      int version = u8();
      if (version != VERSION) {
        throw malformed("unsupported version " + version);
      }
    }

    int u8() {
      need(1);
      return buffer.get() & 0xff;
    }

    boolean flag() {
      int value = u8();
      if (value > 1) {
        throw malformed("a presence flag is 0 or 1, not " + value);
      }
      return value == 1;
    }

    int u16() {
      need(2);
      return buffer.getShort() & 0xffff;
    }

    int i32() {
      need(4);
      return buffer.getInt();
    }

    long i64() {
      need(8);
      return buffer.getLong();
    }

    byte[] raw(int n) {
      need(n);
      byte[] out = new byte[n];
      buffer.get(out);
      return out;
    }

    int count(int n, int max) {
      if (n > max) {
        throw new CareLedgerException(
            ErrorCode.CONSENSUS_MESSAGE_TOO_LARGE, n + " entries; at most " + max);
      }
      return n;
    }

    byte[] bytes16() {
      return raw(u16());
    }

    byte[] bytes32() {
      int n = i32();
      if (n < 0) {
        throw malformed("negative length");
      }
      return raw(n);
    }

    String str() {
      byte[] utf8 = bytes16();
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(utf8))
            .toString();
      } catch (CharacterCodingException e) {
        throw malformed("a string is not UTF-8");
      }
    }

    Payload payload() {
      int version = u8();
      if (version != VERSION) {
        throw malformed("unsupported payload version " + version);
      }
      MessageType type = MessageType.ofWire(u8());
      ChannelId channel = new ChannelId(str());
      long height = i64();
      int round = i32();
      InstitutionId sender = new InstitutionId(str());
      byte[] digest = flag() ? raw(32) : null;
      int preparedRound = i32();
      CommitCertificate.Signature seal = null;
      if (flag()) {
        Fingerprint key = new Fingerprint(java.util.HexFormat.of().formatHex(raw(32)));
        byte[] signature = bytes16();
        if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
          throw malformed("a seal of " + signature.length + " bytes");
        }
        seal = new CommitCertificate.Signature(sender, key, signature);
      }
      return new Payload(type, channel, height, round, sender, digest, preparedRound, seal);
    }

    SignedPayload signed() {
      byte[] payloadBytes = bytes32();
      Reader inner = new Reader(payloadBytes);
      Payload payload = inner.payload();
      inner.end();
      return new SignedPayload(payload, bytes16());
    }

    List<SignedPayload> signedList() {
      int count = count(u16(), MAX_CERTIFICATE_ENTRIES);
      List<SignedPayload> list = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        list.add(signed());
      }
      return list;
    }

    ProposedBlock optBlock() {
      if (!flag()) {
        return null;
      }
      BlockHeader header = BlockHeader.decode(bytes32());
      int count = i32();
      if (count < 0) {
        throw malformed("negative transaction count");
      }
      count(count, MAX_TRANSACTIONS);
      List<SignedTransaction> transactions = new ArrayList<>(Math.min(count, 64));
      for (int i = 0; i < count; i++) {
        transactions.add(SignedTransaction.decode(bytes32()));
      }
      return new ProposedBlock(header, transactions);
    }
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void raw(byte[] bytes) {
      out.writeBytes(bytes);
    }

    void u8(int value) {
      out.write(value);
    }

    void u16(int value) {
      if (value > 0xffff) {
        throw new CareLedgerException(
            ErrorCode.CONSENSUS_MESSAGE_TOO_LARGE, value + " does not fit 16 bits");
      }
      out.write(value >>> 8);
      out.write(value);
    }

    void i32(int value) {
      raw(ByteBuffer.allocate(4).putInt(value).array());
    }

    void i64(long value) {
      raw(ByteBuffer.allocate(8).putLong(value).array());
    }

    void bytes16(byte[] bytes) {
      u16(bytes.length);
      raw(bytes);
    }

    void bytes32(byte[] bytes) {
      i32(bytes.length);
      raw(bytes);
    }

    void str(String value) {
      bytes16(value.getBytes(StandardCharsets.UTF_8));
    }

    void signed(SignedPayload signed) {
      bytes32(signed.payload().encodedUnsafe());
      bytes16(signed.signatureUnsafe());
    }

    void signedList(List<SignedPayload> list) {
      u16(list.size());
      list.forEach(this::signed);
    }

    void block(ProposedBlock block) {
      u8(block == null ? 0 : 1);
      if (block != null) {
        bytes32(block.header().encoded());
        i32(block.transactions().size());
        block.transactions().forEach(tx -> bytes32(tx.encoded()));
      }
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
