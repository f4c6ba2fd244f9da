package org.careledger.domain.federation;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.careledger.domain.crypto.Ed25519;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.identity.NodeIdentity;
import org.careledger.domain.identity.NodeIdentityGenerator;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * Institutions with real identities, generated at test time (no key material in the repository),
 * and descriptor files built from them as mutable JSON trees, so a test can break one rule at a
 * time.
 */
final class FederationFixture {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final long CREATED_AT = 1763900000000L;
  static final List<String> BFT = List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");

  private static final NodeIdentityGenerator GENERATOR = new NodeIdentityGenerator();

  final Map<String, NodeIdentity> identities = new LinkedHashMap<>();

  FederationFixture(String... institutions) {
    for (String name : institutions) {
      identities.put(name, generate(name));
    }
  }

  /** hospital-a, clinic-b, pharmacy-c, insurer-d and lab-e. */
  static FederationFixture standard() {
    return new FederationFixture("hospital-a", "clinic-b", "pharmacy-c", "insurer-d", "lab-e");
  }

  static NodeIdentity generate(String institution) {
    return GENERATOR.generate(new InstitutionId(institution), T0, List.of());
  }

  Ed25519PrivateKeyParameters signingKey(String institution) {
    return Ed25519.privateKey(identities.get(institution).signingKey());
  }

  /**
   * Every institution as a member (ports 8180, 8280, ...), channel care-bft of the four BFT members
   * and channel lab-pair of hospital-a and lab-e.
   */
  Map<String, Object> descriptor() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("federation", "local-demo");
    json.put("version", 1L);
    json.put("createdAt", CREATED_AT);
    List<Object> members = new ArrayList<>();
    int port = 8180;
    for (String name : identities.keySet()) {
      members.add(member(name, port));
      port += 100;
    }
    json.put("members", members);
    List<Object> channels = new ArrayList<>();
    channels.add(channel("care-bft", BFT, "bft"));
    if (identities.containsKey("lab-e")) {
      channels.add(channel("lab-pair", List.of("hospital-a", "lab-e"), "unanimity"));
    }
    json.put("channels", channels);
    return json;
  }

  Map<String, Object> member(String name, int port) {
    NodeIdentity identity = identities.get(name);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("institution", name);
    json.put("signingCertificate", base64(identity.signingCertificate()));
    json.put("agreementCertificate", base64(identity.agreementCertificate()));
    json.put("tlsCertificate", base64(identity.tlsCertificate()));
    Map<String, Object> artemis = new LinkedHashMap<>();
    artemis.put("host", "127.0.0.1");
    artemis.put("port", (long) port);
    json.put("artemis", artemis);
    return json;
  }

  static Map<String, Object> channel(String id, List<String> members, String consensus) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("members", new ArrayList<Object>(members));
    json.put("consensus", consensus);
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("roles", new LinkedHashMap<>(Map.of("pharmacy-c", "pharmacy")));
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("role", "pharmacy");
    rule.put("documentClasses", new ArrayList<Object>(List.of("57833-6")));
    rule.put("purposes", new ArrayList<Object>(List.of("TREAT")));
    policy.put("rules", new ArrayList<Object>(List.of(rule)));
    json.put("consentPolicy", policy);
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("maxTransactions", 500L);
    batch.put("maxDelayMillis", 50L);
    json.put("batch", batch);
    return json;
  }

  static String base64(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(Map<String, Object> json) {
    return CanonicalJson.encode(json);
  }

  static FederationDescriptor parse(Map<String, Object> json) {
    return FederationDescriptor.parse(bytes(json));
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Map<String, Object> json, String list, int index) {
    return (Map<String, Object>) ((List<Object>) json.get(list)).get(index);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> json, String key) {
    return (List<Object>) json.get(key);
  }
}
