package org.careledger.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP for the integration tests. HTTPS accepts the node's self-issued certificate; tests that care
 * about that certificate inspect it through {@link HttpResponse#sslSession()}.
 */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .sslContext(acceptAnyCertificate())
          .build();

  /** Store password of the throw-away key stores tests make with keytool. */
  static final String TEST_STORE_PASSWORD = "test-only-store";

  private Http() {}

  /** TLS that accepts the node's self-issued certificate and presents none of its own. */
  static SSLContext trustAll() {
    return acceptAnyCertificate();
  }

  /** TLS that presents the client key {@code alias} of a PKCS#12 store (mutual TLS). */
  static SSLContext withClientKey(java.nio.file.Path p12, String alias) {
    try {
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      try (var in = java.nio.file.Files.newInputStream(p12)) {
        store.load(in, TEST_STORE_PASSWORD.toCharArray());
      }
      javax.net.ssl.KeyManagerFactory keys =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, TEST_STORE_PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), acceptAnyCertificateManagers(), new SecureRandom());
      return context;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot use " + p12 + " as a client key", e);
    }
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static SSLContext acceptAnyCertificate() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, acceptAnyCertificateManagers(), new SecureRandom());
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrustManager[] acceptAnyCertificateManagers() {
    return new TrustManager[] {
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
    };
  }
}
