package org.careledger.domain.ledger;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * A block header, encoded as canonical JSON; its SHA-256 is the block hash that the next header
 * links to and that members sign. {@code txRoot} is the RFC 9162 Merkle tree head over the block's
 * transactions; {@code time} is the consensus time (the proposer's, bounded by the other members
 * when they vote), never a node's local clock.
 */
public record BlockHeader(
    ChannelId channel,
    long height,
    byte[] previousHash,
    byte[] txRoot,
    int txCount,
    long time,
    InstitutionId proposer) {

  public static final int VERSION = 1;

  /** The previous hash of a genesis block. */
  public static final byte[] NO_PREVIOUS = new byte[32];

  public BlockHeader {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(proposer, "proposer");
    if (height < 0 || txCount < 0 || time < 0) {
      throw Transaction.malformed("height, txCount and time must not be negative");
    }
    if (previousHash.length != 32 || txRoot.length != 32) {
      throw Transaction.malformed("hashes are 32 bytes");
    }
    previousHash = previousHash.clone();
    txRoot = txRoot.clone();
  }

  @Override
  public byte[] previousHash() {
    return previousHash.clone();
  }

  @Override
  public byte[] txRoot() {
    return txRoot.clone();
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("v", (long) VERSION);
    json.put("channel", channel.value());
    json.put("height", height);
    json.put("prev", Json.hex(previousHash));
    json.put("txRoot", Json.hex(txRoot));
    json.put("txCount", (long) txCount);
    json.put("time", time);
    json.put("proposer", proposer.value());
    return json;
  }

  public byte[] encoded() {
    return CanonicalJson.encode(toJson());
  }

  public byte[] hash() {
    return SignedTransaction.sha256(encoded());
  }

  public String hashHex() {
    return Json.hex(hash());
  }

  public static BlockHeader decode(byte[] bytes) {
    Map<String, Object> json = Json.object(CanonicalJson.decode(bytes), "block header", 8);
    if (Json.integer(json, "v") != VERSION) {
      throw Transaction.malformed("unsupported block header version " + json.get("v"));
    }
    long txCount = Json.integer(json, "txCount");
    if (txCount > Integer.MAX_VALUE) {
      throw Transaction.malformed("txCount too large");
    }
    try {
      return new BlockHeader(
          new ChannelId(Json.string(json, "channel")),
          Json.integer(json, "height"),
          Json.hex32(json, "prev"),
          Json.hex32(json, "txRoot"),
          (int) txCount,
          Json.integer(json, "time"),
          new InstitutionId(Json.string(json, "proposer")));
    } catch (RuntimeException e) {
      // An id of the wrong form is a malformed header, not INVALID_INSTITUTION_ID (this node's
      // own configured id).
      throw e instanceof org.careledger.domain.CareLedgerException ce
              && ce.errorCode() == org.careledger.domain.ErrorCode.TX_MALFORMED
          ? ce
          : Transaction.malformed(e.getMessage());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BlockHeader that && Arrays.equals(encoded(), that.encoded());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded());
  }

  @Override
  public String toString() {
    return "BlockHeader[" + channel + "#" + height + " " + hashHex() + "]";
  }
}
