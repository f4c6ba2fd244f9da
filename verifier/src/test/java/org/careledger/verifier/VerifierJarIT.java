package org.careledger.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a user runs it: {@code java -jar careledger-verifier.jar bundle.json}. */
class VerifierJarIT {

  private static final Path JAR = Path.of("target", "careledger-verifier.jar");

  @TempDir Path dir;

  record Result(int exit, String output) {}

  private Result java(Path bundle) throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(javaBin.toString(), "-jar", JAR.toString(), bundle.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void theJarVerifiesABundleAndRejectsItWithOneByteChanged() throws Exception {
    assertThat(JAR).exists();
    byte[] bundle = VerifyBundleTest.bundle();
    Path good = Files.write(dir.resolve("good.json"), bundle);
    byte[] tampered = bundle.clone();
    tampered[tampered.length / 2] ^= 0x01;
    Path bad = Files.write(dir.resolve("bad.json"), tampered);

    Result ok = java(good);
    Result failed = java(bad);

    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(ok.output()).startsWith("OK transaction ");
    assertThat(failed.exit()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output()).startsWith("FAILED CL-1161: ");
  }
}
