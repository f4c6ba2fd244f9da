package org.careledger.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator end to end against {@link FakeFederation}: a short run, its checks, its report, and
 * the report again from the run's directory.
 */
class MixedLoadTest {

  private static final List<String> NAMES =
      List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");

  @TempDir Path dir;

  private String[] args(FakeFederation federation, Path out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--nodes", federation.urls(),
                "--rate", "40",
                "--duration", "3",
                "--warmup", "1",
                "--settle-ms", "50",
                "--patients", "5",
                "--out", out.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void runsChecksAndReports() throws Exception {
    Path out = dir.resolve("run");
    Path faults = dir.resolve("faults.txt");
    Files.writeString(faults, (System.currentTimeMillis() + 1500) + " clinic-b cut off\n");
    try (FakeFederation federation = new FakeFederation(NAMES)) {
      int exit =
          MixedLoad.run(
              args(federation, out, "--faults", faults.toString()),
              Map.of("LOAD_PASSWORD", "pw")::get);

      assertThat(exit).isZero();
      // The policy's consent for insurer-d, once per patient, before the run.
      assertThat(federation.calls).containsEntry("POST /channels/care-bft/consents", 5);
      assertThat(federation.calls.get("POST /channels/care-bft/records")).isGreaterThan(10);
      assertThat(federation.calls)
          .containsKeys("POST /channels/care-bft/requests", "POST /channels/care-bft/verify");
    }
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report)
        .contains("**PASS** (a)", "**PASS** (b)", "**PASS** (c)", "**PASS** (d)")
        .contains("| register |", "| retrieve |", "clinic-b cut off")
        .doesNotContain("**FAIL**");
    assertThat(out.resolve("throughput.png")).isNotEmptyFile();
    assertThat(out.resolve("latency.png")).isNotEmptyFile();
    List<String> lines = Files.readAllLines(out.resolve("ops.jsonl"));
    assertThat(lines)
        .anyMatch(l -> l.contains("\"kind\":\"retrieve\"") && l.contains("\"ack\":true"));
    assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"grant\"") && l.contains("\"ack\":true"));

    // Regenerated from ops.jsonl alone.
    Files.delete(out.resolve("report.md"));
    assertThat(MixedLoad.run(new String[] {"--report", out.toString()}, name -> null)).isZero();
    assertThat(Files.readString(out.resolve("report.md"))).isEqualTo(report);
  }

  @Test
  void aCorruptRetrievalFailsTheRun() throws Exception {
    Path out = dir.resolve("corrupt");
    try (FakeFederation federation = new FakeFederation(NAMES)) {
      federation.corruptRetrievals = true;
      int exit =
          MixedLoad.run(
              args(federation, out, "--mix", "register=30,request=20,grant=20,retrieve=30"),
              Map.of("LOAD_PASSWORD", "pw")::get);
      assertThat(exit).isEqualTo(1);
    }
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("**FAIL** (d) no corrupt retrieval", "**PASS** (a)");
    assertThat(report).contains("acknowledged retrievals returned bytes that do not hash");
  }

  @Test
  void refusesNodesOffThisMachine() throws Exception {
    int exit =
        MixedLoad.run(
            new String[] {"--nodes", "https://192.0.2.1:9443/a,https://192.0.2.2:9443/b"},
            Map.of("LOAD_PASSWORD", "pw")::get);
    assertThat(exit).isEqualTo(2);
  }

  @Test
  void wrongUseIsExitCodeTwo() throws Exception {
    assertThat(MixedLoad.run(new String[] {"--rate"}, name -> null)).isEqualTo(2);
    assertThat(MixedLoad.run(new String[] {"--bogus", "1"}, name -> null)).isEqualTo(2);
    assertThat(MixedLoad.run(new String[0], name -> null)).isEqualTo(2); // no password
  }
}
