package org.careledger.benchmarks.mixed;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of a mixed-load run, made from its {@code ops.jsonl} alone: {@code report.md} (the
 * run's parameters, counts per kind, throughput, latency percentiles, failures by code, corrupt
 * retrievals, the checks' results, the faults) and two charts, {@code throughput.png} and {@code
 * latency.png}, with the faults marked.
 *
 * <p>Counted are the operations scheduled in the measured window (after the warm-up), whenever they
 * ended; set-up and warm-up operations are left out of the tables but drawn on the charts (warm-up
 * shaded). Latency is from an operation's start to the end of its answer, of acknowledged
 * operations; percentiles are nearest-rank.
 */
public final class RunReport {

  public static final String REPORT = "report.md";
  public static final String THROUGHPUT = "throughput.png";
  public static final String LATENCY = "latency.png";

  /** Latency buckets of the latency chart, seconds. */
  static final int LATENCY_BUCKET = 5;

  private static final Color[] KIND_COLORS = {
    new Color(31, 119, 180),
    new Color(44, 160, 44),
    new Color(255, 127, 14),
    new Color(148, 103, 189)
  };

  private static final Map<String, String> MEANINGS =
      Map.ofEntries(
          Map.entry("CL-1172", "record or transaction not on this node's chain (yet)"),
          Map.entry("CL-1711", "request not on the provider's chain (yet)"),
          Map.entry("CL-1710", "no grant in force on the grantee's chain (yet)"),
          Map.entry("CL-1534", "not committed within the wait (stays pending)"),
          Map.entry("CL-1716", "the provider did not answer the retrieval in time"),
          Map.entry("CL-1717", "transfer refused or mismatched"),
          Map.entry("CL-1720", "grant refused by the channel's policy"),
          Map.entry("CL-1703", "record id already registered"),
          Map.entry("CL-1713", "request already decided"),
          Map.entry("CL-1719", "role not allowed"));

  /** A check's outcome as the run recorded it. */
  public record Check(String name, boolean pass, String detail) {}

  /** Counts and latencies of one kind (or one node). */
  static final class Tally {
    long scheduled;
    long dropped;
    long attempted;
    long acknowledged;
    final Map<String, Long> failures = new TreeMap<>();
    final Percentiles latency = new Percentiles();

    void add(OpRecord op) {
      scheduled++;
      if (op.dropped()) {
        dropped++;
        return;
      }
      attempted++;
      if (op.acknowledged()) {
        acknowledged++;
        latency.add(op.latencyMillis());
      } else {
        failures.merge(failureCode(op), 1L, Long::sum);
      }
    }

    long failed() {
      return attempted - acknowledged;
    }
  }

  /** What a run's ops.jsonl says, aggregated. */
  static final class Summary {
    Map<String, Object> run = Map.of();
    long t0 = Long.MAX_VALUE;
    long measuredFrom = Long.MIN_VALUE;
    long measuredTo = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    final EnumMap<OpKind, Tally> kinds = new EnumMap<>(OpKind.class);
    final Tally all = new Tally();
    final Map<String, Tally> nodes = new TreeMap<>();
    final EnumMap<OpKind, Long> replaced = new EnumMap<>(OpKind.class);
    final Percentiles startLag = new Percentiles();
    final Tally setup = new Tally();
    long warmupOps;
    String endLoadAverage;
    long corruptCount;
    final List<OpRecord> corrupt = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();
    final List<Fault> faults = new ArrayList<>();

    /** Acknowledged operations per second (by end time), per kind; failed; dropped. */
    final EnumMap<OpKind, Growing> ackPerSecond = new EnumMap<>(OpKind.class);

    final Growing failedPerSecond = new Growing();
    final Growing droppedPerSecond = new Growing();

    /** Latencies of acknowledged operations per 5-s bucket (by start time). */
    final List<Percentiles> latencyBuckets = new ArrayList<>();

    Summary() {
      for (OpKind kind : OpKind.DRAWN) {
        kinds.put(kind, new Tally());
        ackPerSecond.put(kind, new Growing());
      }
    }

    double measuredSeconds() {
      return (measuredTo - measuredFrom) / 1000.0;
    }
  }

  /** A growable array of doubles indexed by bucket. */
  static final class Growing {
    double[] values = new double[0];

    void add(int index, double amount) {
      if (index < 0) {
        return;
      }
      if (index >= values.length) {
        values = Arrays.copyOf(values, Math.max(index + 1, values.length * 2));
      }
      values[index] += amount;
    }

    double[] upTo(int length) {
      return Arrays.copyOf(values, length);
    }
  }

  private RunReport() {}

  /**
   * Writes {@code report.md}, {@code throughput.png} and {@code latency.png} into {@code dir} from
   * {@code dir/ops.jsonl}; {@code faults}, when not null, replaces the faults the log holds.
   *
   * @return the checks the log holds (empty if the run recorded none)
   */
  public static List<Check> write(Path dir, List<Fault> faults) throws IOException {
    Summary summary = summarize(dir.resolve(OpsLog.FILE));
    if (faults != null) {
      summary.faults.clear();
      summary.faults.addAll(faults);
    }
    writeCharts(summary, dir);
    Files.writeString(dir.resolve(REPORT), markdown(summary), StandardCharsets.UTF_8);
    return summary.checks;
  }

  static Summary summarize(Path opsLog) throws IOException {
    List<OpRecord> early = new ArrayList<>();
    Summary s = new Summary();
    // The run line comes after the set-up operations (it names the schedule's start): operations
    // read before it wait for it.
    OpsLog.read(
        opsLog,
        line -> {
          switch (String.valueOf(line.get("type"))) {
            case "run" -> {
              s.run = line;
              s.t0 = (Long) line.get("start");
              s.measuredFrom = (Long) line.get("measuredFrom");
              s.measuredTo = (Long) line.get("measuredTo");
            }
            case "op" -> {
              OpRecord op = OpRecord.fromMap(line);
              if (s.run.isEmpty()) {
                early.add(op);
              } else {
                add(s, op);
              }
            }
            case "check" ->
                s.checks.add(
                    new Check(
                        (String) line.get("name"),
                        Boolean.TRUE.equals(line.get("pass")),
                        (String) line.get("detail")));
            case "fault" ->
                s.faults.add(new Fault((Long) line.get("at"), (String) line.get("label")));
            case "end" -> {
              s.endLoadAverage = String.valueOf(line.get("loadAverage"));
              // A run extended past --duration (faults injected under load) says where it ended.
              if (line.get("measuredTo") instanceof Long to && !s.run.isEmpty()) {
                s.measuredTo = to;
                s.run = new java.util.LinkedHashMap<>(s.run);
                s.run.put("duration", Math.max(0, (to - s.measuredFrom) / 1000));
              }
            }
            default -> {}
          }
        });
    if (s.run.isEmpty()) {
      // A log without a run line: the window is what the measured operations span.
      long from = Long.MAX_VALUE;
      long to = Long.MIN_VALUE;
      for (OpRecord op : early) {
        if (!OpRecord.SETUP.equals(op.phase())) {
          s.t0 = Math.min(s.t0, op.scheduled());
        }
        if (OpRecord.MEASURED.equals(op.phase())) {
          from = Math.min(from, op.scheduled());
          to = Math.max(to, op.scheduled() + 1);
        }
      }
      s.measuredFrom = from == Long.MAX_VALUE ? s.t0 : from;
      s.measuredTo = to == Long.MIN_VALUE ? s.t0 : to;
    }
    early.forEach(op -> add(s, op));
    s.faults.sort(java.util.Comparator.comparingLong(Fault::at));
    return s;
  }

  private static void add(Summary s, OpRecord op) {
    if (op.corrupt()) {
      s.corruptCount++;
      if (s.corrupt.size() < 100) {
        s.corrupt.add(op);
      }
    }
    if (OpRecord.SETUP.equals(op.phase())) {
      s.setup.add(op);
      return;
    }
    s.lastEnd = Math.max(s.lastEnd, op.end());
    int second = (int) Math.floorDiv(op.end() - s.t0, 1000);
    if (op.dropped()) {
      s.droppedPerSecond.add(second, 1);
    } else if (op.acknowledged()) {
      s.ackPerSecond.get(op.kind()).add(second, 1);
      int bucket = (int) Math.floorDiv(op.start() - s.t0, LATENCY_BUCKET * 1000L);
      if (bucket >= 0) {
        while (s.latencyBuckets.size() <= bucket) {
          s.latencyBuckets.add(new Percentiles());
        }
        s.latencyBuckets.get(bucket).add(op.latencyMillis());
      }
    } else {
      s.failedPerSecond.add(second, 1);
    }
    if (!OpRecord.MEASURED.equals(op.phase())) {
      s.warmupOps++;
      return;
    }
    s.kinds.get(op.kind()).add(op);
    s.all.add(op);
    if (op.node() != null) {
      s.nodes.computeIfAbsent(op.node(), n -> new Tally()).add(op);
    }
    if (op.instead() != null) {
      s.replaced.merge(op.instead(), 1L, Long::sum);
    }
    if (!op.dropped()) {
      s.startLag.add(Math.max(0, op.start() - op.scheduled()));
    }
  }

  static String failureCode(OpRecord op) {
    if (op.code() != null) {
      return op.code();
    }
    return "HTTP " + op.status();
  }

  static void writeCharts(Summary s, Path dir) throws IOException {
    double xMax = Math.max(1, Math.ceil((s.lastEnd - s.t0) / 1000.0));
    int seconds = (int) xMax;
    double warmupEnd = (s.measuredFrom - s.t0) / 1000.0;
    String title = "Mixed load" + (s.run.isEmpty() ? "" : " on " + s.run.get("channel"));

    // A long run's seconds are averaged over wider buckets, so that a bar is at least 2 px wide.
    int width = Math.max(1, (int) Math.ceil(seconds / 550.0));
    TimeChart throughput =
        new TimeChart(
            title
                + ": acknowledged operations per second"
                + (width > 1 ? " (mean of each " + width + " s)" : ""),
            "operations / s",
            xMax,
            false,
            v -> String.format(Locale.ROOT, "%.0f", v));
    for (int i = 0; i < OpKind.DRAWN.length; i++) {
      OpKind kind = OpKind.DRAWN[i];
      throughput.stacked(
          new TimeChart.Series(
              kind.wire(),
              KIND_COLORS[i],
              width,
              mean(s.ackPerSecond.get(kind).upTo(seconds), width)));
    }
    throughput.line(
        new TimeChart.Series(
            "failed (not acknowledged)",
            new Color(120, 0, 0),
            width,
            mean(s.failedPerSecond.upTo(seconds), width)));
    throughput.line(
        new TimeChart.Series(
            "dropped by the generator",
            new Color(230, 160, 0),
            width,
            mean(s.droppedPerSecond.upTo(seconds), width)));

    double[] median = new double[s.latencyBuckets.size()];
    double[] p99 = new double[s.latencyBuckets.size()];
    for (int i = 0; i < median.length; i++) {
      Percentiles bucket = s.latencyBuckets.get(i);
      median[i] = bucket.size() == 0 ? Double.NaN : bucket.median();
      p99[i] = bucket.size() == 0 ? Double.NaN : bucket.percentile(99);
    }
    TimeChart latency =
        new TimeChart(
            title + ": latency of acknowledged operations per " + LATENCY_BUCKET + "-s bucket",
            "latency (log scale)",
            xMax,
            true,
            RunReport::millis);
    latency.line(new TimeChart.Series("median", new Color(31, 119, 180), LATENCY_BUCKET, median));
    latency.line(new TimeChart.Series("p99", new Color(214, 39, 40), LATENCY_BUCKET, p99));

    for (TimeChart chart : List.of(throughput, latency)) {
      if (warmupEnd > 0) {
        chart.shade(warmupEnd, "warm-up");
      }
      for (Fault f : s.faults) {
        chart.marker(new TimeChart.Marker((f.at() - s.t0) / 1000.0, f.label()));
      }
    }
    throughput.write(dir.resolve(THROUGHPUT));
    latency.write(dir.resolve(LATENCY));
  }

  /** The mean of each run of {@code width} values (the last run may be shorter). */
  static double[] mean(double[] values, int width) {
    if (width == 1) {
      return values;
    }
    double[] means = new double[(values.length + width - 1) / width];
    for (int i = 0; i < means.length; i++) {
      int from = i * width;
      int to = Math.min(values.length, from + width);
      double sum = 0;
      for (int k = from; k < to; k++) {
        sum += values[k];
      }
      means[i] = sum / (to - from);
    }
    return means;
  }

  static String millis(double ms) {
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%.0f s", ms / 1000);
    }
    return String.format(Locale.ROOT, "%.0f ms", ms);
  }

  static String markdown(Summary s) {
    StringBuilder md = new StringBuilder();
    Map<String, Object> run = s.run;
    md.append("# Mixed load")
        .append(run.isEmpty() ? "" : " on `" + run.get("channel") + "`, run " + run.get("runId"))
        .append("\n\n");
    if (run.isEmpty()) {
      md.append("The log has no run line (parameters unknown); the window is what its measured")
          .append(" operations span.\n\n");
    } else {
      md.append("| parameter | value |\n|---|---|\n");
      row(md, "started", utc(s.t0));
      row(md, "nodes", String.valueOf(run.get("nodeNames")));
      row(md, "checked (honest) nodes", String.valueOf(run.get("honest")));
      row(
          md,
          "rate",
          run.get("rate")
              + " operations/s, open loop (scheduled evenly whether or not earlier ones"
              + " finished)");
      row(md, "measured", run.get("duration") + " s after " + run.get("warmup") + " s of warm-up");
      row(md, "mix", String.valueOf(run.get("mix")));
      row(md, "document size", run.get("size") + " bytes of random data per record");
      row(
          md,
          "in flight at most",
          run.get("maxInFlight") + " (a slot not free within 1 s: dropped)");
      row(md, "settle", run.get("settleMillis") + " ms before a result is used by the next step");
      row(md, "patients", run.get("patients") + " synthetic ids");
      row(md, "sharing rules", String.valueOf(run.get("policy")));
      row(
          md,
          "generator",
          run.get("generator")
              + (s.endLoadAverage == null ? "" : ", " + s.endLoadAverage + " at the end"));
      md.append('\n');
    }

    md.append("## Checks\n\n");
    if (s.checks.isEmpty()) {
      md.append("No checks recorded (the run stopped before them, or they were skipped).\n\n");
    } else {
      for (Check c : s.checks) {
        md.append("- **")
            .append(c.pass() ? "PASS" : "FAIL")
            .append("** ")
            .append(c.name())
            .append(": ")
            .append(c.detail())
            .append('\n');
      }
      md.append('\n');
    }

    double seconds = s.measuredSeconds();
    md.append("## Operations\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Operations scheduled in the measured window (%.0f s); throughput is acknowledged"
                + " operations per second of that window; latency is start to end of the answer"
                + " of acknowledged operations, in ms (nearest-rank percentiles).%n%n",
            seconds));
    md.append(
        "| kind | scheduled | dropped by generator | attempted | acknowledged | failed |"
            + " throughput (ack/s) | median | p95 | p99 | max |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (OpKind kind : OpKind.DRAWN) {
      tallyRow(md, kind.wire(), s.kinds.get(kind), seconds);
    }
    tallyRow(md, "**all**", s.all, seconds);
    md.append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "Start lag (scheduled to started): median %d ms, p99 %d ms, max %d ms.%n",
            Math.max(0, s.startLag.median()),
            Math.max(0, s.startLag.percentile(99)),
            Math.max(0, s.startLag.max())));
    if (!s.replaced.isEmpty()) {
      md.append("Drawn but replaced by a register (their prerequisites were not there yet): ");
      List<String> parts = new ArrayList<>();
      s.replaced.forEach((kind, n) -> parts.add(kind.wire() + " " + n));
      md.append(String.join(", ", parts)).append(".\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "Not counted: %d warm-up operations; %d set-up operations (%d acknowledged).%n%n",
            s.warmupOps,
            s.setup.attempted,
            s.setup.acknowledged));

    md.append("### Per node\n\n| node | attempted | acknowledged | failed | median | p99 |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    s.nodes.forEach(
        (node, t) ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %s | %s |%n",
                    node,
                    t.attempted,
                    t.acknowledged,
                    t.failed(),
                    ms(t.latency.median()),
                    ms(t.latency.percentile(99)))));
    md.append('\n');

    md.append("### Failures by code\n\n");
    boolean any = false;
    StringBuilder table =
        new StringBuilder("| kind | code | count | meaning |\n|---|---|---:|---|\n");
    for (OpKind kind : OpKind.DRAWN) {
      for (Map.Entry<String, Long> e : s.kinds.get(kind).failures.entrySet()) {
        any = true;
        table.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %s |%n",
                kind.wire(),
                e.getKey(),
                e.getValue(),
                meaning(e.getKey())));
      }
    }
    md.append(any ? table.toString() : "None.\n").append('\n');

    md.append("### Corrupt retrievals\n\n");
    if (s.corruptCount == 0) {
      md.append("None: every acknowledged retrieval hashed to its registered document.\n\n");
    } else {
      md.append(
          s.corruptCount
              + " acknowledged retrievals returned bytes that do not hash to the registered"
              + " document (the worst failure)"
              + (s.corruptCount > s.corrupt.size() ? "; the first 100" : "")
              + ":\n\n| at | node | record | access tx |\n|---|---|---|---|\n");
      for (OpRecord op : s.corrupt) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s |%n",
                utc(op.start()),
                op.node(),
                op.recordId(),
                op.txId() == null ? "" : op.txId()));
      }
      md.append('\n');
    }

    md.append("## Over time\n\n");
    md.append("![throughput](" + THROUGHPUT + ")\n\n![latency](" + LATENCY + ")\n\n");
    md.append(
        "Throughput by the second an operation ended; latency by the "
            + LATENCY_BUCKET
            + "-s bucket it started in; the warm-up is shaded.\n\n");
    md.append("### Faults\n\n");
    if (s.faults.isEmpty()) {
      md.append("None marked.\n");
    } else {
      md.append("| at (s since the start) | time | fault |\n|---:|---|---|\n");
      for (Fault f : s.faults) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %.1f | %s | %s |%n",
                (f.at() - s.t0) / 1000.0,
                utc(f.at()),
                f.label().replace("|", "\\|")));
      }
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String name, String value) {
    md.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static void tallyRow(StringBuilder md, String name, Tally t, double seconds) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %d | %d | %.2f | %s | %s | %s | %s |%n",
            name,
            t.scheduled,
            t.dropped,
            t.attempted,
            t.acknowledged,
            t.failed(),
            seconds > 0 ? t.acknowledged / seconds : 0.0,
            ms(t.latency.median()),
            ms(t.latency.percentile(95)),
            ms(t.latency.percentile(99)),
            ms(t.latency.max())));
  }

  private static String ms(long value) {
    return value < 0 ? "–" : Long.toString(value);
  }

  private static String meaning(String code) {
    if (code.startsWith("IO:")) {
      return "no answer (connection refused, reset or timed out)";
    }
    if (code.equals("HTTP 401")) {
      return "not signed in (user missing on this node?)";
    }
    return MEANINGS.getOrDefault(code, "");
  }

  static String utc(long epochMillis) {
    if (epochMillis == Long.MAX_VALUE || epochMillis == Long.MIN_VALUE) {
      return "–";
    }
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT)
        .format(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
  }
}
