package org.careledger.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON Web Tokens as an institution's identity provider would issue them (RS256, compact form),
 * signed with a key a test made; and a tampered copy of one, to show the node checks signatures.
 */
final class Jwt {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwt() {}

  static String sign(Path p12, String alias, Map<String, Object> claims) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(p12)) {
      store.load(in, Http.TEST_STORE_PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey(alias, Http.TEST_STORE_PASSWORD.toCharArray());
    String header = encode(Map.of("alg", "RS256", "typ", "JWT"));
    String signingInput = header + "." + encode(claims);
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key);
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + B64.encodeToString(rsa.sign());
  }

  /** The token with one claim changed and the original signature kept. */
  @SuppressWarnings("unchecked")
  static String tamper(String token, String claim, Object value) throws Exception {
    String[] parts = token.split("\\.");
    Map<String, Object> claims =
        new LinkedHashMap<>(
            Http.JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class));
    claims.put(claim, value);
    return parts[0] + "." + encode(claims) + "." + parts[2];
  }

  private static String encode(Map<String, Object> json) throws Exception {
    return B64.encodeToString(Http.JSON.writeValueAsBytes(json));
  }
}
