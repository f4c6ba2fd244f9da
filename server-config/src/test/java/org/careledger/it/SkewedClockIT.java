package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The skewed clock of the resilience suite's restarted node, without a server: a bash script shaped
 * like the launcher (a subshell that returns, then a new process) run under libfaketime while
 * {@code /dev/shm} holds left-over files named after the PIDs its children get next, as a long run
 * on a machine whose PIDs wrap at 32,768 leaves them (the script plants them itself, after its own
 * PID, and lists them for this test to remove).
 *
 * <p>CI failed this way: with only {@code LD_PRELOAD} and {@code FAKETIME} set, the script's {@code
 * cat} exits with "sem_open failed and recreation attempts failed" and reads nothing (the first
 * test shows the hazard is real here); with {@link SkewedClock}'s environment the same script runs,
 * and its clock is five minutes ahead.
 */
class SkewedClockIT {

  /**
   * Plants left-overs for the next 400 PIDs (bash arithmetic and redirections only: no process),
   * returns from a subshell, then reads a file through {@code cat}, as node.sh reads its master
   * secret; prints the time.
   */
  private static final String LAUNCHER_SHAPED =
      "max=$(</proc/sys/kernel/pid_max); "
          + "for ((i = 1; i <= 400; i++)); do p=$(( ($$ + i) % max )); "
          + "f=/dev/shm/sem.faketime_sem_$p; "
          + "[ -e $f ] || { : >$f && echo $f >>\"$2\"; }; done; "
          + "g() { echo subshell; }; x=$(g); secret=$(cat \"$1\") || exit 7; "
          + "[ \"$secret\" = s3cret ] || exit 8; date -u +%s";

  private Path secret;
  private Path planted;

  @BeforeEach
  void files() throws Exception {
    secret = Files.createTempFile("skewed-clock", ".secret");
    Files.writeString(secret, "s3cret");
    planted = Files.createTempFile("skewed-clock", ".planted");
  }

  @AfterEach
  void removePlanted() throws Exception {
    for (String file : Files.readAllLines(planted)) {
      if (file.startsWith("/dev/shm/sem.faketime_sem_")) {
        Files.deleteIfExists(Path.of(file));
      }
    }
    Files.deleteIfExists(planted);
    Files.deleteIfExists(secret);
  }

  @Test
  void withoutAHolderTheLaunchersChildDiesOnALeftOverFile() throws Exception {
    Result run = script(Map.of("LD_PRELOAD", SkewedClock.library().toString(), "FAKETIME", "+5m"));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(7);
    assertThat(run.output()).contains("recreation attempts failed");
  }

  @Test
  void withTheHolderTheLauncherRunsAndItsClockIsFiveMinutesAhead() throws Exception {
    try (SkewedClock clock = SkewedClock.start(SkewedClock.library(), "+5m")) {
      long before = System.currentTimeMillis() / 1000;
      Result run = script(clock.environment());
      long after = System.currentTimeMillis() / 1000;

      assertThat(run.exitCode()).as(run.output()).isZero();
      String[] lines = run.output().strip().split("\n");
      long faked = Long.parseLong(lines[lines.length - 1].strip());
      assertThat(faked).isBetween(before + 295, after + 305);
    }
  }

  private record Result(int exitCode, String output) {}

  private Result script(Map<String, String> environment) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            "bash", "-c", LAUNCHER_SHAPED, "script", secret.toString(), planted.toString());
    Map<String, String> env = new HashMap<>(environment);
    builder.environment().remove("FAKETIME_SHARED");
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
