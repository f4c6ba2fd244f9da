package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The standalone proof-bundle verifier as an auditor runs it: {@code java -jar … bundle.json}. */
final class VerifierJar {

  /** What the verifier printed and its exit code. */
  record Result(int exitCode, String output) {}

  private VerifierJar() {}

  /** Runs the jar the build made ({@code careledger.verifier.jar}) on {@code bundle}. */
  static Result run(Path bundle) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                System.getProperty("careledger.verifier.jar"),
                bundle.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the verifier finished").isTrue();
    return new Result(process.exitValue(), output);
  }
}
