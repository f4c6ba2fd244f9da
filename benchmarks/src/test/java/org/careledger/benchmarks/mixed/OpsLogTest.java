package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsLogTest {

  @TempDir Path dir;

  static OpRecord op(OpKind kind, long start, long end, boolean ack, String code) {
    return new OpRecord(
        kind,
        OpRecord.MEASURED,
        start,
        start,
        end,
        "clinic-b",
        ack ? 200 : 403,
        code,
        ack ? "ab".repeat(32) : null,
        ack,
        false,
        false,
        "ml-x-1",
        null);
  }

  @Test
  void linesRoundTrip() throws Exception {
    Path file = dir.resolve(OpsLog.FILE);
    OpRecord ack = op(OpKind.GRANT, 1_765_000_000_000L, 1_765_000_000_250L, true, null);
    OpRecord refused =
        op(OpKind.RETRIEVE, 1_765_000_000_100L, 1_765_000_000_180L, false, "CL-1710");
    OpRecord dropped =
        new OpRecord(
            OpKind.REQUEST,
            OpRecord.WARMUP,
            5,
            1005,
            1005,
            null,
            0,
            null,
            null,
            false,
            true,
            false,
            null,
            null);
    OpRecord replaced =
        new OpRecord(
            OpKind.REGISTER,
            OpRecord.MEASURED,
            1,
            2,
            3,
            "hospital-a",
            201,
            null,
            "t",
            true,
            false,
            false,
            "ml-x-2",
            OpKind.GRANT);
    try (OpsLog log = OpsLog.append(file)) {
      log.write(Map.of("type", "run", "rate", "2.5"));
      log.write(ack);
      log.write(refused);
      log.write(dropped);
      log.write(replaced);
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    OpsLog.read(file, lines::add);
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).containsEntry("type", "run").containsEntry("rate", "2.5");
    assertThat(OpRecord.fromMap(lines.get(1))).isEqualTo(ack);
    assertThat(OpRecord.fromMap(lines.get(2))).isEqualTo(refused);
    assertThat(OpRecord.fromMap(lines.get(3))).isEqualTo(dropped);
    assertThat(OpRecord.fromMap(lines.get(4))).isEqualTo(replaced);
    assertThat(Files.readAllLines(file).get(2))
        .isEqualTo(
            "{\"ack\":false,\"code\":\"CL-1710\",\"end\":1765000000180,\"kind\":\"retrieve\","
                + "\"node\":\"clinic-b\",\"phase\":\"measured\",\"recordId\":\"ml-x-1\","
                + "\"sched\":1765000000100,\"start\":1765000000100,\"status\":403,\"type\":\"op\"}");
    assertThat(ack.latencyMillis()).isEqualTo(250);
  }

  @Test
  void aLastLineCutShortIsSkippedAnyOtherBadLineIsAnError() throws Exception {
    Path file = dir.resolve(OpsLog.FILE);
    try (OpsLog log = OpsLog.append(file)) {
      log.write(op(OpKind.GRANT, 1, 2, true, null));
    }
    Files.writeString(file, "{\"type\":\"op\",\"ki", StandardOpenOption.APPEND);
    List<Map<String, Object>> lines = new ArrayList<>();
    OpsLog.read(file, lines::add);
    assertThat(lines).hasSize(1);

    Files.writeString(file, "\n{}\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> OpsLog.read(file, line -> {})).hasMessageContaining("line 2");
  }
}
