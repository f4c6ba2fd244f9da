package org.careledger.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for ledger appends through a running node: concurrent clients submit register
 * transactions over {@code POST /api/v1/channels/{channel}/transactions}; each call returns only
 * once its block is committed to the node's database (signed, Merkle tree head, hash-linked,
 * durable), so acknowledged calls per second are committed transactions per second into the
 * database. It reports throughput and the median and 99th percentile of submit-to-commit latency. A
 * warm-up phase runs first and is not counted (the JIT and the connection pools must be warm).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.careledger.benchmarks.LedgerAppendLoad \
 *     --api https://127.0.0.1:8443/careledger/api/v1 --user ops --password-env OPS_PASSWORD \
 *     [--channel bench] [--clients 8] [--batch 1] [--warmup 15] [--seconds 30]
 * </pre>
 *
 * <p>{@code --batch N} (N &gt; 1) has each client send N transactions per request to {@code POST
 * /api/v1/channels/{channel}/transaction-batches}, which answers once all N are committed on the
 * node; each of the N counts as committed, with the request's time as its submit-to-commit latency
 * (an upper bound: some of them commit earlier).
 *
 * <p>{@code --api} takes a comma-separated list: client i submits to node i mod n, so the load of a
 * federated channel can be spread over all its members ({@code --channel care-bft --no-create});
 * every node then must know the user and password.
 *
 * <p>The node's TLS certificate is self-issued, so this tool trusts any server certificate: it is a
 * benchmark client for a node on this machine, never something to point at a real network.
 */
public final class LedgerAppendLoad {

  private LedgerAppendLoad() {}

  public static void main(String[] args) throws Exception {
    // The node's certificate names the institution, not 127.0.0.1 (see the class comment).
    System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    String api = option(args, "--api", "https://127.0.0.1:8443/careledger/api/v1");
    String user = option(args, "--user", "ops");
    String password = System.getenv(option(args, "--password-env", "OPS_PASSWORD"));
    if (password == null) {
      System.err.println("set the password in the environment variable named by --password-env");
      System.exit(2);
    }
    String channel =
        option(args, "--channel", "bench-" + Long.toHexString(System.currentTimeMillis()));
    int clients = Integer.parseInt(option(args, "--clients", "8"));
    int batch = Integer.parseInt(option(args, "--batch", "1"));
    int warmup = Integer.parseInt(option(args, "--warmup", "15"));
    int seconds = Integer.parseInt(option(args, "--seconds", "30"));

    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.valueOf(System.getProperty("http.version", "HTTP_2")))
            .sslContext(TrustAnyServer.context())
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newFixedThreadPool(clients))
            .build();
    String[] apis = api.split(",");
    if (!List.of(args).contains("--no-create")) {
      HttpResponse<String> created =
          http.send(
              post(apis[0] + "/channels", auth, "{\"channel\":\"" + channel + "\"}"),
              HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 201 && created.statusCode() != 409) {
        throw new IllegalStateException(
            "cannot create channel "
                + channel
                + ": "
                + created.statusCode()
                + " "
                + created.body());
      }
    }
    String[] targets = new String[apis.length];
    for (int i = 0; i < apis.length; i++) {
      targets[i] =
          apis[i] + "/channels/" + channel + (batch > 1 ? "/transaction-batches" : "/transactions");
    }
    System.out.printf(
        Locale.ROOT,
        "channel %s, %d clients, %d transactions per request, %d s warm-up, %d s measured%n",
        channel,
        clients,
        batch,
        warmup,
        seconds);
    run(http, targets, auth, clients, batch, warmup, "warm-up");
    Result result = run(http, targets, auth, clients, batch, seconds, "measured");
    System.out.printf(
        Locale.ROOT,
        "committed %d transactions in %.1f s: %.0f tx/s; latency p50 %.1f ms, p99 %.1f ms;"
            + " %d failed%n",
        result.ok,
        result.seconds,
        result.ok / result.seconds,
        result.p50,
        result.p99,
        result.failed);
    System.exit(0);
  }

  private record Result(long ok, long failed, double seconds, double p50, double p99) {}

  private static Result run(
      HttpClient http,
      String[] targets,
      String auth,
      int clients,
      int batch,
      int seconds,
      String phase)
      throws Exception {
    AtomicLong failed = new AtomicLong();
    AtomicLong counter = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[]>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      String target = targets[c % targets.length];
      futures.add(
          pool.submit(
              () -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                SecureRandom random = new SecureRandom();
                while (System.nanoTime() < end) {
                  String body;
                  if (batch == 1) {
                    body = registerBody(random, counter.incrementAndGet());
                  } else {
                    StringBuilder entries = new StringBuilder("{\"transactions\":[");
                    for (int i = 0; i < batch; i++) {
                      entries
                          .append(i == 0 ? "" : ",")
                          .append(registerBody(random, counter.incrementAndGet()));
                    }
                    body = entries.append("]}").toString();
                  }
                  long t0 = System.nanoTime();
                  HttpResponse<String> response;
                  try {
                    response =
                        http.send(post(target, auth, body), HttpResponse.BodyHandlers.ofString());
                  } catch (java.io.IOException e) {
                    // A timed-out or refused call counts as failed; the run goes on.
                    if (failed.incrementAndGet() <= 3) {
                      System.err.println(phase + ": " + e);
                    }
                    continue;
                  }
                  long t1 = System.nanoTime();
                  if (response.statusCode() / 100 != 2) {
                    if (failed.incrementAndGet() <= 3) {
                      System.err.println(
                          phase + ": " + response.statusCode() + " " + response.body());
                    }
                    continue;
                  }
                  for (int i = 0; i < batch; i++) {
                    if (n == latencies.length) {
                      latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = t1 - t0;
                  }
                }
                return Arrays.copyOf(latencies, n);
              }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<long[]> future : futures) {
      for (long latency : future.get()) {
        all.add(latency);
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    all.sort(null);
    double p50 = all.isEmpty() ? 0 : all.get(all.size() / 2) / 1e6;
    double p99 = all.isEmpty() ? 0 : all.get(Math.min(all.size() - 1, all.size() * 99 / 100)) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "%s: %d ok, %d failed, %.0f tx/s%n",
        phase,
        all.size(),
        failed.get(),
        all.size() / elapsed);
    return new Result(all.size(), failed.get(), elapsed, p50, p99);
  }

  /** A register transaction for a synthetic record: random hashes, no patient data at all. */
  private static String registerBody(SecureRandom random, long sequence) {
    byte[] content = new byte[32];
    byte[] pseudonym = new byte[32];
    random.nextBytes(content);
    random.nextBytes(pseudonym);
    HexFormat hex = HexFormat.of();
    return "{\"type\":\"register\",\"body\":{\"recordId\":\"bench-"
        + sequence
        + "-"
        + hex.formatHex(content, 0, 4)
        + "\",\"version\":1,\"contentHash\":\""
        + hex.formatHex(content)
        + "\",\"size\":1024,\"mediaType\":\"application/pdf\",\"documentClass\":\"11502-2\","
        + "\"patient\":\""
        + hex.formatHex(pseudonym)
        + "\"}}";
  }

  private static HttpRequest post(String url, String auth, String json) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(
            Duration.ofSeconds(40)) // beyond the server's default 30 s wait: its 504 comes first
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
