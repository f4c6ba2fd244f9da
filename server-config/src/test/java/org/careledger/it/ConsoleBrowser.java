package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console as an operator uses it, in headless Chromium: proves that the static pages,
 * their script and the node's JSON API work together in a real browser under the console's
 * Content-Security-Policy. An admin signs in and sees the node's institution and certificates, its
 * peers reachable, each channel's height, mode and live chart, verifies a chain to the end, finds
 * an open access request with its grant and deny buttons, searches the audit trail by record and by
 * patient; signs out; a user without the admin or auditor role is refused and gets no session; an
 * auditor sees the requests read-only. No uncaught script error and no CSP violation may appear in
 * the browser's console on the way.
 *
 * <p>Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} are used (installed by
 * {@code src/test/scripts/ensure-chromium.sh} when missing); Selenium Manager is never asked to
 * find or download anything. Each step saves a screenshot; a failing step also saves {@code
 * failure-<step>.png} and the page source.
 */
final class ConsoleBrowser implements AutoCloseable {

  /**
   * Selenium looks for DevTools support matching the browser's major version and warns when this
   * Selenium has none; the console test uses WebDriver only, so the warning is noise. (A field, so
   * that the logger and its level are kept.)
   */
  private static final Logger CDP_VERSION_FINDER =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(250);

  private static final String ROLE_REFUSED =
      "This account may not use the console: it needs the admin or auditor role (CL-1822).";
  private static final Pattern SHA256 = Pattern.compile("(?i)[0-9a-f]{64}");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern VERIFIED =
      Pattern.compile("OK: (\\d+) blocks?, (\\d+) transactions? verified");

  private final Path screenshots;
  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private String base;

  /** Starts Chromium; screenshots go to {@code screenshots} (created). */
  ConsoleBrowser(Path screenshots) {
    try {
      this.screenshots = Files.createDirectories(screenshots);
      ensureChromium();
      this.profile = Files.createTempDirectory("careledger-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    // Driver and browser are both given, so Selenium Manager is never run: it has nothing to look
    // up, and so never downloads a driver or a browser.
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
    this.service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingPort(ephemeralPort())
            .withLogFile(screenshots.resolve("chromedriver.log").toFile())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--ignore-certificate-errors",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    options.setAcceptInsecureCerts(true);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver started = null;
    try {
      started = new ChromeDriver(service, options);
      started.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      started.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      if (started != null) {
        started.quit();
      }
      stopEverything();
      throw e;
    }
    this.driver = started;
  }

  /**
   * Signs in at consoleUrl (https://127.0.0.1:PORT/careledger/console/), asserts the node page
   * shows {@code institution}, its three certificates with fingerprints and expiry dates;
   * screenshot "01-node.png".
   */
  void signInAndCheckNode(String consoleUrl, String user, String password, String institution) {
    step(
        "node",
        () -> {
          useConsole(consoleUrl);
          signIn(user, password);
          await("the node page", PAGE_TIMEOUT, d -> onPage("node"));
          await(
              "institution " + institution + " on the node page",
              PAGE_TIMEOUT,
              d -> institution.equals(text(By.id("node-institution"))),
              () -> "shown: " + text(By.id("node-institution")));
          assertThat(text(By.id("whoami"))).contains(user).contains(institution);
          assertThat(text(By.id("node-version"))).isNotBlank().isNotEqualTo("…");
          assertThat(text(By.id("node-database"))).isNotBlank().isNotEqualTo("…");
          assertThat(text(By.id("node-uptime"))).matches("\\d+ (s|min|h|d)( \\d+ (s|min|h))?");

          await(
              "three certificates",
              PAGE_TIMEOUT,
              d -> rows("#certificates tbody tr[data-cert]", "cert").size() == 3);
          List<Map<String, Object>> certificates =
              rows(
                  "#certificates tbody tr[data-cert]",
                  "cert",
                  "td.sha256",
                  "td.not-after",
                  "td.days-left");
          assertThat(certificates)
              .extracting(row -> row.get("cert"))
              .containsExactlyInAnyOrder("signing", "key-agreement", "tls");
          for (Map<String, Object> certificate : certificates) {
            String name = (String) certificate.get("cert");
            assertThat(((String) certificate.get("td.sha256")).replace(":", ""))
                .as("fingerprint of %s", name)
                .matches(SHA256);
            assertThat((String) certificate.get("td.not-after"))
                .as("expiry of %s", name)
                .containsPattern(DATE);
            if ((Boolean) certificate.get("warn")) {
              assertThat((String) certificate.get("td.days-left")).startsWith("expire");
            }
          }
          screenshot("01-node.png");
          return null;
        });
  }

  /**
   * Peers page lists exactly {@code peers}, each state "reachable"; screenshot "02-peers.png".
   * Polls up to 60 s for states.
   */
  void checkPeers(List<String> peers) {
    step(
        "peers",
        () -> {
          navigate("peers");
          Set<String> expected = new HashSet<>(peers);
          await(
              "peers " + peers + " all reachable",
              Duration.ofSeconds(60),
              d -> {
                List<Map<String, Object>> rows =
                    rows("#peers tbody tr[data-peer]", "peer", "td.state");
                return rows.size() == expected.size()
                    && rows.stream()
                        .allMatch(
                            r ->
                                expected.contains((String) r.get("peer"))
                                    && "reachable".equals(r.get("td.state")));
              },
              () -> "peers shown: " + rows("#peers tbody tr[data-peer]", "peer", "td.state"));
          List<Map<String, Object>> rows = rows("#peers tbody tr[data-peer]", "peer", "td.state");
          assertThat(rows)
              .extracting(r -> r.get("peer"))
              .containsExactlyInAnyOrderElementsOf(peers);
          assertThat(rows).extracting(r -> r.get("td.state")).containsOnly("reachable");
          screenshot("02-peers.png");
          return null;
        });
  }

  /**
   * Channels page shows each channel with height >= 1 and its mode; waits up to 20 s for the chart
   * canvas to be drawn; screenshot "03-channels.png".
   */
  void checkChannels(Map<String, String> channelModes) {
    step(
        "channels",
        () -> {
          navigate("channels");
          for (Map.Entry<String, String> channel : channelModes.entrySet()) {
            String css = "section[data-channel='" + cssString(channel.getKey()) + "']";
            await(
                "channel " + channel.getKey() + " with a block",
                PAGE_TIMEOUT,
                d -> {
                  String height = text(By.cssSelector(css + " .height"));
                  return height.matches("\\d+") && Long.parseLong(height) >= 1;
                });
            assertThat(text(By.cssSelector(css + " .mode")))
                .as("mode of %s", channel.getKey())
                .isEqualTo(channel.getValue());
            await(
                "the chart of " + channel.getKey() + " drawn",
                Duration.ofSeconds(20),
                d -> paintedPixels(css + " canvas") > 0);
            // Governance: each member in force with its signing certificate's expiry and state.
            await(
                "the members and certificates of " + channel.getKey(),
                PAGE_TIMEOUT,
                d ->
                    !d.findElements(By.cssSelector(css + " table.certificates tbody tr"))
                        .isEmpty());
            for (WebElement row :
                driver.findElements(By.cssSelector(css + " table.certificates tbody tr"))) {
              assertThat(row.findElement(By.cssSelector("td.state")).getText())
                  .as("certificate state in %s", channel.getKey())
                  .isIn("signs", "expires soon", "revoked", "expired");
              assertThat(
                      row.findElement(By.cssSelector("td.not-after time")).getAttribute("datetime"))
                  .as("certificate notAfter in %s", channel.getKey())
                  .isNotBlank();
            }
          }
          screenshot("03-channels.png");
          return null;
        });
  }

  /** What the console said to a proposal: its state (null when refused), id and text. */
  record Proposal(String state, String proposal, String text) {}

  /**
   * Proposes a config change of {@code channel} in the Channels page's "Propose a change" form as
   * the signed-in admin: chooses {@code change}, enters {@code institution}, submits and waits (≤90
   * s: the proposal is committed by consensus before the API answers) for the form's answer;
   * screenshot "03b-proposed-<change>.png". A refusal is returned (state null), not thrown.
   */
  Proposal propose(String channel, String change, String institution) {
    return step(
        "propose-" + change,
        () -> {
          if (!onPage("channels")) {
            navigate("channels");
          }
          String form = "section[data-channel='" + cssString(channel) + "'] form.propose";
          await(
              "the propose form of " + channel,
              PAGE_TIMEOUT,
              d ->
                  present(By.cssSelector(form))
                      && driver.findElement(By.cssSelector(form)).isDisplayed());
          WebElement propose = driver.findElement(By.cssSelector(form));
          new Select(propose.findElement(By.name("change"))).selectByValue(change);
          assertThat(propose.findElement(By.name("certificates")).isDisplayed())
              .as("certificates asked for %s", change)
              .isEqualTo(change.equals("add-member") || change.equals("renew-certificate"));
          WebElement subject = propose.findElement(By.name("institution"));
          subject.clear();
          subject.sendKeys(institution);
          // Forget the last answer so that the next one shown is this proposal's.
          script(
              "const r = arguments[0].querySelector('.propose-result');"
                  + " r.textContent = ''; r.className = 'propose-result'; delete r.dataset.state;",
              propose);
          propose.findElement(By.cssSelector("button.propose-submit")).click();
          By result = By.cssSelector(form + " .propose-result");
          await(
              "the answer to proposing " + change + " " + institution,
              Duration.ofSeconds(90),
              d -> {
                WebElement r = driver.findElement(result);
                String cls = r.getAttribute("class");
                return cls.contains("ok") || cls.contains("error");
              });
          WebElement answer = driver.findElement(result);
          screenshot("03b-proposed-" + change + ".png");
          return new Proposal(
              answer.getAttribute("data-state"),
              answer.getAttribute("data-proposal"),
              answer.getText().trim());
        });
  }

  /** A pending config update as the Channels page lists it. */
  record Pending(String text, boolean approvable) {}

  /**
   * Waits (≤20 s) for the Channels page to list {@code proposal} among {@code channel}'s pending
   * config updates; its text (change, subject, proposer, approvals) and whether it offers Approve.
   */
  Pending pendingUpdate(String channel, String proposal) {
    return step(
        "pending-update",
        () -> {
          By entry =
              By.cssSelector(
                  "section[data-channel='"
                      + cssString(channel)
                      + "'] li.pending-update[data-proposal='"
                      + cssString(proposal)
                      + "']");
          await("proposal " + proposal + " listed as pending", PAGE_TIMEOUT, d -> present(entry));
          WebElement li = driver.findElement(entry);
          return new Pending(
              li.getText().trim(), !li.findElements(By.cssSelector("button.approve")).isEmpty());
        });
  }

  /**
   * Runs verification of {@code channel}, waits (≤120 s) for the progress bar to complete and the
   * result to be OK with blocksVerified >= 1; screenshot "04-verify.png". Returns the result text.
   */
  String verify(String channel) {
    return step(
        "verify",
        () -> {
          navigate("verify");
          By option = By.cssSelector("#verify-channel option[value='" + cssString(channel) + "']");
          await("channel " + channel + " to choose", PAGE_TIMEOUT, d -> present(option));
          await(
              "the verify button",
              PAGE_TIMEOUT,
              d -> driver.findElement(By.id("verify-start")).isEnabled());
          new Select(driver.findElement(By.id("verify-channel"))).selectByValue(channel);
          driver.findElement(By.id("verify-start")).click();
          await(
              "verification of " + channel + " to finish",
              Duration.ofSeconds(120),
              d -> {
                failOnError();
                return driver.findElement(By.id("verify-result")).isDisplayed()
                    && (Boolean)
                        script(
                            "const p = document.getElementById('verify-progress');"
                                + " return p.value >= p.max;");
              },
              () -> "progress: " + text(By.id("verify-status")));
          WebElement result = driver.findElement(By.id("verify-result"));
          String text = result.getText().trim();
          assertThat(result.getAttribute("class")).as(text).contains("ok");
          Matcher verified = VERIFIED.matcher(text);
          assertThat(verified.lookingAt()).as(text).isTrue();
          assertThat(Long.parseLong(verified.group(1))).as(text).isGreaterThanOrEqualTo(1);
          screenshot("04-verify.png");
          return text;
        });
  }

  /**
   * Requests page shows the open request {@code requestId} (admin: grant and deny buttons present);
   * denies nothing. screenshot "05-requests.png".
   */
  void checkOpenRequest(String requestId) {
    step(
        "requests",
        () -> {
          navigate("requests");
          By row =
              By.cssSelector("#requests tbody tr[data-request='" + cssString(requestId) + "']");
          // A request reaches the provider through consensus: look again now and then.
          await(
              "open request " + requestId,
              Duration.ofSeconds(30),
              Duration.ofSeconds(2),
              d -> {
                failOnError();
                if (present(row)) {
                  return true;
                }
                if (!text(By.id("requests-count")).isEmpty()) {
                  driver.findElement(By.id("requests-refresh")).click();
                }
                return false;
              },
              () -> "requests shown: " + rows("#requests tbody tr[data-request]", "request"));
          WebElement found = driver.findElement(row);
          boolean readOnly = driver.findElement(By.id("read-only-note")).isDisplayed();
          if (readOnly) {
            assertThat(found.findElements(By.cssSelector("button"))).isEmpty();
          } else {
            assertThat(found.findElement(By.cssSelector("button.grant")).isEnabled()).isTrue();
            assertThat(found.findElement(By.cssSelector("button.deny")).isEnabled()).isTrue();
          }
          screenshot("05-requests.png");
          return null;
        });
  }

  /**
   * Grants the open request {@code requestId} from the requests page as an admin acting for the
   * provider: clicks its Grant button, waits (≤90 s: the grant is committed by consensus before the
   * API answers) for the console's notice naming the request and for its row to leave the open
   * requests; screenshot "05b-granted.png". Returns the notice.
   */
  String grant(String requestId) {
    return step(
        "grant",
        () -> {
          By row =
              By.cssSelector("#requests tbody tr[data-request='" + cssString(requestId) + "']");
          driver.findElement(row).findElement(By.cssSelector("button.grant")).click();
          await(
              "the grant of " + requestId,
              Duration.ofSeconds(90),
              d -> {
                failOnError();
                return text(By.id("notice")).contains("Granted request " + requestId)
                    && !present(row);
              });
          screenshot("05b-granted.png");
          return text(By.id("notice"));
        });
  }

  /**
   * Audit page: searches {@code channel} by recordId, asserts a row with kind {@code kind} and
   * institution {@code institution} exists; asserts the CSV link's href ends with format=csv;
   * screenshot "06-audit.png". Returns number of rows.
   */
  int findAccess(String channel, String recordId, String kind, String institution) {
    return step(
        "audit",
        () -> {
          navigate("audit");
          List<Map<String, Object>> rows = new ArrayList<>();
          // The access may still be on its way into the chain: search again until it is there.
          await(
              "a " + kind + " event by " + institution + " on " + recordId,
              Duration.ofSeconds(30),
              Duration.ofSeconds(2),
              d -> {
                rows.clear();
                rows.addAll(searchAudit(channel, "", recordId));
                return rows.stream()
                    .anyMatch(
                        r ->
                            kind.equals(r.get("td.kind .kind-text"))
                                && institution.equals(r.get("td.institution")));
              },
              () -> "events shown: " + rows);
          assertThat(rows).extracting(r -> r.get("td.record")).containsOnly(recordId);
          assertThat(rows)
              .filteredOn(r -> "break-glass".equals(r.get("td.kind .kind-text")))
              .allSatisfy(r -> assertThat((String) r.get("td.kind")).contains("BREAK-GLASS"));
          assertThat(text(By.id("audit-count"))).startsWith(rows.size() + " event");
          WebElement csv = driver.findElement(By.id("audit-csv"));
          assertThat(csv.isDisplayed()).isTrue();
          assertThat(csv.getAttribute("href")).contains("recordId=").endsWith("format=csv");
          assertThat(csv.getAttribute("download")).isEqualTo("audit-" + channel + ".csv");
          screenshot("06-audit.png");
          return rows.size();
        });
  }

  /** Audit search by patient pseudonym shows only rows with that pseudonym (>=1). */
  void findByPatient(String channel, String pseudonym) {
    step(
        "audit-patient",
        () -> {
          navigate("audit");
          List<Map<String, Object>> rows = new ArrayList<>();
          await(
              "events of patient " + pseudonym,
              Duration.ofSeconds(30),
              Duration.ofSeconds(2),
              d -> {
                rows.clear();
                rows.addAll(searchAudit(channel, pseudonym, ""));
                return !rows.isEmpty();
              },
              () -> "events shown: " + rows);
          assertThat(rows).extracting(r -> r.get("td.patient")).containsOnly(pseudonym);
          screenshot("06b-audit-patient.png");
          return null;
        });
  }

  /** Signs out (button), asserts the login page is shown; screenshot "07-signed-out.png". */
  void signOut() {
    step(
        "sign-out",
        () -> {
          driver.findElement(By.id("logout")).click();
          await("the sign-in page", PAGE_TIMEOUT, d -> onPage("login"));
          assertThat(driver.getCurrentUrl()).doesNotContain("error=");
          assertThat(driver.findElement(By.id("login-error")).isDisplayed()).isFalse();
          assertThat(driver.findElement(By.id("login-form")).isDisplayed()).isTrue();
          screenshot("07-signed-out.png");
          // The session is gone: a console page sends the browser back to sign in.
          driver.get(base + "index.html");
          await("the expired-session sign-in page", PAGE_TIMEOUT, d -> onPage("login"));
          assertThat(driver.getCurrentUrl()).contains("error=expired");
          return null;
        });
  }

  /**
   * Tries to sign in as a user without admin/auditor; asserts the role refusal message and that
   * /careledger/console/session now answers 401 (navigate to index.html and assert redirect to
   * login); screenshot "08-refused.png".
   */
  void refusedAs(String consoleUrl, String user, String password) {
    step(
        "refused",
        () -> {
          useConsole(consoleUrl);
          driver.manage().deleteAllCookies();
          signIn(user, password);
          await(
              "the role refusal", PAGE_TIMEOUT, d -> onPage("login") && loginError().isDisplayed());
          assertThat(driver.getCurrentUrl()).contains("error=role");
          assertThat(loginError().getText().trim()).isEqualTo(ROLE_REFUSED);
          screenshot("08-refused.png");
          Object status =
              ((JavascriptExecutor) driver)
                  .executeAsyncScript(
                      "const done = arguments[arguments.length - 1];"
                          + " fetch(arguments[0], {credentials: 'same-origin',"
                          + " headers: {'Accept': 'application/json'}})"
                          + ".then(r => done(r.status), e => done(String(e)));",
                      base + "session");
          assertThat(status).as("GET %ssession", base).isEqualTo(401L);
          driver.get(base + "index.html");
          await("the sign-in page again", PAGE_TIMEOUT, d -> onPage("login"));
          assertThat(driver.getCurrentUrl()).contains("error=expired");
          return null;
        });
  }

  /**
   * Signs in as an auditor: requests page shows the read-only note and no grant/deny buttons;
   * screenshot "09-auditor-requests.png".
   */
  void auditorIsReadOnly(String consoleUrl, String user, String password) {
    step(
        "auditor",
        () -> {
          useConsole(consoleUrl);
          driver.manage().deleteAllCookies();
          signIn(user, password);
          await("the node page", PAGE_TIMEOUT, d -> onPage("node"));
          assertThat(text(By.id("whoami"))).contains(user).contains("auditor");
          navigate("requests");
          await("the requests", PAGE_TIMEOUT, d -> !text(By.id("requests-count")).isEmpty());
          WebElement note = driver.findElement(By.id("read-only-note"));
          assertThat(note.isDisplayed()).isTrue();
          assertThat(note.getText()).contains("read-only view");
          assertThat(driver.findElements(By.cssSelector("#requests button"))).isEmpty();
          assertThat(driver.findElements(By.cssSelector("#requests th.actions"))).isEmpty();
          screenshot("09-auditor-requests.png");
          return null;
        });
  }

  /** Quits the browser and chromedriver; nothing of theirs survives. */
  @Override
  public void close() {
    try {
      driver.quit();
    } catch (WebDriverException e) {
      System.out.println("[ConsoleBrowser] quit: " + e.getMessage());
    } finally {
      stopEverything();
    }
  }

  // --- Steps ---------------------------------------------------------------------------------

  /** Runs one step; on failure saves failure-STEP.png and failure-STEP.html, then rethrows. */
  private <T> T step(String name, Supplier<T> body) {
    try {
      T result = body.get();
      checkConsole(name);
      return result;
    } catch (RuntimeException | AssertionError e) {
      try {
        saveFailure(name);
      } catch (RuntimeException | IOException saving) {
        e.addSuppressed(saving);
      }
      throw e;
    }
  }

  private void saveFailure(String step) throws IOException {
    Files.writeString(
        screenshots.resolve("failure-" + step + ".html"),
        "<!-- " + driver.getCurrentUrl() + " -->\n" + driver.getPageSource(),
        StandardCharsets.UTF_8);
    screenshot("failure-" + step + ".png");
    for (String line : browserConsole()) {
      System.out.println("[ConsoleBrowser] " + step + " console: " + line);
    }
  }

  /**
   * Fails on uncaught script errors and Content-Security-Policy violations the browser logged
   * (failed loads, e.g. an expected 401, are only printed).
   */
  private void checkConsole(String step) {
    List<String> problems = new ArrayList<>();
    for (String line : browserConsole()) {
      System.out.println("[ConsoleBrowser] " + step + " console: " + line);
      if (line.contains("Uncaught")
          || line.contains("Content Security Policy")
          || line.contains("Refused to")) {
        problems.add(line);
      }
    }
    assertThat(problems).as("script errors and CSP violations in %s", step).isEmpty();
  }

  private List<String> browserConsole() {
    try {
      List<String> lines = new ArrayList<>();
      for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
        if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
          lines.add(entry.getLevel() + " " + entry.getMessage());
        }
      }
      return lines;
    } catch (WebDriverException | UnsupportedOperationException e) {
      return List.of("(browser log not available: " + e.getMessage() + ")");
    }
  }

  // --- Console navigation ----------------------------------------------------------------------

  private void useConsole(String consoleUrl) {
    base = consoleUrl.endsWith("/") ? consoleUrl : consoleUrl + "/";
  }

  /** Fills and submits the sign-in form; returns when a console page or a refusal is shown. */
  private void signIn(String user, String password) {
    driver.get(base + "login.html");
    await("the sign-in form", PAGE_TIMEOUT, d -> present(By.id("login-form")));
    WebElement name = driver.findElement(By.id("username"));
    name.clear();
    name.sendKeys(user);
    WebElement secret = driver.findElement(By.id("password"));
    secret.clear();
    secret.sendKeys(password);
    String before = driver.getCurrentUrl();
    driver.findElement(By.id("login-submit")).click();
    await(
        "the answer to signing in as " + user,
        PAGE_TIMEOUT,
        d ->
            (!onPage("login") && !text(By.id("whoami")).isEmpty())
                || (onPage("login")
                    && !driver.getCurrentUrl().equals(before)
                    && loginError().isDisplayed()));
  }

  /** Follows a header link, as a person would, and waits for the page to know its session. */
  private void navigate(String page) {
    driver.findElement(By.id("nav-" + page)).click();
    await("the " + page + " page", PAGE_TIMEOUT, d -> onPage(page));
  }

  /** Whether {@code page} (data-page) is shown and, but for login, has loaded its session. */
  private boolean onPage(String page) {
    Object shown =
        script(
            "return document.readyState === 'complete' && document.body"
                + " && document.body.dataset.page === arguments[0]"
                + " && (arguments[0] === 'login' || !document.body.classList.contains('pending'));",
            page);
    return Boolean.TRUE.equals(shown);
  }

  /** Runs one audit search and returns the table's rows once the answer is shown. */
  private List<Map<String, Object>> searchAudit(String channel, String patient, String recordId) {
    By option = By.cssSelector("#audit-channel option[value='" + cssString(channel) + "']");
    await("channel " + channel + " to search", PAGE_TIMEOUT, d -> present(option));
    await(
        "the search button",
        PAGE_TIMEOUT,
        d -> driver.findElement(By.id("audit-search")).isEnabled());
    new Select(driver.findElement(By.id("audit-channel"))).selectByValue(channel);
    type(By.id("audit-patient"), patient);
    type(By.id("audit-record"), recordId);
    type(By.id("audit-institution"), "");
    type(By.id("audit-from"), "");
    type(By.id("audit-to"), "");
    // Forget the last count so that the next one shown is this search's answer.
    script("document.getElementById('audit-count').textContent = '';");
    driver.findElement(By.id("audit-search")).click();
    await(
        "the audit answer",
        PAGE_TIMEOUT,
        d -> {
          failOnError();
          return !text(By.id("audit-count")).isEmpty();
        });
    return rows(
        "#audit-table tbody tr[data-tx]",
        "tx",
        "td.kind",
        "td.kind .kind-text",
        "td.record",
        "td.patient",
        "td.institution");
  }

  // --- Page reading ----------------------------------------------------------------------------

  /**
   * The rows matching {@code rowCss}, read in one script (the pages rebuild their tables while they
   * refresh): the row's {@code data-KEY} as {@code KEY}, the trimmed text of each {@code cellCss}
   * under its selector, and whether the row has class warn.
   */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> rows(String rowCss, String dataKey, String... cellCss) {
    Object read =
        script(
            "const [rowCss, key, cells] = arguments;"
                + " return [...document.querySelectorAll(rowCss)].map(row => {"
                + "   const out = {[key]: row.dataset[key], warn: row.classList.contains('warn')};"
                + "   for (const css of cells) {"
                + "     const cell = row.querySelector(css);"
                + "     out[css] = cell ? cell.textContent.replace(/\\s+/g, ' ').trim() : null;"
                + "   }"
                + "   return out;"
                + " });",
            rowCss,
            dataKey,
            List.of(cellCss));
    return (List<Map<String, Object>>) read;
  }

  /** Pixels of the canvas that are not transparent (0 until the chart is drawn). */
  private long paintedPixels(String canvasCss) {
    Object count =
        script(
            "const c = document.querySelector(arguments[0]);"
                + " if (!c || !c.dataset.drawn || !c.width || !c.height) return 0;"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;"
                + " return n;",
            canvasCss);
    return ((Number) count).longValue();
  }

  private String text(By by) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? "" : found.get(0).getText().trim();
  }

  private boolean present(By by) {
    return !driver.findElements(by).isEmpty();
  }

  private WebElement loginError() {
    return driver.findElement(By.id("login-error"));
  }

  private void type(By by, String value) {
    WebElement input = driver.findElement(by);
    input.clear();
    if (!value.isEmpty()) {
      input.sendKeys(value);
    }
  }

  /** Stops a wait at once when the page shows an API error (role=alert). */
  private void failOnError() {
    String error = text(By.id("error"));
    if (!error.isEmpty() && driver.findElement(By.id("error")).isDisplayed()) {
      throw new AssertionError("the console shows an error: " + error);
    }
  }

  private Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static String cssString(String value) {
    return value.replace("\\", "\\\\").replace("'", "\\'");
  }

  private void await(String what, Duration timeout, Function<WebDriver, Boolean> condition) {
    await(what, timeout, condition, () -> "");
  }

  private void await(
      String what,
      Duration timeout,
      Function<WebDriver, Boolean> condition,
      Supplier<String> state) {
    await(what, timeout, POLL, condition, state);
  }

  /**
   * Waits until {@code condition} holds, checking every {@code poll}; fails describing {@code
   * state}.
   */
  private void await(
      String what,
      Duration timeout,
      Duration poll,
      Function<WebDriver, Boolean> condition,
      Supplier<String> state) {
    new WebDriverWait(driver, timeout, poll)
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .withMessage(
            () -> {
              String error = text(By.id("error"));
              return "waiting for "
                  + what
                  + " at "
                  + driver.getCurrentUrl()
                  + (error.isEmpty() ? "" : "; the console shows: " + error)
                  + (state.get().isEmpty() ? "" : "; " + state.get());
            })
        .until(condition);
  }

  private void screenshot(String name) {
    try {
      Files.write(screenshots.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- Browser set-up and tear-down ------------------------------------------------------------

  /** Runs ensure-chromium.sh (installs Debian's chromium and chromium-driver when missing). */
  private static void ensureChromium() throws IOException {
    Path script =
        Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/scripts/ensure-chromium.sh")
            .toAbsolutePath();
    Process process =
        new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output;
    try (var in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!process.waitFor(20, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("ensure-chromium.sh did not finish:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while installing Chromium", e);
    }
    for (String line : output.strip().split("\n")) {
      System.out.println("[ConsoleBrowser] " + line);
    }
    assertThat(process.exitValue()).as("ensure-chromium.sh failed:%n%s", output).isZero();
    assertThat(CHROMIUM).isExecutable();
    assertThat(CHROMEDRIVER).isExecutable();
  }

  /** A free port from the ephemeral range, well away from the WildFly nodes' port offsets. */
  private static int ephemeralPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops chromedriver, kills any browser process still using this profile (ours alone: the
   * directory is new), and deletes the profile.
   */
  private void stopEverything() {
    try {
      service.stop();
    } finally {
      String marker = "--user-data-dir=" + profile;
      ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.out.println("[ConsoleBrowser] could not delete " + root + ": " + e.getMessage());
    }
  }
}
