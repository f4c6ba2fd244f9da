package org.careledger.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment that starts a node with its clock off by a fixed offset through Debian's
 * libfaketime (0.9.10 in bookworm), and the one process that holds libfaketime's shared state for
 * it.
 *
 * <p>Why a holder: every process that loads libfaketime without {@code FAKETIME_SHARED} in its
 * environment creates a POSIX semaphore and shared memory named after its own PID ({@code
 * /dev/shm/sem.faketime_sem_<pid>}), exports their names to its children, and unlinks them when it
 * exits, and every forked copy of it (bash's subshells) unlinks them too when it exits. A child
 * started after that finds the names stale and creates its own, silently failing when a file of
 * that name is left over from an earlier process of the same PID (a process killed with {@code kill
 * -9}, or one that left through {@code _exit}: such files are never removed, and PIDs wrap at
 * 32,768 here), and then exits with "sem_open failed and recreation attempts failed". Under the
 * launcher, whose bash forks many subshells, that killed a {@code cat} in CI and with it the skewed
 * restart. Here one long-lived process ({@code sleep}, which never forks) creates the shared state,
 * and every process of the node is started with {@code FAKETIME_SHARED} naming it, so none of them
 * creates or unlinks anything; {@link #close()} stops the holder and removes its files.
 */
final class SkewedClock implements AutoCloseable {

  private static final Path SHM = Path.of("/dev/shm");
  private static final Pattern LEFT_OVER =
      Pattern.compile("(?:sem\\.faketime_sem_|faketime_shm_)([0-9]+)");

  private final Path library;
  private final String offset;
  private final Process holder;

  private SkewedClock(Path library, String offset, Process holder) {
    this.library = library;
    this.offset = offset;
    this.holder = holder;
  }

  /**
   * Debian's libfaketime, installed by {@code src/test/scripts/ensure-faketime.sh} where missing
   * (it prints the library's path last).
   */
  static Path library() throws Exception {
    Process ensure =
        new ProcessBuilder("bash", "src/test/scripts/ensure-faketime.sh")
            .redirectErrorStream(true)
            .start();
    String output = new String(ensure.getInputStream().readAllBytes());
    if (!ensure.waitFor(15, TimeUnit.MINUTES) || ensure.exitValue() != 0) {
      throw new IllegalStateException("ensure-faketime.sh failed: " + output);
    }
    String[] lines = output.strip().split("\n");
    Path lib = Path.of(lines[lines.length - 1].strip());
    if (!Files.isRegularFile(lib)) {
      throw new IllegalStateException("ensure-faketime.sh named no library: " + output);
    }
    return lib;
  }

  /**
   * Starts the holder for a clock {@code offset} in libfaketime's {@code FAKETIME} syntax ({@code
   * +5m}), after removing the shared-state files of libfaketime processes that no longer exist.
   */
  static SkewedClock start(Path library, String offset) throws Exception {
    removeLeftOvers();
    ProcessBuilder builder = new ProcessBuilder(List.of("sleep", "86400"));
    builder.environment().put("LD_PRELOAD", library.toString());
    builder.environment().put("FAKETIME", offset);
    builder.environment().remove("FAKETIME_SHARED");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process holder = builder.start();
    SkewedClock clock = new SkewedClock(library, offset, holder);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(clock.semaphore()) || !Files.exists(clock.sharedMemory())) {
      if (!holder.isAlive() || System.nanoTime() > deadline) {
        clock.close();
        throw new IllegalStateException(
            "libfaketime's holder process did not create "
                + clock.semaphore()
                + " (alive: "
                + holder.isAlive()
                + ")");
      }
      Thread.sleep(50);
    }
    return clock;
  }

  /** The settings for a node's launcher: the library, the offset, the holder's shared state. */
  Map<String, String> environment() {
    return Map.of(
        "LD_PRELOAD",
        library.toString(),
        "FAKETIME",
        offset,
        "FAKETIME_SHARED",
        "/faketime_sem_" + holder.pid() + " /faketime_shm_" + holder.pid());
  }

  private Path semaphore() {
    return SHM.resolve("sem.faketime_sem_" + holder.pid());
  }

  private Path sharedMemory() {
    return SHM.resolve("faketime_shm_" + holder.pid());
  }

  /**
   * Stops the holder and removes its files. Processes started with {@link #environment()} that
   * still run keep their faked clock: they mapped the shared state when they started.
   */
  @Override
  public void close() throws Exception {
    holder.destroyForcibly();
    holder.waitFor(30, TimeUnit.SECONDS);
    Files.deleteIfExists(semaphore());
    Files.deleteIfExists(sharedMemory());
  }

  /** Removes libfaketime's files named after PIDs no process has any more. */
  static void removeLeftOvers() throws IOException {
    if (!Files.isDirectory(SHM)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(SHM)) {
      for (Path file : files) {
        Matcher m = LEFT_OVER.matcher(file.getFileName().toString());
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
