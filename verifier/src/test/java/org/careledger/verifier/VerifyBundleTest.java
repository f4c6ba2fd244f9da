package org.careledger.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.ProofBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyBundleTest {

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  static byte[] bundle() {
    LedgerFixture f = new LedgerFixture("st-mary", "city-clinic", "pharma-one", "insurer-x");
    f.genesis();
    f.commit(List.of(f.register(1, "r1"), f.register(2, "r2")), 0, 1, 2, 3);
    f.commit(List.of(), 0, 1, 3);
    return ProofBundle.create(f.blocks, 1, 1, 2);
  }

  private int run(String... args) {
    return VerifyBundle.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validBundlePrintsOkAndExitsZero() throws Exception {
    Path file = Files.write(dir.resolve("bundle.json"), bundle());

    assertThat(run(file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("OK transaction ")
        .contains("register by pharma-one")
        .contains("block 1 of channel ch-test")
        .contains("4 members");
  }

  @Test
  void oneChangedByteIsRejectedWithTheFailingCheck() throws Exception {
    byte[] bundle = bundle();
    String text = new String(bundle, StandardCharsets.UTF_8);
    int at = text.indexOf("\"leafIndex\":1") + "\"leafIndex\":".length();
    bundle[at] = '0';
    Path file = Files.write(dir.resolve("bundle.json"), bundle);

    assertThat(run(file.toString())).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("FAILED CL-1161: inclusion proof");
  }

  @Test
  void missingFileAndWrongUsageExitTwo() {
    assertThat(run(dir.resolve("none.json").toString())).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
  }
}
