package org.careledger.benchmarks.mixed;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options of {@code MixedLoad}: {@code --name value} pairs (see its Javadoc). Either a run
 * ({@code --report} absent) or a report of an earlier run's directory.
 */
public record LoadOptions(
    List<String> nodes,
    String channel,
    double rate,
    int durationSeconds,
    int warmupSeconds,
    Mix mix,
    int size,
    String user,
    String passwordEnv,
    Path out,
    Path faults,
    Path report,
    List<String> honest,
    int maxInFlight,
    long settleMillis,
    int patients,
    String policy,
    int proofs,
    boolean skipChecks,
    Path untilFile) {

  /** The local federation's four nodes ({@code server-config/federation.sh up}). */
  public static final List<String> LOCAL_FEDERATION =
      List.of(
          "https://127.0.0.1:9443/careledger/api/v1",
          "https://127.0.0.1:9543/careledger/api/v1",
          "https://127.0.0.1:9643/careledger/api/v1",
          "https://127.0.0.1:9743/careledger/api/v1");

  /** {@code --proofs all}: every acknowledged transaction's proof at every checked node. */
  public static final int ALL_PROOFS = -1;

  private static final Set<String> NAMES =
      Set.of(
          "--nodes",
          "--channel",
          "--rate",
          "--duration",
          "--warmup",
          "--mix",
          "--size",
          "--user",
          "--password-env",
          "--out",
          "--faults",
          "--report",
          "--nodes-honest",
          "--max-in-flight",
          "--settle-ms",
          "--patients",
          "--policy",
          "--proofs",
          "--until-file");

  private static final Set<String> FLAGS = Set.of("--skip-checks");

  public static LoadOptions parse(String[] args) {
    Map<String, String> given = new TreeMap<>();
    boolean skipChecks = false;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (FLAGS.contains(name)) {
        skipChecks = true;
        continue;
      }
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      if (given.put(name, args[++i]) != null) {
        throw new IllegalArgumentException(name + " given twice");
      }
    }
    List<String> nodes =
        given.containsKey("--nodes") ? list(given.get("--nodes")) : LOCAL_FEDERATION;
    for (String node : nodes) {
      if (!node.startsWith("https://") && !node.startsWith("http://")) {
        throw new IllegalArgumentException("node " + node + " is not an http(s) URL");
      }
    }
    if (nodes.size() < 2) {
      throw new IllegalArgumentException("--nodes needs at least two nodes");
    }
    if (nodes.stream().distinct().count() != nodes.size()) {
      throw new IllegalArgumentException("--nodes names a node twice");
    }
    double rate = number(given, "--rate", "10", 0.01, 10_000);
    int duration = (int) number(given, "--duration", "60", 1, 7 * 24 * 3600);
    int warmup = (int) number(given, "--warmup", "10", 0, 24 * 3600);
    int size = (int) number(given, "--size", "2048", 1, 64 << 20);
    int maxInFlight = (int) number(given, "--max-in-flight", "64", 1, 4096);
    long settle = (long) number(given, "--settle-ms", "500", 0, 600_000);
    int patients = (int) number(given, "--patients", "50", 1, 1_000_000);
    String proofsText = given.getOrDefault("--proofs", "20");
    int proofs =
        proofsText.equals("all")
            ? ALL_PROOFS
            : (int) number(Map.of("--proofs", proofsText), "--proofs", "20", 0, 1_000_000);
    Path out =
        given.containsKey("--out")
            ? Path.of(given.get("--out"))
            : Path.of(
                "target",
                "mixed-load-"
                    + LocalDateTime.now(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    return new LoadOptions(
        List.copyOf(nodes),
        given.getOrDefault("--channel", "care-bft"),
        rate,
        duration,
        warmup,
        Mix.parse(given.getOrDefault("--mix", "register=40,request=20,grant=20,retrieve=20")),
        size,
        given.getOrDefault("--user", "load"),
        given.getOrDefault("--password-env", "LOAD_PASSWORD"),
        out,
        given.containsKey("--faults") ? Path.of(given.get("--faults")) : null,
        given.containsKey("--report") ? Path.of(given.get("--report")) : null,
        given.containsKey("--nodes-honest") ? list(given.get("--nodes-honest")) : null,
        maxInFlight,
        settle,
        patients,
        given.get("--policy"),
        proofs,
        skipChecks,
        given.containsKey("--until-file") ? Path.of(given.get("--until-file")) : null);
  }

  /** Whether this is a report of an earlier run rather than a run. */
  public boolean reportOnly() {
    return report != null;
  }

  private static List<String> list(String text) {
    List<String> items = new ArrayList<>();
    Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
    return items;
  }

  private static double number(
      Map<String, String> given, String name, String fallback, double min, double max) {
    String text = given.getOrDefault(name, fallback);
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is a number, not '" + text + "'");
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(name + " is " + min + " to " + max);
    }
    return value;
  }
}
