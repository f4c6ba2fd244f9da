package org.careledger.federation.tool;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One channel-governance operation carried out across the nodes of a local federation, for {@code
 * federation.sh join|leave|revoke|renew|consent-policy}: what the channel's members' administrators
 * do one by one over REST ({@code POST /channels/C/config-updates}, then {@code POST
 * /channels/C/config-updates/ID/approvals} at the other deciders), done in order until the update
 * applies.
 *
 * <p>The deciders are the channel's members in force that can sign, less the subject of a remove,
 * renew or revoke (the node's rule, {@code ChannelConfig}); the first proposes, the next approve,
 * each call waiting for its transaction to commit, until the node answers {@code applied}. A
 * decider whose node does not answer is skipped: the quorum may still be reached without it.
 *
 * <p>Who: each node's console administrator ({@code admin}), whose generated password federation.sh
 * wrote to {@code <federation home>/console-admin.txt} (0600); HTTP Basic over TLS. Each node is
 * reached on its HTTPS listener and must present exactly the TLS certificate the descriptor holds
 * for it (pinned: no other certificate is accepted, whoever signed it).
 */
final class Governance {

  private static final Duration TIMEOUT = Duration.ofSeconds(150);

  private final Descriptor descriptor;
  private final Map<String, String> passwords;

  Governance(Descriptor descriptor, Map<String, String> passwords) {
    this.descriptor = descriptor;
    this.passwords = passwords;
  }

  /** {@code <institution> <console URL> admin <password>} lines of console-admin.txt. */
  static Map<String, String> passwords(Path file) throws IOException {
    Map<String, String> passwords = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length == 4 && parts[2].equals("admin")) {
        passwords.put(parts[0], parts[3]);
      }
    }
    return passwords;
  }

  /**
   * The request body of a config update of {@code channel}; see the REST API (README, "Channel
   * governance"). {@code sameKey}: a renewal keeps the key (a new certificate for it).
   */
  JsonObject request(
      String channel, String change, String institution, Path policy, boolean sameKey)
      throws IOException, InterruptedException {
    JsonObjectBuilder body = Json.createObjectBuilder().add("change", change);
    switch (change) {
      case "add-member" -> {
        Descriptor.Member member = descriptor.member(institution);
        JsonObject certificates = call(institution, "GET", "/node/certificates", null).body();
        body.add("institution", institution)
            .add("signingCertificate", certificates.getString("signingCertificate"))
            .add("agreementCertificate", certificates.getString("agreementCertificate"))
            .add(
                "bridge",
                Json.createObjectBuilder()
                    .add("host", member.host())
                    .add("port", member.port())
                    .add("tlsPort", member.tlsPort()));
      }
      case "renew-certificate" -> {
        // The subject's node makes the certificate for this channel (a new key: the newest made
        // after the one the channel names, so every channel renewed in turn gets the same one; or
        // a new certificate for that key) and keeps signing with the old one until it applies.
        Answer next =
            call(
                institution,
                "POST",
                "/node/next-key?channel=" + channel + (sameKey ? "&sameKey=true" : ""),
                null);
        if (next.status() != 200) {
          throw new IllegalStateException(
              institution + " could not make its next key: " + next.status() + " " + next.body());
        }
        body.add("institution", institution)
            .add("signingCertificate", next.body().getString("signingCertificate"));
      }
      case "remove-member", "revoke-certificate" -> body.add("institution", institution);
      case "consent-policy" -> {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(policy))) {
          body.add("consentPolicy", reader.readObject());
        }
      }
      default -> throw new IllegalArgumentException("unknown change " + change);
    }
    return body.build();
  }

  /**
   * Proposes {@code request} on {@code channel} and collects approvals until it applies.
   *
   * @return the proposal id
   */
  String carryOut(String channel, JsonObject request) throws IOException, InterruptedException {
    String subject =
        request.getString("change").equals("add-member")
                || request.getString("change").equals("consent-policy")
            ? null
            : request.getString("institution");
    List<String> deciders = deciders(channel, subject);
    if (deciders.isEmpty()) {
      throw new IllegalStateException("no member of " + channel + " answers here to decide");
    }
    String proposal = null;
    for (String decider : deciders) {
      boolean proposing = proposal == null;
      Answer answer =
          proposal == null
              ? call(decider, "POST", "/channels/" + channel + "/config-updates?wait=120", request)
              : call(
                  decider,
                  "POST",
                  "/channels/" + channel + "/config-updates/" + proposal + "/approvals?wait=120",
                  null);
      if (answer.status() / 100 != 2) {
        System.err.println(
            "federation-tool: "
                + decider
                + (proposal == null ? " could not propose: " : " could not approve: ")
                + answer.status()
                + " "
                + answer.body());
        if (proposal == null && answer.status() >= 400 && answer.status() < 500) {
          throw new IllegalStateException(
              "the update was refused: " + answer.body().getString("message", ""));
        }
        continue;
      }
      JsonObject status = answer.body();
      proposal = status.getString("proposal");
      String state = status.getString("state");
      System.out.println(
          decider + (proposing ? " proposed " : " approved ") + proposal + ": " + state);
      if (state.equals("applied")) {
        return proposal;
      }
      if (state.equals("void")) {
        throw new IllegalStateException(
            "update " + proposal + " is void: " + status.getString("reason", "see the channel"));
      }
    }
    throw new IllegalStateException(
        "update "
            + proposal
            + " is still pending: not enough deciders answered (they can approve it later)");
  }

  /**
   * The channel's members in force that can sign, less the subject, as a running member that is no
   * subject sees them; local members with a console password only.
   */
  List<String> deciders(String channel, String subject) throws IOException, InterruptedException {
    JsonObject config = null;
    for (String institution : passwords.keySet()) {
      if (institution.equals(subject)) {
        continue;
      }
      try {
        Answer answer = call(institution, "GET", "/channels/" + channel + "/config", null);
        if (answer.status() == 200) {
          config = answer.body();
          break;
        }
      } catch (IOException e) {
        // not running, or not running the channel: ask the next one
      }
    }
    if (config == null) {
      throw new IllegalStateException("no member of channel " + channel + " answers here");
    }
    List<String> deciders = new ArrayList<>();
    for (JsonValue value : config.getJsonArray("members")) {
      JsonObject member = value.asJsonObject();
      String institution = member.getString("institution");
      if (member.getBoolean("canSign", false)
          && !institution.equals(subject)
          && passwords.containsKey(institution)) {
        deciders.add(institution);
      }
    }
    return deciders;
  }

  record Answer(int status, JsonObject body) {}

  private Answer call(String institution, String method, String path, JsonObject body)
      throws IOException, InterruptedException {
    Descriptor.Member member = descriptor.member(institution);
    String password = passwords.get(institution);
    if (password == null) {
      throw new IllegalArgumentException("no console administrator password for " + institution);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(pinned(member.tlsCertificate()))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "https://"
                        + member.host()
                        + ":"
                        + member.tlsPort()
                        + "/careledger/api/v1"
                        + path))
            .timeout(TIMEOUT)
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
            .header("Accept", "application/json");
    if (method.equals("POST")) {
      request
          .header("Content-Type", "application/json")
          .POST(
              HttpRequest.BodyPublishers.ofString(
                  body == null ? "{}" : body.toString(), StandardCharsets.UTF_8));
    } else {
      request.GET();
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonObject json;
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      json = reader.readObject();
    } catch (RuntimeException e) {
      json = Json.createObjectBuilder().add("message", response.body()).build();
    }
    if (method.equals("GET") && response.statusCode() != 200 && path.startsWith("/node")) {
      throw new IOException(institution + " answered " + response.statusCode() + " on " + path);
    }
    return new Answer(response.statusCode(), json);
  }

  /** Trusts exactly one certificate: the node's TLS certificate from the descriptor. */
  static SSLContext pinned(String base64Der) {
    byte[] expected = Base64.getDecoder().decode(base64Der);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType)
                  throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("no client is trusted here");
              }

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType)
                  throws java.security.cert.CertificateException {
                if (chain == null
                    || chain.length == 0
                    || !Arrays.equals(chain[0].getEncoded(), expected)) {
                  throw new java.security.cert.CertificateException(
                      "the node presented a TLS certificate other than the descriptor's");
                }
                chain[0].checkValidity();
              }

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
