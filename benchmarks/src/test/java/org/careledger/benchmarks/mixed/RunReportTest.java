package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

  private static final long T0 = 1_765_000_000_000L;

  @TempDir Path dir;

  private static OpRecord op(
      OpKind kind, String phase, long at, long latency, String node, boolean ack, String code) {
    return new OpRecord(
        kind,
        phase,
        at,
        at + 2,
        at + 2 + latency,
        node,
        ack ? 201 : (code.startsWith("IO:") ? 0 : 403),
        ack ? null : code,
        ack ? Long.toHexString(at) : null,
        ack,
        false,
        false,
        "ml-x-" + at,
        null);
  }

  private void writeRun() throws Exception {
    try (OpsLog log = OpsLog.append(dir.resolve(OpsLog.FILE))) {
      // A set-up consent before the run line, as a run writes it.
      log.write(op(OpKind.CONSENT, OpRecord.SETUP, T0 - 500, 40, "clinic-b", true, null));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("type", "run");
      run.put("runId", "abc123");
      run.put("start", T0);
      run.put("measuredFrom", T0 + 10_000);
      run.put("measuredTo", T0 + 110_000);
      run.put("channel", "care-bft");
      run.put("nodeNames", List.of("hospital-a", "clinic-b"));
      run.put("honest", List.of("hospital-a", "clinic-b"));
      run.put("rate", "2");
      run.put("duration", 100L);
      run.put("warmup", 10L);
      log.write(run);
      // Warm-up: not counted.
      for (int i = 0; i < 20; i++) {
        log.write(
            op(OpKind.REGISTER, OpRecord.WARMUP, T0 + i * 500, 5_000, "hospital-a", true, null));
      }
      // Measured: 100 registers with latencies 1..100 ms, 50 requests at 200 ms, 10 refused grants,
      // 5 retrieves without an answer, one corrupt retrieval, 3 drops.
      for (int i = 0; i < 100; i++) {
        log.write(
            op(
                OpKind.REGISTER,
                OpRecord.MEASURED,
                T0 + 10_000 + i * 1000,
                i + 1,
                "hospital-a",
                true,
                null));
      }
      for (int i = 0; i < 50; i++) {
        log.write(
            op(
                OpKind.REQUEST,
                OpRecord.MEASURED,
                T0 + 10_000 + i * 2000,
                200,
                "clinic-b",
                true,
                null));
      }
      for (int i = 0; i < 10; i++) {
        log.write(
            op(
                OpKind.GRANT,
                OpRecord.MEASURED,
                T0 + 50_000 + i * 100,
                30,
                "hospital-a",
                false,
                "CL-1711"));
      }
      for (int i = 0; i < 5; i++) {
        log.write(
            op(
                OpKind.RETRIEVE,
                OpRecord.MEASURED,
                T0 + 60_000 + i * 100,
                120_000,
                "clinic-b",
                false,
                "IO:HttpTimeoutException"));
      }
      log.write(
          new OpRecord(
              OpKind.RETRIEVE,
              OpRecord.MEASURED,
              T0 + 70_000,
              T0 + 70_000,
              T0 + 70_300,
              "clinic-b",
              200,
              null,
              "acc",
              true,
              false,
              true,
              "ml-x-bad",
              null));
      for (int i = 0; i < 3; i++) {
        log.write(
            new OpRecord(
                OpKind.GRANT,
                OpRecord.MEASURED,
                T0 + 80_000,
                T0 + 81_000,
                T0 + 81_000,
                null,
                0,
                null,
                null,
                false,
                true,
                false,
                null,
                null));
      }
      log.write(
          new OpRecord(
              OpKind.REGISTER,
              OpRecord.MEASURED,
              T0 + 90_000,
              T0 + 90_000,
              T0 + 90_010,
              "hospital-a",
              201,
              null,
              "t2",
              true,
              false,
              false,
              "ml-x-r",
              OpKind.RETRIEVE));
      log.write(Map.of("type", "fault", "at", T0 + 40_000, "label", "kill -9 clinic-b"));
      log.write(Map.of("type", "check", "name", "(a) committed", "pass", true, "detail", "all"));
      log.write(
          Map.of(
              "type", "check", "name", "(d) no corrupt retrieval", "pass", false, "detail", "1"));
    }
  }

  @Test
  void countsThroughputLatencyFailuresAndChecks() throws Exception {
    writeRun();
    List<RunReport.Check> checks = RunReport.write(dir, null);

    assertThat(checks)
        .containsExactly(
            new RunReport.Check("(a) committed", true, "all"),
            new RunReport.Check("(d) no corrupt retrieval", false, "1"));
    String md = Files.readString(dir.resolve(RunReport.REPORT));
    assertThat(md)
        .contains("# Mixed load on `care-bft`, run abc123")
        .contains("| measured | 100 s after 10 s of warm-up |")
        .contains("- **PASS** (a) committed: all")
        .contains("- **FAIL** (d) no corrupt retrieval: 1")
        // 101 registers (one replacing a retrieve): 1.01/s; latencies 1..100 and 10.
        .contains("| register | 101 | 0 | 101 | 101 | 0 | 1.01 | 50 | 95 | 99 | 100 |")
        .contains("| request | 50 | 0 | 50 | 50 | 0 | 0.50 | 200 | 200 | 200 | 200 |")
        .contains("| grant | 13 | 3 | 10 | 0 | 10 | 0.00 | – | – | – | – |")
        .contains("| retrieve | 6 | 0 | 6 | 1 | 5 | 0.01 | 300 | 300 | 300 | 300 |")
        .contains("| **all** | 170 | 3 | 167 | 152 | 15 | 1.52 |")
        .contains("| grant | CL-1711 | 10 | request not on the provider's chain (yet) |")
        .contains("| retrieve | IO:HttpTimeoutException | 5 | no answer")
        .contains(
            "Drawn but replaced by a register (their prerequisites were not there yet): retrieve 1.")
        .contains("Not counted: 20 warm-up operations; 1 set-up operations (1 acknowledged).")
        .contains("| ml-x-bad | acc |")
        .contains("| 40.0 | 2025-12-06 05:47:20.000 UTC | kill -9 clinic-b |")
        .contains("| hospital-a | 111 | 101 | 10 |");
    assertThat(ImageIO.read(dir.resolve(RunReport.THROUGHPUT).toFile()).getWidth())
        .isEqualTo(TimeChart.WIDTH);
    assertThat(ImageIO.read(dir.resolve(RunReport.LATENCY).toFile()).getHeight())
        .isEqualTo(TimeChart.HEIGHT);
  }

  @Test
  void givenFaultsReplaceTheLoggedOnes() throws Exception {
    writeRun();
    RunReport.write(dir, List.of(new Fault(T0 + 12_500, "partition a|b")));
    String md = Files.readString(dir.resolve(RunReport.REPORT));
    assertThat(md).contains("| 12.5 |").contains("partition a\\|b").doesNotContain("kill -9");
  }

  @Test
  void timeSeriesFollowEndAndStartTimes() throws Exception {
    writeRun();
    RunReport.Summary s = RunReport.summarize(dir.resolve(OpsLog.FILE));
    // By end time: in second 10 the first measured register (10.003 s) and two warm-up ones
    // (started 5.002 and 5.502 s, 5 s each); nothing ended in second 0.
    assertThat(s.ackPerSecond.get(OpKind.REGISTER).values[10]).isEqualTo(3);
    assertThat(s.ackPerSecond.get(OpKind.REGISTER).values[5]).isEqualTo(2);
    assertThat(s.ackPerSecond.get(OpKind.REGISTER).values[0]).isZero();
    assertThat(s.failedPerSecond.values[50]).isEqualTo(10);
    assertThat(s.droppedPerSecond.values[81]).isEqualTo(3);
    // By start time, 10–15 s: five registers and three requests.
    assertThat(s.latencyBuckets.get(2).size()).isEqualTo(5 + 3);
  }

  @Test
  void longRunsAreAveragedOverWiderBuckets() {
    assertThat(RunReport.mean(new double[] {1, 2, 3, 4, 5}, 2)).containsExactly(1.5, 3.5, 5);
    double[] same = {1, 2};
    assertThat(RunReport.mean(same, 1)).isSameAs(same);
  }

  @Test
  void aLogWithoutARunLineStillGivesAReport() throws Exception {
    try (OpsLog log = OpsLog.append(dir.resolve(OpsLog.FILE))) {
      log.write(op(OpKind.REGISTER, OpRecord.MEASURED, T0, 10, "hospital-a", true, null));
      log.write(op(OpKind.REGISTER, OpRecord.MEASURED, T0 + 999, 10, "hospital-a", true, null));
    }
    RunReport.write(dir, List.of());
    assertThat(Files.readString(dir.resolve(RunReport.REPORT)))
        .contains("no run line")
        .contains("| register | 2 | 0 | 2 | 2 | 0 |")
        .contains("No checks recorded");
  }
}
