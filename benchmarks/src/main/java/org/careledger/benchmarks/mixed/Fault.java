package org.careledger.benchmarks.mixed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A fault marked on the charts: when (epoch ms) and what. Whoever injects faults appends lines
 * {@code <epoch-ms> <label>} to a file ({@code date +%s%3N} gives the time); blank lines and lines
 * starting with {@code #} are ignored.
 */
public record Fault(long at, String label) {

  /** The faults of {@code text}, sorted by time; malformed lines are reported to {@code bad}. */
  public static List<Fault> parse(String text, List<String> bad) {
    List<Fault> faults = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      try {
        long at = Long.parseLong(parts[0]);
        if (at < 1_000_000_000_000L || at > 100_000_000_000_000L) {
          throw new NumberFormatException("not epoch milliseconds");
        }
        faults.add(new Fault(at, parts.length > 1 ? parts[1].strip() : ""));
      } catch (NumberFormatException e) {
        bad.add("line " + (i + 1) + ": " + line);
      }
    }
    faults.sort(Comparator.comparingLong(Fault::at));
    return faults;
  }

  /** The faults of a file; malformed lines are reported on standard error and skipped. */
  public static List<Fault> read(Path file) throws IOException {
    List<String> bad = new ArrayList<>();
    List<Fault> faults = parse(Files.readString(file, StandardCharsets.UTF_8), bad);
    for (String line : bad) {
      System.err.println(file + ": ignored malformed " + line);
    }
    return faults;
  }
}
