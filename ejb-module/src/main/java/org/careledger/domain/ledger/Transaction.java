package org.careledger.domain.ledger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * What an institution asks the channel to record, before it is signed. Encoded as RFC 8785
 * canonical JSON (see {@link CanonicalJson}):
 *
 * <pre>{"author":"st-mary","body":{...},"channel":"ch-1","key":"&lt;signing cert SHA-256&gt;",
 * "nonce":"&lt;16 random bytes, base64url&gt;","time":&lt;ms since epoch&gt;,"type":"register","v":1}
 * </pre>
 *
 * {@code time} is the author's claim, kept for audit; ordering and expiry use the block's consensus
 * time. The nonce makes two otherwise equal transactions distinct, so a replay is a duplicate id.
 */
public record Transaction(
    ChannelId channel,
    TransactionType type,
    InstitutionId author,
    Fingerprint authorKey,
    String nonce,
    long time,
    Map<String, Object> body) {

  public static final int VERSION = 1;
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final Pattern PSEUDONYM = Pattern.compile("[0-9a-f]{64}");

  public Transaction {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(authorKey, "authorKey");
    if (nonce == null || !NONCE.matcher(nonce).matches()) {
      throw malformed("nonce must be 16 bytes in unpadded base64url");
    }
    if (time < 0) {
      throw malformed("time must not be negative");
    }
    Objects.requireNonNull(body, "body");
    for (String field : type.requiredFields()) {
      if (!body.containsKey(field)) {
        throw malformed("a " + type.wireName() + " transaction needs body field '" + field + "'");
      }
    }
    // containsValue(null) throws on immutable maps; scan instead.
    if (body.values().stream().anyMatch(Objects::isNull)) {
      // Absent, never null: one way to say "no value" keeps encodings and checks unambiguous.
      throw malformed("body fields must not be null; leave them out instead");
    }
    // Every member applies this while validating a block, so no path (REST, SOAP, a raw
    // transaction, a peer) can put a patient identifier on the chain in place of the pseudonym.
    if (body.containsKey("patient")
        && !(body.get("patient") instanceof String patient
            && PSEUDONYM.matcher(patient).matches())) {
      throw malformed(
          "'patient' is the channel's pseudonym of the patient (64 lower-case hex digits),"
              + " never an identifier");
    }
    body = Map.copyOf(body);
  }

  /** The canonical JSON value of this transaction. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("v", (long) VERSION);
    json.put("channel", channel.value());
    json.put("type", type.wireName());
    json.put("author", author.value());
    json.put("key", authorKey.hex());
    json.put("nonce", nonce);
    json.put("time", time);
    json.put("body", body);
    return json;
  }

  public byte[] canonicalBytes() {
    return CanonicalJson.encode(toJson());
  }

  /** Reads the value {@link #toJson()} produced; anything else is rejected. */
  static Transaction fromJson(Object value) {
    Map<String, Object> json = Json.object(value, "tx", 8);
    if (Json.integer(json, "v") != VERSION) {
      throw malformed("unsupported transaction version " + json.get("v"));
    }
    String typeName = Json.string(json, "type");
    TransactionType type =
        TransactionType.ofWireName(typeName)
            .orElseThrow(() -> malformed("unknown transaction type '" + typeName + "'"));
    try {
      return new Transaction(
          new ChannelId(Json.string(json, "channel")),
          type,
          new InstitutionId(Json.string(json, "author")),
          new Fingerprint(Json.string(json, "key")),
          Json.string(json, "nonce"),
          Json.integer(json, "time"),
          Json.object(json.get("body"), "body", -1));
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    } catch (CareLedgerException e) {
      throw e.errorCode() == ErrorCode.TX_MALFORMED ? e : malformed(e.getMessage());
    }
  }

  static CareLedgerException malformed(String why) {
    return new CareLedgerException(ErrorCode.TX_MALFORMED, "malformed transaction: " + why);
  }
}
