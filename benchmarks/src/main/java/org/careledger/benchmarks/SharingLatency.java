package org.careledger.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sharing latency across two members of a running federation, step by step, as a clinician would
 * see it: the provider registers a document (streamed upload, encrypted into its store, committed
 * on the channel), the data user's node requests it, the provider grants it, and the user's node
 * retrieves it (fetched across the JMS bridges, checked against the chain, decrypted, streamed) —
 * and, with {@code --single-node}, a document uploaded to and downloaded from one node (MiB/s).
 * Every retrieved byte is checked (SHA-256 against the uploaded stream's); the documents are
 * generated as they are sent, so no size needs the client's memory. Warm-up rounds run first and
 * are not counted; medians are quoted, as this machine is noisy.
 *
 * <pre>
 * OPS_PASSWORD=… java -cp benchmarks/target/benchmarks.jar org.careledger.benchmarks.SharingLatency \
 *     --provider https://127.0.0.1:9443/careledger/api/v1 --user-node https://127.0.0.1:9543/careledger/api/v1 \
 *     [--channel care-bft] [--sizes 10240,104857600] [--warmup 2] [--runs 5]
 *     [--single-node 1073741824]
 * </pre>
 *
 * The same user (roles admin and clinician) must exist on both nodes. The nodes' TLS certificates
 * are self-issued, so this tool trusts any server certificate: a benchmark client for nodes on this
 * machine, never something to point at a real network.
 */
public final class SharingLatency {

  private static final Pattern FIELD =
      Pattern.compile("\"(requestId|txId|code)\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient client;
  private final String auth;
  private final String provider;
  private final String userNode;
  private final String channel;

  private SharingLatency(String provider, String userNode, String channel, String auth)
      throws Exception {
    this.provider = provider;
    this.userNode = userNode;
    this.channel = channel;
    this.auth = auth;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(TrustAnyServer.context())
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    String user = option(args, "--user", "ops");
    String password = System.getenv(option(args, "--password-env", "OPS_PASSWORD"));
    if (password == null) {
      System.err.println("set the password in the environment variable named by --password-env");
      System.exit(2);
    }
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    SharingLatency bench =
        new SharingLatency(
            option(args, "--provider", "https://127.0.0.1:9443/careledger/api/v1"),
            option(args, "--user-node", "https://127.0.0.1:9543/careledger/api/v1"),
            option(args, "--channel", "care-bft"),
            auth);
    int warmup = Integer.parseInt(option(args, "--warmup", "2"));
    int runs = Integer.parseInt(option(args, "--runs", "5"));
    String singleNode = option(args, "--single-node", "");
    if (!singleNode.isEmpty()) {
      bench.singleNode(Long.parseLong(singleNode), warmup, runs);
      return;
    }
    for (String size : option(args, "--sizes", "10240,104857600").split(",")) {
      bench.sharing(Long.parseLong(size.trim()), warmup, runs);
    }
  }

  /** Register → request → grant → retrieve, {@code runs} times after {@code warmup}. */
  private void sharing(long size, int warmup, int runs) throws Exception {
    Map<String, List<Double>> steps = new LinkedHashMap<>();
    for (String step : List.of("register", "request", "grant", "retrieve", "end to end")) {
      steps.put(step, new ArrayList<>());
    }
    for (int i = 0; i < warmup + runs; i++) {
      String recordId = "bench-" + UUID.randomUUID().toString().substring(0, 18);
      long seed = new SecureRandom().nextLong();
      long t0 = System.nanoTime();
      register(provider, recordId, size, seed);
      long t1 = System.nanoTime();
      String requestId = request(recordId);
      long t2 = System.nanoTime();
      grant(requestId);
      long t3 = System.nanoTime();
      String digest = retrieve(userNode, recordId);
      long t4 = System.nanoTime();
      if (!digest.equals(Generated.sha256(size, seed))) {
        throw new IllegalStateException("retrieved bytes of " + recordId + " differ");
      }
      if (i >= warmup) {
        steps.get("register").add(seconds(t0, t1));
        steps.get("request").add(seconds(t1, t2));
        steps.get("grant").add(seconds(t2, t3));
        steps.get("retrieve").add(seconds(t3, t4));
        steps.get("end to end").add(seconds(t0, t4));
      }
      System.out.printf(
          Locale.ROOT,
          "%s %d bytes: register %.2f s, request %.2f s, grant %.2f s, retrieve %.2f s%s%n",
          i < warmup ? "warm-up" : "run",
          size,
          seconds(t0, t1),
          seconds(t1, t2),
          seconds(t2, t3),
          seconds(t3, t4),
          i < warmup ? "" : "");
    }
    System.out.printf(
        Locale.ROOT,
        "%n| %d bytes, %d runs | median s | min s | max s |%n|---|---:|---:|---:|%n",
        size,
        runs);
    for (Map.Entry<String, List<Double>> step : steps.entrySet()) {
      List<Double> sorted = step.getValue().stream().sorted().toList();
      System.out.printf(
          Locale.ROOT,
          "| %s | %.3f | %.3f | %.3f |%n",
          step.getKey(),
          median(sorted),
          sorted.get(0),
          sorted.get(sorted.size() - 1));
    }
    double retrieveMedian = median(steps.get("retrieve").stream().sorted().toList());
    System.out.printf(
        Locale.ROOT, "retrieve: %.1f MiB/s (median)%n%n", size / 1048576.0 / retrieveMedian);
  }

  /** Upload to and download from the provider's node alone. */
  private void singleNode(long size, int warmup, int runs) throws Exception {
    List<Double> up = new ArrayList<>();
    List<Double> down = new ArrayList<>();
    for (int i = 0; i < warmup + runs; i++) {
      String recordId = "bench-" + UUID.randomUUID().toString().substring(0, 18);
      long seed = new SecureRandom().nextLong();
      long t0 = System.nanoTime();
      register(provider, recordId, size, seed);
      long t1 = System.nanoTime();
      String digest = retrieve(provider, recordId);
      long t2 = System.nanoTime();
      if (!digest.equals(Generated.sha256(size, seed))) {
        throw new IllegalStateException("downloaded bytes of " + recordId + " differ");
      }
      double mib = size / 1048576.0;
      System.out.printf(
          Locale.ROOT,
          "%s: upload %.1f MiB/s, download %.1f MiB/s%n",
          i < warmup ? "warm-up" : "run",
          mib / seconds(t0, t1),
          mib / seconds(t1, t2));
      if (i >= warmup) {
        up.add(mib / seconds(t0, t1));
        down.add(mib / seconds(t1, t2));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%n%d bytes, %d runs: upload median %.1f MiB/s, download median %.1f MiB/s%n",
        size,
        runs,
        median(up.stream().sorted().toList()),
        median(down.stream().sorted().toList()));
  }

  private void register(String node, String recordId, long size, long seed) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    node
                        + "/channels/"
                        + channel
                        + "/records?recordId="
                        + recordId
                        + "&documentClass=18842-5"))
            .timeout(Duration.ofMinutes(30))
            .header("Authorization", auth)
            .header("Content-Type", "application/octet-stream")
            .header("CareLedger-Patient-Id", "urn:oid:2.999.1|bench-" + (seed & 0xffff))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(size, seed)))
            .build();
    expect(client.send(request, HttpResponse.BodyHandlers.ofString()), 201, "register " + recordId);
  }

  /** The user's node asks; it retries until its chain holds the registration. */
  private String request(String recordId) throws Exception {
    String body = "{\"recordId\":\"" + recordId + "\",\"purpose\":\"TREAT\"}";
    while (true) {
      HttpResponse<String> response =
          client.send(
              post(userNode + "/channels/" + channel + "/requests", body),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 201) {
        return field(response.body(), "requestId");
      }
      retryOn(response, "CL-1172", "request " + recordId);
    }
  }

  /** The provider grants; it retries until its chain holds the request. */
  private void grant(String requestId) throws Exception {
    while (true) {
      HttpResponse<String> response =
          client.send(
              post(provider + "/channels/" + channel + "/requests/" + requestId + "/grant", "{}"),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return;
      }
      retryOn(response, "CL-1711", "grant " + requestId);
    }
  }

  /**
   * The user's node retrieves (retrying while its chain lacks the grant); returns the SHA-256 of
   * the bytes received.
   */
  private String retrieve(String node, String recordId) throws Exception {
    while (true) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(node + "/channels/" + channel + "/records/" + recordId + "/content"))
              .timeout(Duration.ofMinutes(30))
              .header("Authorization", auth)
              .GET()
              .build();
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() == 200) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = response.body()) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
          }
        }
        return HexFormat.of().formatHex(sha.digest());
      }
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      // 403 CL-1710 while the grant has not reached the user's node yet (each refusal is logged).
      if (!(response.statusCode() == 403 && body.contains("CL-1710"))) {
        throw new IllegalStateException(
            "retrieve " + recordId + ": " + response.statusCode() + " " + body);
      }
      Thread.sleep(50);
    }
  }

  private HttpRequest post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofMinutes(2))
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private static void retryOn(HttpResponse<String> response, String code, String what)
      throws InterruptedException {
    if (!response.body().contains(code)) {
      throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
    }
    Thread.sleep(20);
  }

  private static void expect(HttpResponse<String> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
    }
  }

  private static String field(String json, String name) {
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(2);
      }
    }
    throw new IllegalStateException("no " + name + " in " + json);
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  /**
   * A document of {@code size} pseudo-random bytes from a seed, generated as it is read, in fixed
   * 64 KiB blocks (so the bytes do not depend on how the reader sizes its reads, and generating
   * costs far less than sending).
   */
  static final class Generated extends InputStream {
    private static final int BLOCK = 1 << 16;
    private final long size;
    private final java.util.SplittableRandom random;
    private final byte[] block = new byte[BLOCK];
    private int blockPos = BLOCK;
    private long sent;

    Generated(long size, long seed) {
      this.size = size;
      this.random = new java.util.SplittableRandom(seed);
    }

    static String sha256(long size, long seed) throws Exception {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      try (Generated in = new Generated(size, seed)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (sent >= size) {
        return -1;
      }
      if (blockPos == BLOCK) {
        random.nextBytes(block);
        blockPos = 0;
      }
      int n = (int) Math.min(Math.min(len, size - sent), BLOCK - blockPos);
      System.arraycopy(block, blockPos, b, off, n);
      blockPos += n;
      sent += n;
      return n;
    }
  }
}
