package org.careledger.federation.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The local federation's JVMs run with {@code src/main/jvm/federation-c2.directives}
 * (federation.sh): C2 for the JDK's crypto providers and a few byte-copying buffers, C1 for the
 * rest. A JVM started with the file must accept it (a syntax error would stop every node from
 * starting) and must then compile AES-GCM with C2 (tier 4, where the AES-NI and CLMUL intrinsics
 * are) and other hot code at tier 1 only.
 */
class FederationCompilerDirectivesTest {

  static final Path DIRECTIVES = Path.of("src/main/jvm/federation-c2.directives");

  @Test
  void aJvmWithTheDirectivesCompilesAesGcmWithC2AndOtherHotCodeWithC1Only() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-XX:+UnlockDiagnosticVMOptions",
                    "-XX:CompilerDirectivesFile=" + DIRECTIVES.toAbsolutePath(),
                    "-XX:+PrintCompilation",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Probe.class.getName()))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("2 compiler directives added").contains(Probe.DONE);
    assertThat(compiledAt(output, 4, "com.sun.crypto.provider.")).as(output).isTrue();
    assertThat(compiledAt(output, 1, Probe.class.getName() + "::mix")).as(output).isTrue();
    assertThat(compiledAt(output, 4, Probe.class.getName() + "::mix")).as(output).isFalse();
  }

  /**
   * Whether -XX:+PrintCompilation reported a compilation of a method starting so at that tier (its
   * lines: time, compile id, attributes such as {@code %}, tier, method; not the "made not
   * compilable on level 4" notes of excluded methods).
   */
  private static boolean compiledAt(String output, int tier, String methodPrefix) {
    return Pattern.compile(
            "(?m)^\\s*\\d+\\s+\\d+[\\s%sbn!]*\\s" + tier + "\\s+" + Pattern.quote(methodPrefix))
        .matcher(output)
        .find();
  }

  /** Hot AES-GCM and a hot method of our own, long enough for tier 4 thresholds. */
  public static final class Probe {
    static final String DONE = "probe done";

    public static void main(String[] args) throws Exception {
      SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
      byte[] data = new byte[1 << 16];
      long sum = 0;
      for (int i = 0; i < 2_000; i++) {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] iv = new byte[12];
        iv[0] = (byte) i;
        iv[1] = (byte) (i >> 8);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        sum += cipher.doFinal(data)[0];
        for (int j = 0; j < 1_000; j++) {
          sum += mix(i, j);
        }
      }
      System.out.println(DONE + " " + sum);
    }

    static long mix(long a, long b) {
      return (a * 31 + b) ^ (a >>> 3);
    }
  }
}
