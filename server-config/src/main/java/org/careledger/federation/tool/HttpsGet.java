package org.careledger.federation.tool;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code java -cp server-config/target/classes org.careledger.federation.tool.HttpsGet URL}: prints
 * the body of a GET to a node's own HTTPS listener on this machine, what {@code curl -sk URL} does,
 * for {@code node.sh} on machines without curl (a node serves no plain HTTP once its TLS is
 * configured). Like {@code curl -k} it accepts the node's self-issued certificate: node.sh asks its
 * own node on the loopback address for public facts (its signing key fingerprint). Only loopback
 * URLs are accepted, so it cannot be used to talk to a remote host without checking who answers.
 * Exit code 0 with a 2xx answer, 1 otherwise.
 */
public final class HttpsGet {

  private HttpsGet() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: HttpsGet https://127.0.0.1:PORT/PATH");
      System.exit(2);
    }
    URI uri = URI.create(args[0]);
    if (!"https".equals(uri.getScheme()) || !isLoopback(uri.getHost())) {
      System.err.println("HttpsGet: only https:// URLs on this machine's loopback address");
      System.exit(2);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(CertificateCollector.tofu())
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.print(response.body());
    System.exit(response.statusCode() / 100 == 2 ? 0 : 1);
  }

  /** localhost, [::1] or an IPv4 literal 127.x.y.z: never a name that resolves elsewhere. */
  static boolean isLoopback(String host) {
    return host != null
        && (host.equals("localhost")
            || host.equals("[::1]")
            || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
  }
}
