package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real EAR, as built, on a managed WildFly configured by node.sh — once on H2 and once on
 * PostgreSQL (failsafe executions it-h2 and it-postgresql).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NodeApiIT {

  private static final String DB = System.getProperty("careledger.it.db");
  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");
  private static final String BASE = "http://127.0.0.1:" + (8080 + OFFSET) + "/careledger";
  private static final String MANAGEMENT = "http://127.0.0.1:" + (9990 + OFFSET);

  @Deployment(testable = false)
  static EnterpriseArchive ear() {
    return Deployments.careledgerEar();
  }

  @Test
  void nodeEndpointDescribesThisNode() throws Exception {
    HttpResponse<String> response = Http.get(BASE + "/api/v1/node");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode node = Http.json(response);
    assertThat(node.path("institutionId").asText()).isEqualTo("it-" + DB);
    assertThat(node.path("signingFingerprint").asText()).matches("[0-9a-f]{64}");
    assertThat(node.path("version").asText()).isEqualTo(System.getProperty("careledger.version"));
    assertThat(node.path("databaseProduct").asText())
        .startsWith(DB.equals("h2") ? "H2 " : "PostgreSQL ");
    assertThat(Instant.parse(node.path("startedAt").asText())).isBefore(Instant.now());
  }

  /** The REST API describes itself: an OpenAPI document generated from its resources. */
  @Test
  void anOpenApiDocumentDescribesTheRestApi() throws Exception {
    HttpResponse<String> response =
        Http.get("http://127.0.0.1:" + (8080 + OFFSET) + "/openapi?format=JSON");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode document = Http.json(response);
    assertThat(document.path("openapi").asText()).startsWith("3.");
    java.util.List<String> paths = new java.util.ArrayList<>();
    document.path("paths").fieldNames().forEachRemaining(paths::add);
    // Paths start at the JAX-RS application (/api); WildFly may put the context root in front or
    // into "servers".
    for (String path :
        java.util.List.of(
            "/api/v1/node",
            "/api/v1/channels/{channel}/records",
            "/api/v1/channels/{channel}/records/{recordId}/content",
            "/api/v1/channels/{channel}/requests",
            "/api/v1/channels/{channel}/requests/{requestId}/grant",
            "/api/v1/channels/{channel}/grants/{grantTx}/revoke")) {
      assertThat(paths).as("paths of the OpenAPI document").anyMatch(p -> p.endsWith(path));
    }
    // Only the REST API: the FHIR application is not mixed in (its CapabilityStatement describes
    // it), and no REST path appears under another application's path.
    assertThat(paths)
        .as("paths of the OpenAPI document")
        .noneMatch(p -> p.contains("/fhir") || p.contains("DocumentReference"));
    assertThat(paths.stream().filter(p -> p.contains("/v1/")))
        .as("paths of the OpenAPI document")
        .allMatch(p -> p.contains("/api/v1/"));
    String requests =
        paths.stream()
            .filter(p -> p.endsWith("/api/v1/channels/{channel}/requests"))
            .findFirst()
            .orElseThrow();
    assertThat(document.path("paths").path(requests).has("post")).isTrue();
  }

  @Test
  void readinessIncludesTheNodeCheckAndIsUp() throws Exception {
    HttpResponse<String> response = Http.get(MANAGEMENT + "/health/ready");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = Http.json(response);
    assertThat(health.path("status").asText()).isEqualTo("UP");
    JsonNode check = check(health, "careledger-node");
    assertThat(check.path("status").asText()).isEqualTo("UP");
    assertThat(check.path("data").path("state").asText()).isEqualTo("READY");
    JsonNode certificates = check(health, "careledger-certificates");
    assertThat(certificates.path("status").asText()).isEqualTo("UP");
    assertThat(certificates.path("data").path("expiring").asInt())
        .as("a fresh node's certificates are valid for 825 days")
        .isZero();

    assertThat(Http.get(MANAGEMENT + "/health/live").statusCode()).isEqualTo(200);
  }

  private static JsonNode check(JsonNode health, String name) {
    for (JsonNode candidate : health.path("checks")) {
      if (candidate.path("name").asText().equals(name)) {
        return candidate;
      }
    }
    throw new AssertionError("no readiness check " + name + " in " + health);
  }

  @Test
  void startIsWrittenAndReadBackThroughJpa() throws Exception {
    JsonNode node = Http.json(Http.get(BASE + "/api/v1/node"));
    HttpResponse<String> response = Http.get(BASE + "/api/v1/node/starts?limit=5");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode starts = Http.json(response);
    assertThat(starts.isArray()).isTrue();
    assertThat(starts.size()).isBetween(1, 5);
    JsonNode latest = starts.get(0);
    assertThat(latest.path("institutionId").asText()).isEqualTo("it-" + DB);
    assertThat(latest.path("signingFingerprint").asText())
        .isEqualTo(node.path("signingFingerprint").asText());
    assertThat(Instant.parse(latest.path("startedAt").asText()))
        .isEqualTo(Instant.parse(node.path("startedAt").asText()));
  }

  @Test
  void anonymousCallersLearnNothingAboutOtherPaths() throws Exception {
    HttpResponse<String> api = Http.get(BASE + "/api/v1/no-such-thing");
    HttpResponse<String> other = Http.get(BASE + "/no-such-page");

    // Secure by default: the API asks for credentials before it says whether a path exists.
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(other.statusCode()).isEqualTo(404);
    for (HttpResponse<String> response : java.util.List.of(api, other)) {
      assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
    }
  }
}
