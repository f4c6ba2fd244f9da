package org.careledger.benchmarks.mixed;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.Consumer;
import org.careledger.domain.ledger.canonical.CanonicalJson;

/**
 * {@code ops.jsonl}: one JSON object per line, in canonical JSON (integers only, sorted members).
 * Lines by {@code type}: {@code run} (the run's parameters, first), {@code op} ({@link OpRecord}),
 * {@code check} (a check's result: {@code name}, {@code pass}, {@code detail}) and {@code fault}
 * ({@code at} epoch ms, {@code label}: copied from the faults file at the end of a run). A report
 * is made from this file alone.
 *
 * <p>The writer streams (buffered, flushed at least every {@link #flush} call and on close), so a
 * run's memory does not grow with its length.
 */
public final class OpsLog implements AutoCloseable {

  public static final String FILE = "ops.jsonl";

  private final BufferedWriter out;
  private long lines;

  private OpsLog(BufferedWriter out) {
    this.out = out;
  }

  /** Appends to {@code file}, creating it if need be. */
  public static OpsLog append(Path file) throws IOException {
    return new OpsLog(
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE));
  }

  public synchronized void write(Map<String, ?> line) {
    try {
      out.write(new String(CanonicalJson.encode(line), StandardCharsets.UTF_8));
      out.write('\n');
      if (++lines % 256 == 0) {
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void write(OpRecord op) {
    write(op.toMap());
  }

  public synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  /**
   * Every line of {@code file}, in order, as a map. A last line cut short (a run killed while
   * writing) is skipped; any other unreadable line is an error.
   */
  @SuppressWarnings("unchecked")
  public static void read(Path file, Consumer<Map<String, Object>> each) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = in.readLine();
      long number = 0;
      while (line != null) {
        number++;
        String next = in.readLine();
        if (!line.isBlank()) {
          Object value;
          try {
            value = CanonicalJson.parse(line.getBytes(StandardCharsets.UTF_8));
          } catch (RuntimeException e) {
            if (next == null) {
              break; // the last line, cut short
            }
            throw new IOException(file + " line " + number + " is not JSON: " + e.getMessage());
          }
          if (!(value instanceof Map<?, ?>)) {
            throw new IOException(file + " line " + number + " is not a JSON object");
          }
          each.accept((Map<String, Object>) value);
        }
        line = next;
      }
    }
  }
}
