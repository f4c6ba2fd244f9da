package org.careledger.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.ProofBundle;

/**
 * Runs the verifier's command line on a bundle and checks its contract: exit 0 with {@code OK …},
 * or exit 1 with {@code FAILED CL-1161: <check>: …} (PROOF_INVALID, the one code a bundle is
 * refused with), nothing on stderr, and no exception whatever the bytes. The verifier writes
 * nothing but its answer, so there is no partial write to look for.
 */
final class BundleCheck {

  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("careledger-fuzz-bundle", ".json");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BundleCheck() {}

  /**
   * A valid bundle of block 1 of a four-member chain, one of the genesis configuration, and one
   * across a membership change (config transactions, headers from the first config block).
   */
  static List<byte[]> validBundles() {
    LedgerFixture f = new LedgerFixture("st-mary", "city-clinic", "pharma-one", "insurer-x");
    f.genesis();
    f.commit(List.of(f.register(1, "r1"), f.register(2, "r2")), 0, 1, 2, 3);
    f.commit(List.of(), 0, 1, 3);
    return List.of(
        ProofBundle.create(f.blocks, 1, 1, 2),
        ProofBundle.create(f.blocks, 0, 0, 0),
        VerifyBundleTest.governedBundle());
  }

  /** The exit code, after checking the contract. */
  static int verify(byte[] bundle) {
    try {
      Files.write(FILE, bundle);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        VerifyBundle.run(
            new String[] {FILE.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String answer = out.toString(StandardCharsets.UTF_8);
    assertThat(err.size()).as("stderr").isZero();
    assertThat(exit).isIn(0, 1);
    assertThat(answer).startsWith(exit == 0 ? "OK transaction " : "FAILED CL-1161: ");
    return exit;
  }
}
