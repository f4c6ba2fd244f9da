package org.careledger.federation.tool;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Fetches a member's certificates from {@code GET /careledger/api/v1/node/certificates} over HTTPS.
 * The nodes' TLS certificates are self-issued and not yet known (this is how they become known), so
 * the connection trusts on first use, and then checks that the TLS certificate the node served is
 * the one it reports, and that it reports the expected institution: a node answering on the wrong
 * port, or something else answering there, is refused. Meant for nodes on this machine; between
 * real institutions certificates are exchanged out of band and compared by fingerprint.
 */
final class CertificateCollector {

  record Certificates(String signing, String agreement, String tls) {}

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tofu()).build();

  Certificates fetch(String institution, String host, int httpsPort)
      throws IOException, InterruptedException {
    URI uri =
        URI.create("https://" + host + ":" + httpsPort + "/careledger/api/v1/node/certificates");
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered " + response.statusCode() + ": " + response.body());
    }
    JsonObject body;
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      body = reader.readObject();
    }
    if (!institution.equals(body.getString("institutionId", ""))) {
      throw new IOException(
          uri
              + " is institution '"
              + body.getString("institutionId", "?")
              + "', not "
              + institution);
    }
    Certificate[] served = response.sslSession().orElseThrow().getPeerCertificates();
    String servedTls;
    try {
      servedTls = Base64.getEncoder().encodeToString(served[0].getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException(e);
    }
    String tls = body.getString("tlsCertificate");
    if (!servedTls.equals(tls)) {
      throw new IOException(uri + " served another TLS certificate than the one it reports");
    }
    return new Certificates(
        body.getString("signingCertificate"), body.getString("agreementCertificate"), tls);
  }

  /**
   * TLS that accepts whatever certificate the server presents: trust on first use, for a node's own
   * loopback listener or a member whose certificate is then compared with what it reports.
   */
  static SSLContext tofu() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

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
