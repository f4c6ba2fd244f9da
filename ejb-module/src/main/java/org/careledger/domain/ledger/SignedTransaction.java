package org.careledger.domain.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.careledger.domain.ledger.merkle.MerkleTree;

/**
 * A transaction with its author's Ed25519 signature over the transaction's canonical bytes. On the
 * ledger and on the wire it is the canonical JSON {@code {"sig":"<64 bytes
 * base64url>","tx":{...}}}; those exact bytes are the Merkle leaf. Its id is the SHA-256 of the
 * transaction's canonical bytes, so it does not depend on the signature.
 *
 * <p>One transaction may stand unsigned, as {@code {"tx":{...}}}: the channel-config of a genesis
 * derived from a federation descriptor, which no single member can sign for all (see {@link
 * FederatedGenesis}). Only channel-config transactions can be unsigned, {@link #verify} rejects
 * every unsigned transaction, and {@link ChainVerifier} accepts one solely as the first transaction
 * of block 0 of a genesis of that form.
 */
public final class SignedTransaction {

  /** Larger transactions are refused: documents travel off-chain, never in a transaction. */
  public static final int MAX_ENCODED_BYTES = 64 * 1024;

  private final Transaction transaction;
  private final byte[] signature;
  private final byte[] encoded;
  private final byte[] transactionBytes;
  private final byte[] id;

  /**
   * Where the transaction's canonical bytes start inside the signed form {"sig":"…","tx":…}: "sig"
   * sorts first and a 64-byte signature is 86 characters of base64url, none of which is escaped.
   */
  private static final int TX_OFFSET =
      "{\"sig\":\"".length() + Json.base64url(new byte[64]).length() + "\",\"tx\":".length();

  /** The same for the unsigned form {"tx":…}. */
  private static final int UNSIGNED_TX_OFFSET = "{\"tx\":".length();

  /**
   * @param signature null for an unsigned transaction
   */
  private SignedTransaction(Transaction transaction, byte[] signature, byte[] encoded) {
    this.transaction = transaction;
    this.signature = signature;
    this.encoded = encoded;
    int offset = signature == null ? UNSIGNED_TX_OFFSET : TX_OFFSET;
    // RFC 8785 encodes a member's value the same wherever it stands, so the transaction's canonical
    // bytes are the "tx" member of the signed form: slicing them out spares encoding the
    // transaction again for the id and for every signature check (chain verification does one per
    // transaction).
    this.transactionBytes = Arrays.copyOfRange(encoded, offset, encoded.length - 1);
    this.id = sha256(transactionBytes);
  }

  private static SignedTransaction of(Transaction transaction, byte[] signature) {
    Objects.requireNonNull(transaction, "transaction");
    if (signature.length != 64) {
      throw Transaction.malformed("an Ed25519 signature is 64 bytes");
    }
    byte[] encoded = CanonicalJson.encode(toJson(transaction, signature));
    requireSize(encoded.length);
    return new SignedTransaction(transaction, signature.clone(), encoded);
  }

  private static Map<String, Object> toJson(Transaction transaction, byte[] signature) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (signature != null) {
      json.put("sig", Json.base64url(signature));
    }
    json.put("tx", transaction.toJson());
    return json;
  }

  private static void requireSize(int length) {
    if (length > MAX_ENCODED_BYTES) {
      throw new CareLedgerException(
          ErrorCode.TX_TOO_LARGE,
          "transaction is " + length + " bytes; at most " + MAX_ENCODED_BYTES + " are allowed");
    }
  }

  public static SignedTransaction sign(Transaction transaction, Ed25519PrivateKeyParameters key) {
    return of(transaction, Ed25519.sign(key, transaction.canonicalBytes()));
  }

  /**
   * The unsigned form of a channel-config transaction, for a genesis derived from a federation
   * descriptor (see {@link FederatedGenesis}); it never passes {@link #verify}.
   */
  public static SignedTransaction unsigned(Transaction transaction) {
    Objects.requireNonNull(transaction, "transaction");
    requireUnsignable(transaction);
    byte[] encoded = CanonicalJson.encode(toJson(transaction, null));
    requireSize(encoded.length);
    return new SignedTransaction(transaction, null, encoded);
  }

  private static void requireUnsignable(Transaction transaction) {
    if (transaction.type() != TransactionType.CHANNEL_CONFIG) {
      throw Transaction.malformed(
          "only a channel-config transaction may be unsigned, not "
              + transaction.type().wireName());
    }
  }

  /**
   * Reads a signed transaction from its canonical bytes; non-canonical, malformed or oversized
   * input is rejected with its code. The signature is not checked here: see {@link #verify}.
   */
  public static SignedTransaction decode(byte[] bytes) {
    try {
      return decodeChecked(bytes);
    } catch (CareLedgerException e) {
      throw e;
    } catch (RuntimeException e) {
      // Whatever the bytes, the answer is a coded rejection, never an unexpected exception.
      throw new CareLedgerException(ErrorCode.TX_MALFORMED, "malformed transaction: " + e, e);
    }
  }

  private static SignedTransaction decodeChecked(byte[] bytes) {
    requireSize(bytes.length);
    Map<String, Object> json = Json.object(CanonicalJson.decode(bytes), "signed transaction", -1);
    if (json.size() != 2 && !(json.size() == 1 && json.containsKey("tx"))) {
      throw Transaction.malformed("a signed transaction is {\"sig\":…,\"tx\":…} or {\"tx\":…}");
    }
    Transaction transaction = Transaction.fromJson(json.get("tx"));
    byte[] signature = null;
    if (json.size() == 2) {
      signature = Json.base64url(json, "sig", 64);
    } else {
      requireUnsignable(transaction);
    }
    // The bytes must be exactly the transaction's own canonical form. CanonicalJson.decode has
    // checked that they encode the value read, and two values whose numbers are all Long (here the
    // body comes from the parser and toJson adds Longs) encode alike exactly when they are equal:
    // comparing values is the same check as encoding the transaction again and comparing bytes.
    if (!toJson(transaction, signature).equals(json)) {
      throw new CareLedgerException(
          ErrorCode.ENCODING_NOT_CANONICAL, "signed transaction is not in canonical form");
    }
    return new SignedTransaction(transaction, signature, bytes.clone());
  }

  /**
   * Checks that the author is a member of {@code members} with the signing key the transaction
   * names, and that the signature is that key's over the transaction's canonical bytes.
   */
  public void verify(Membership members) {
    if (signature == null) {
      throw new CareLedgerException(
          ErrorCode.TX_SIGNATURE_INVALID,
          "transaction "
              + idHex()
              + " is unsigned; only a descriptor-derived genesis configuration may be");
    }
    Member author =
        members
            .byInstitution(transaction.author())
            .orElseThrow(
                () ->
                    new CareLedgerException(
                        ErrorCode.TX_UNKNOWN_AUTHOR,
                        "author '"
                            + transaction.author()
                            + (members.isMember(transaction.author())
                                ? "' has a revoked or expired signing certificate in channel "
                                : "' is not a member of channel ")
                            + transaction.channel()));
    if (!author.signingFingerprint().equals(transaction.authorKey())) {
      throw new CareLedgerException(
          ErrorCode.TX_UNKNOWN_AUTHOR,
          "transaction "
              + idHex()
              + " names signing key "
              + transaction.authorKey()
              + ", which is not the current key of member "
              + author.institution());
    }
    if (!Ed25519.verify(author.publicKey(), transactionBytes, signature)) {
      throw new CareLedgerException(
          ErrorCode.TX_SIGNATURE_INVALID,
          "signature of transaction "
              + idHex()
              + " by "
              + author.institution()
              + " does not verify");
    }
  }

  public Transaction transaction() {
    return transaction;
  }

  /** The 64-byte Ed25519 signature; empty for an unsigned transaction. */
  public byte[] signature() {
    return signature == null ? new byte[0] : signature.clone();
  }

  /** False only for the unsigned channel-config of a descriptor-derived genesis. */
  public boolean isSigned() {
    return signature != null;
  }

  /** The canonical bytes, as stored and as hashed into the block's Merkle tree. */
  public byte[] encoded() {
    return encoded.clone();
  }

  public byte[] id() {
    return id.clone();
  }

  public String idHex() {
    return Json.hex(id);
  }

  public byte[] leafHash() {
    return MerkleTree.leafHash(encoded);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SignedTransaction that && Arrays.equals(encoded, that.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "SignedTransaction[" + transaction.type().wireName() + " " + idHex() + "]";
  }
}
