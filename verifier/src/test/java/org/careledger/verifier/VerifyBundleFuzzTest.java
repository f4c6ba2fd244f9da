package org.careledger.verifier;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the standalone verifier ({@code java -jar careledger-verifier.jar bundle.json}) on
 * arbitrary bytes: whatever the file holds, it answers OK (exit 0) or FAILED with PROOF_INVALID
 * (exit 1) and never throws; see {@link BundleCheck}. Seeds: valid bundles of a {@link
 * org.careledger.domain.ledger.LedgerFixture} chain, here and under {@code
 * VerifyBundleFuzzTestInputs/verify/}, so the fuzzer starts past JSON parsing; {@link
 * VerifyBundleMutationFuzzTest} changes bundles at the JSON level to get further.
 */
class VerifyBundleFuzzTest {

  static List<byte[]> seeds() {
    return BundleCheck.validBundles();
  }

  @MethodSource("seeds")
  @FuzzTest
  void verify(byte[] bundle) {
    BundleCheck.verify(bundle);
  }
}
