package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Elytron security domain "careledger" that server-config configures: people authenticate
 * against the node's realm and get CareLedger's roles; nobody else gets in. Identities are added
 * through the management CLI, as an operator would; their passwords are made up per run.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecurityDomainIT {

  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");
  private static final String SESSION =
      "http://127.0.0.1:" + (8080 + OFFSET) + "/careledger/api/v1/session";
  private static final String PASSWORD = ManagementCli.randomPassword();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static boolean identitiesAdded;

  @Deployment(testable = false)
  static EnterpriseArchive ear() {
    return Deployments.careledgerEar();
  }

  @Test
  void anonymousCallerIsAskedToAuthenticate() throws Exception {
    HttpResponse<String> response = get(null, null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).contains("Basic").contains("CareLedger"));
  }

  @Test
  void wrongPasswordIsRefused() throws Exception {
    addIdentities();

    assertThat(get("it-clinician", PASSWORD + "x").statusCode()).isEqualTo(401);
    assertThat(get("nobody", PASSWORD).statusCode()).isEqualTo(401);
  }

  @Test
  void personGetsExactlyTheCareLedgerRolesOfTheirIdentity() throws Exception {
    addIdentities();

    HttpResponse<String> response = get("it-clinician", PASSWORD);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode session = Http.json(response);
    assertThat(session.path("name").asText()).isEqualTo("it-clinician");
    assertThat(session.path("roles"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("clinician", "auditor");
  }

  @Test
  void authenticatedIdentityWithoutACareLedgerRoleIsForbidden() throws Exception {
    addIdentities();

    assertThat(get("it-no-role", PASSWORD).statusCode()).isEqualTo(403);
  }

  private static HttpResponse<String> get(String user, String password)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SESSION)).GET();
    if (user != null) {
      String token = user + ":" + password;
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static synchronized void addIdentities() throws Exception {
    if (identitiesAdded) {
      return;
    }
    ManagementCli.addIdentity("it-clinician", PASSWORD, "clinician", "auditor");
    ManagementCli.addIdentity("it-no-role", PASSWORD, "superuser");
    identitiesAdded = true;
  }
}
