package org.careledger.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.ledger.ChannelConfig;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.ProofBundle;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.careledger.domain.ledger.canonical.CanonicalJson;
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

  /**
   * A bundle across a membership change: lab-e admitted by a config update and two approvals
   * (blocks 1 and 2), then writing in block 3, sealed by four of the five members.
   */
  static byte[] governedBundle() {
    LedgerFixture f = new LedgerFixture("st-mary", "city-clinic", "pharma-one", "insurer-x");
    f.genesis();
    LedgerFixture.Identity lab = LedgerFixture.identity("lab-e", LedgerFixture.T0);
    SignedTransaction add =
        f.tx(
            0,
            TransactionType.CONFIG_UPDATE,
            ChannelConfig.addMember(
                f.config().id(),
                lab.member(),
                lab.agreementCertificate(),
                new ChannelConfig.Bridge("127.0.0.1", 8530, 8893)));
    f.commit(List.of(add, f.approve(1, add)), 0, 1, 2);
    f.commit(List.of(f.approve(2, add)), 0, 1, 2);
    int e = f.use(lab);
    f.commit(List.of(f.register(e, "lab-1")), 0, 1, 2, e);
    f.commit(List.of(), 0, 1, 3, e);
    return ProofBundle.create(f.blocks, 3, 0, 4);
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
  void aBundleAcrossAMembershipChangeVerifies() throws Exception {
    Path file = Files.write(dir.resolve("bundle.json"), governedBundle());

    assertThat(run(file.toString())).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("OK transaction ")
        .contains("register by lab-e")
        .contains("block 3 of channel ch-test; blocks 1..4")
        .contains("3 config transactions (5 members at block 3)");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aBundleLeavingOutTheAdmissionIsRejected() throws Exception {
    Map<String, Object> bundle =
        new LinkedHashMap<>((Map<String, Object>) CanonicalJson.decode(governedBundle()));
    // The update admitting lab-e and the first approval left out; the last approval stays.
    List<Object> configs = (List<Object>) bundle.get("configTransactions");
    bundle.put("configTransactions", configs.subList(2, configs.size()));
    Path file = Files.write(dir.resolve("bundle.json"), CanonicalJson.encode(bundle));

    assertThat(run(file.toString())).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("FAILED CL-1161: config transaction approval");
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
