package org.careledger.domain.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.Fingerprint;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * The members' signatures that commit a block, stored with it so anyone holding the chain can check
 * it offline. Each member signs {@value #DOMAIN} followed by the 32-byte block hash; the prefix
 * keeps a commit signature from ever being valid as a transaction or envelope signature.
 */
public record CommitCertificate(List<Signature> signatures) {

  public static final String DOMAIN = "CareLedger block commit v1\n";

  /** One member's commit vote. */
  public record Signature(InstitutionId member, Fingerprint key, byte[] signature) {

    public Signature {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("member", member.value());
      json.put("key", key.hex());
      json.put("sig", Json.base64url(signature));
      return json;
    }
  }

  public CommitCertificate {
    signatures =
        signatures.stream()
            .sorted(Comparator.comparing((Signature s) -> s.member().value()))
            .toList();
  }

  public static byte[] signedMessage(BlockHeader header) {
    byte[] prefix = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] hash = header.hash();
    byte[] message = new byte[prefix.length + hash.length];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(hash, 0, message, prefix.length, hash.length);
    return message;
  }

  public static Signature sign(BlockHeader header, Member member, Ed25519PrivateKeyParameters key) {
    return new Signature(
        member.institution(),
        member.signingFingerprint(),
        Ed25519.sign(key, signedMessage(header)));
  }

  public byte[] encoded() {
    List<Object> list = new ArrayList<>();
    signatures.forEach(s -> list.add(s.toJson()));
    return CanonicalJson.encode(Map.of("signatures", list));
  }

  public static CommitCertificate decode(byte[] bytes) {
    Map<String, Object> json = Json.object(CanonicalJson.decode(bytes), "commit certificate", 1);
    List<Signature> signatures = new ArrayList<>();
    for (Object entry : Json.array(json, "signatures")) {
      Map<String, Object> s = Json.object(entry, "commit signature", 3);
      try {
        signatures.add(
            new Signature(
                new InstitutionId(Json.string(s, "member")),
                new Fingerprint(Json.string(s, "key")),
                Json.base64url(s, "sig", 64)));
      } catch (IllegalArgumentException e) {
        throw Transaction.malformed(e.getMessage());
      } catch (CareLedgerException e) {
        // A member id of the wrong form is a malformed certificate, not INVALID_INSTITUTION_ID
        // (this node's own configured id).
        throw e.errorCode() == ErrorCode.TX_MALFORMED ? e : Transaction.malformed(e.getMessage());
      }
    }
    return new CommitCertificate(signatures);
  }
}
