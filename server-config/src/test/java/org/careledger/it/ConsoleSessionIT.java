package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin console's browser session, over HTTP as a browser speaks it (the pages themselves are
 * driven in a real browser by {@link ConsoleBrowser} in FederationIT): sign-in through the node's
 * realm, only for admins and auditors; a cookie a script cannot read and another site cannot send;
 * every state-changing request of a session needs its CSRF token, and without it nothing happens;
 * sign-out ends the session; verification runs report progress and their result.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleSessionIT {

  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");
  private static final String HTTPS = "https://127.0.0.1:" + (8443 + OFFSET) + "/careledger";
  private static final String PASSWORD = ManagementCli.randomPassword();

  @Deployment(testable = false)
  static EnterpriseArchive ear() {
    return Deployments.careledgerEar();
  }

  @BeforeAll
  static void users() throws Exception {
    ManagementCli.addIdentity("console-admin", PASSWORD, "admin", "auditor");
    ManagementCli.addIdentity("console-auditor", PASSWORD, "auditor");
    ManagementCli.addIdentity("console-clinician", PASSWORD, "clinician");
  }

  /** A browser: its own cookie jar, no redirects followed (the test reads them). */
  private static final class Browser {
    final CookieManager cookies = new CookieManager();
    final HttpClient client =
        HttpClient.newBuilder()
            .sslContext(Http.trustAll())
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    HttpResponse<String> signIn(String user, String password) throws Exception {
      String form =
          "username="
              + URLEncoder.encode(user, StandardCharsets.UTF_8)
              + "&password="
              + URLEncoder.encode(password, StandardCharsets.UTF_8);
      return send(
          HttpRequest.newBuilder(URI.create(HTTPS + "/console/login"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    HttpResponse<String> get(String path) throws Exception {
      return send(HttpRequest.newBuilder(URI.create(HTTPS + path)).GET());
    }

    HttpResponse<String> post(String path, String json, String csrf) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(HTTPS + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json));
      if (csrf != null) {
        request.header("X-CSRF-Token", csrf);
      }
      return send(request);
    }

    JsonNode session() throws Exception {
      HttpResponse<String> response = get("/console/session");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return Http.json(response);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void anAdminSignsInWithAStrictCookieAndTheSessionSaysWhoAndCarriesACsrfToken() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> signIn = browser.signIn("console-admin", PASSWORD);

    assertThat(signIn.statusCode()).isEqualTo(303);
    assertThat(signIn.headers().firstValue("Location")).hasValue("/careledger/console/");
    String cookie =
        signIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("CARELEDGER_SESSION="))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(cookie.toLowerCase())
        .contains("httponly")
        .contains("secure")
        .contains("samesite=strict");
    JsonNode session = browser.session();
    assertThat(session.path("user").asText()).isEqualTo("console-admin");
    assertThat(session.path("roles"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("admin", "auditor");
    assertThat(session.path("admin").asBoolean()).isTrue();
    assertThat(session.path("csrf").asText()).matches("[A-Za-z0-9_-]{43}");
    // The session authenticates API calls as the signed-in person.
    assertThat(browser.get("/api/v1/session").body()).contains("console-admin");
    HttpResponse<String> node = browser.get("/api/v1/console/node");
    assertThat(node.statusCode()).isEqualTo(200);
    assertThat(Http.json(node).path("certificates")).hasSize(3);
    // A second sign-in gets a new session id: no session outlives its sign-in (no fixation).
    String first = browser.cookies.getCookieStore().getCookies().get(0).getValue();
    browser.signIn("console-admin", PASSWORD);
    assertThat(browser.cookies.getCookieStore().getCookies().get(0).getValue()).isNotEqualTo(first);
  }

  @Test
  void wrongPasswordsAndAccountsWithoutAConsoleRoleAreRefusedAndGetNoSession() throws Exception {
    Browser wrong = new Browser();
    HttpResponse<String> refused = wrong.signIn("console-admin", PASSWORD + "x");
    assertThat(refused.statusCode()).isEqualTo(303);
    assertThat(refused.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/console/login.html?error=credentials"));
    assertThat(wrong.get("/console/session").statusCode()).isEqualTo(401);

    Browser clinician = new Browser();
    HttpResponse<String> role = clinician.signIn("console-clinician", PASSWORD);
    assertThat(role.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/console/login.html?error=role"));
    HttpResponse<String> session = clinician.get("/console/session");
    assertThat(session.statusCode()).isEqualTo(401);
    assertThat(Http.json(session).path("code").asText()).isEqualTo("CL-1820");
    // Signed out again at once: the clinician's cookie opens nothing in the API either.
    assertThat(clinician.get("/api/v1/channels").statusCode()).isEqualTo(401);
  }

  @Test
  void aStateChangingRequestWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws Exception {
    Browser browser = new Browser();
    browser.signIn("console-admin", PASSWORD);
    String csrf = browser.session().path("csrf").asText();
    String channel = "console-" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"channel\":\"" + channel + "\"}";

    for (String token : java.util.Arrays.asList(null, "", csrf.substring(1) + "x")) {
      HttpResponse<String> forged = browser.post("/api/v1/channels", body, token);
      assertThat(forged.statusCode()).as(String.valueOf(token)).isEqualTo(403);
      assertThat(Http.json(forged).path("code").asText()).isEqualTo("CL-1821");
    }
    assertThat(browser.get("/api/v1/channels/" + channel).statusCode()).isEqualTo(404);

    HttpResponse<String> created = browser.post("/api/v1/channels", body, csrf);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(browser.get("/api/v1/channels/" + channel).statusCode()).isEqualTo(200);

    // An API client that authenticates its own request holds no session and needs no token.
    HttpResponse<String> basic =
        HttpClient.newBuilder()
            .sslContext(Http.trustAll())
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(HTTPS + "/api/v1/channels"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", basic("console-admin"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel + "-b\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(basic.statusCode()).as(basic.body()).isEqualTo(201);
  }

  @Test
  void signOutNeedsTheTokenAndEndsTheSession() throws Exception {
    Browser browser = new Browser();
    browser.signIn("console-admin", PASSWORD);
    String csrf = browser.session().path("csrf").asText();

    assertThat(browser.post("/console/logout", "", null).statusCode()).isEqualTo(403);
    assertThat(browser.get("/console/session").statusCode()).isEqualTo(200);

    assertThat(browser.post("/console/logout", "", csrf).statusCode()).isEqualTo(204);
    assertThat(browser.get("/console/session").statusCode()).isEqualTo(401);
    assertThat(browser.get("/api/v1/channels").statusCode()).isEqualTo(401);
  }

  @Test
  void theConsoleIsServedOverHttpsOnlyWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> plain =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + (8080 + OFFSET)
                                + "/careledger/console/login.html"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(302);
    assertThat(plain.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).startsWith("https://"));

    HttpResponse<String> page = new Browser().get("/console/login.html");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'"));
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }

  @Test
  void anAuditorVerifiesAChannelAndWatchesItsProgressButMayNotChangeAnything() throws Exception {
    Browser admin = new Browser();
    admin.signIn("console-admin", PASSWORD);
    String channel = "verify-" + UUID.randomUUID().toString().substring(0, 8);
    String adminCsrf = admin.session().path("csrf").asText();
    assertThat(
            admin
                .post("/api/v1/channels", "{\"channel\":\"" + channel + "\"}", adminCsrf)
                .statusCode())
        .isEqualTo(201);

    Browser auditor = new Browser();
    auditor.signIn("console-auditor", PASSWORD);
    JsonNode session = auditor.session();
    assertThat(session.path("admin").asBoolean()).isFalse();
    String csrf = session.path("csrf").asText();
    HttpResponse<String> started =
        auditor.post("/api/v1/console/verifications", "{\"channel\":\"" + channel + "\"}", csrf);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    JsonNode run = Http.json(started);
    assertThat(run.path("blocksTotal").asLong()).isEqualTo(1);
    Instant deadline = Instant.now().plusSeconds(60);
    while (!run.path("state").asText().equals("done") && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      run = Http.json(auditor.get("/api/v1/console/verifications/" + run.path("id").asText()));
    }
    assertThat(run.path("state").asText()).isEqualTo("done");
    assertThat(run.path("blocksDone").asLong()).isEqualTo(1);
    assertThat(run.path("result").path("ok").asBoolean()).isTrue();
    assertThat(run.path("result").path("blocksVerified").asLong()).isEqualTo(1);

    HttpResponse<String> unknown =
        auditor.post("/api/v1/console/verifications", "{\"channel\":\"no-such-channel\"}", csrf);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Http.json(unknown).path("code").asText()).isEqualTo("CL-1170");
    assertThat(auditor.get("/api/v1/console/verifications/v-unknown").statusCode()).isEqualTo(404);
    // Read-only: with a valid token, an auditor still may not create a channel.
    HttpResponse<String> create =
        auditor.post("/api/v1/channels", "{\"channel\":\"" + channel + "-x\"}", csrf);
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(List.of(Http.json(create).path("code").asText())).containsExactly("CL-1719");
  }

  private static String basic(String user) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }
}
