package org.careledger.domain.ledger.canonical;

import java.util.Arrays;
import java.util.Objects;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * The canonical encoding of ledger values: RFC 8785 (JSON Canonicalization Scheme, JCS) over a
 * restricted value model, so that every node on every JVM and OS derives the same bytes, and so the
 * same hash and signature, from the same value.
 *
 * <h2>Value model</h2>
 *
 * <table>
 *   <caption>Java types and their JSON form</caption>
 *   <tr><th>JSON</th><th>{@link #encode} accepts</th><th>{@link #decode} returns</th></tr>
 *   <tr><td>object</td><td>{@code Map<String, ?>}</td><td>unmodifiable {@code Map<String,
 *       Object>}, iterating in canonical member order</td></tr>
 *   <tr><td>array</td><td>{@code List<?>}</td><td>unmodifiable {@code List<Object>}</td></tr>
 *   <tr><td>string</td><td>{@code String} of well-formed UTF-16</td><td>{@code String}</td></tr>
 *   <tr><td>number</td><td>{@code Long}, {@code Integer}, {@code Short}, {@code Byte} within
 *       ±(2<sup>53</sup>−1)</td><td>{@code Long}</td></tr>
 *   <tr><td>true, false</td><td>{@code Boolean}</td><td>{@code Boolean}</td></tr>
 *   <tr><td>null</td><td>{@code null}</td><td>{@code null}</td></tr>
 * </table>
 *
 * <p>Numbers are integers only, limited to the range that I-JSON (RFC 7493 §2.2) guarantees every
 * implementation holds exactly. Floating-point values are rejected, even integral ones such as
 * {@code 1.0}: the ledger never needs them (counters, sequence numbers and timestamps are integers;
 * anything else travels as a string), and leaving them out spares us RFC 8785 §3.2.2.3, the
 * ECMAScript number serialization that is the one part of JCS hard to get identical everywhere.
 * Within this model every output is valid RFC 8785 output, so a general JCS implementation produces
 * the same bytes.
 *
 * <h2>Encoding (RFC 8785 §3.2)</h2>
 *
 * <ul>
 *   <li>no whitespace between tokens (§3.2.1);
 *   <li>literals {@code true}, {@code false}, {@code null} (§3.2.2.1);
 *   <li>strings (§3.2.2.2): {@code "} and {@code \} as {@code \"} and {@code \\}; U+0008, U+0009,
 *       U+000A, U+000C and U+000D as {@code \b \t \n \f \r}; the other characters below U+0020 as
 *       <code>&#92;u00hh</code> with lower-case hex; every other character, {@code /} and non-ASCII
 *       included, literally;
 *   <li>integers in plain decimal without leading zeros or plus sign, as ECMAScript prints them
 *       (§3.2.2.3);
 *   <li>object members sorted by their names compared as arrays of UTF-16 code units, recursively
 *       (§3.2.3), which is {@link String#compareTo};
 *   <li>the result as UTF-8 (§3.2.4).
 * </ul>
 *
 * <h2>Decoding</h2>
 *
 * {@link #decode} accepts only bytes that are already canonical: it parses them, encodes the result
 * again and requires the same bytes. A transaction therefore has exactly one byte form, its hash
 * identifies it, and nobody can re-encode a signed transaction (whitespace, escapes, member order)
 * into other bytes that carry the same meaning under the same signature.
 *
 * <h2>Limits</h2>
 *
 * Both directions reject values nested deeper than {@value #MAX_DEPTH} arrays and objects or
 * encoded larger than {@value #MAX_BYTES} bytes, so what one node encodes every node can decode,
 * and a hostile peer cannot exhaust a node's stack or memory.
 *
 * <h2>Errors</h2>
 *
 * Rejections throw {@link CareLedgerException} with {@link ErrorCode#ENCODING_UNSUPPORTED_VALUE},
 * {@link ErrorCode#ENCODING_MALFORMED}, {@link ErrorCode#ENCODING_NOT_CANONICAL} or {@link
 * ErrorCode#ENCODING_LIMIT_EXCEEDED}. Messages give positions and types, never content: ledger
 * values carry patient data, and messages end up in logs.
 */
public final class CanonicalJson {

  /** The deepest nesting of arrays and objects accepted; a top-level array or object is depth 1. */
  public static final int MAX_DEPTH = 32;

  /** The largest canonical encoding accepted, in bytes (1 MiB). */
  public static final int MAX_BYTES = 1 << 20;

  /** The largest magnitude of an integer, 2^53−1 (RFC 7493 §2.2). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private CanonicalJson() {}

  /**
   * Encodes a value of the model as its RFC 8785 canonical UTF-8 bytes.
   *
   * @throws CareLedgerException {@link ErrorCode#ENCODING_UNSUPPORTED_VALUE} for a value outside
   *     the model (an unsupported type, a non-string member name, a float, an integer beyond
   *     ±(2<sup>53</sup>−1), a string with a lone surrogate); {@link
   *     ErrorCode#ENCODING_LIMIT_EXCEEDED} for nesting deeper than {@value #MAX_DEPTH} (a value
   *     that contains itself included) or output larger than {@value #MAX_BYTES} bytes
   */
  public static byte[] encode(Object value) {
    return CanonicalEncoder.encode(value);
  }

  /**
   * Parses any well-formed JSON text (RFC 8259) into the same value model as {@link #decode}, but
   * without requiring canonical form: whitespace, any member order and any valid escape are
   * accepted. For human-edited configuration (the federation descriptor), never for anything that
   * is signed or hashed as received: re-encode the result with {@link #encode} for that.
   *
   * <p>Everything outside the model is still rejected exactly as {@link #decode} rejects it (a byte
   * order mark, invalid UTF-8, a repeated member name, fractions, exponents, integers beyond
   * ±(2<sup>53</sup>−1), lone surrogates, more than {@value #MAX_BYTES} bytes or deeper than
   * {@value #MAX_DEPTH} levels), so {@code encode(parse(text))} never fails.
   *
   * @throws CareLedgerException {@link ErrorCode#ENCODING_MALFORMED}, {@link
   *     ErrorCode#ENCODING_UNSUPPORTED_VALUE} or {@link ErrorCode#ENCODING_LIMIT_EXCEEDED}, as for
   *     {@link #decode}; never {@link ErrorCode#ENCODING_NOT_CANONICAL}
   */
  public static Object parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Object value = CanonicalParser.parse(bytes);
    // The parser leaves lone surrogates from escapes to the encoder; encoding once here keeps
    // the promise that the value encodes.
    CanonicalEncoder.encode(value);
    return value;
  }

  /**
   * Decodes canonical bytes, accepting nothing but the exact bytes {@link #encode} produces for the
   * result.
   *
   * @return a {@code Map}, {@code List}, {@code String}, {@code Long}, {@code Boolean} or {@code
   *     null}; maps and lists are unmodifiable
   * @throws CareLedgerException {@link ErrorCode#ENCODING_MALFORMED} for bytes that are not
   *     well-formed JSON in UTF-8 (a byte order mark, invalid UTF-8, a syntax error, a leading
   *     zero, an unescaped control character, data after the value, a repeated member name); {@link
   *     ErrorCode#ENCODING_UNSUPPORTED_VALUE} for a fraction, an exponent, an integer beyond
   *     ±(2<sup>53</sup>−1) or a lone surrogate; {@link ErrorCode#ENCODING_NOT_CANONICAL} for
   *     well-formed JSON that is not canonical (whitespace, member order, escapes other than
   *     §3.2.2.2's, {@code -0}); {@link ErrorCode#ENCODING_LIMIT_EXCEEDED} for more than {@value
   *     #MAX_BYTES} bytes or nesting deeper than {@value #MAX_DEPTH}
   */
  public static Object decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Object value = CanonicalParser.parse(bytes);
    byte[] canonical = CanonicalEncoder.encode(value);
    int mismatch = Arrays.mismatch(canonical, bytes);
    if (mismatch >= 0) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_NOT_CANONICAL,
          "JSON is well-formed but not in RFC 8785 canonical form from byte "
              + mismatch
              + " on; encode the value with CanonicalJson.encode instead of another serializer");
    }
    return value;
  }
}
