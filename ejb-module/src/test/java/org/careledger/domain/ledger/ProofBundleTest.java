package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

class ProofBundleTest {

  private final LedgerFixture f = new LedgerFixture("h1", "h2", "h3", "h4");

  {
    f.genesis();
    f.commit(List.of(f.register(0, "r1"), f.register(1, "r2"), f.register(2, "r3")), 0, 1, 2);
    f.commit(List.of(f.register(3, "r4")), 1, 2, 3);
    f.commit(List.of(), 0, 1, 2, 3);
  }

  @Test
  void bundleForEveryTransactionVerifiesUpToTheHead() {
    for (int index = 0; index < 3; index++) {
      ProofBundle.Verified verified = ProofBundle.verify(ProofBundle.create(f.blocks, 1, index, 3));

      assertThat(verified.height()).isEqualTo(1);
      assertThat(verified.head()).isEqualTo(3);
      assertThat(verified.members()).isEqualTo(4);
      assertThat(verified.transactionId())
          .isEqualTo(f.blocks.get(1).transactions().get(index).idHex());
      assertThat(verified.author()).isEqualTo("h" + (index + 1));
    }
  }

  @Test
  void bundleOfTheGenesisConfigItselfVerifies() {
    assertThat(ProofBundle.verify(ProofBundle.create(f.blocks, 0, 0, 0)).type())
        .isEqualTo("channel-config");
  }

  @Test
  void everySingleByteChangeIsRejected() {
    byte[] bundle = ProofBundle.create(f.blocks, 1, 1, 3);
    int rejected = 0;
    for (int i = 0; i < bundle.length; i += 3) {
      byte[] tampered = bundle.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> ProofBundle.verify(tampered))
          .as("byte %d of %d", i, bundle.length)
          .isInstanceOf(CareLedgerException.class)
          .satisfies(
              e ->
                  assertThat(((CareLedgerException) e).errorCode())
                      .isEqualTo(ErrorCode.PROOF_INVALID));
      rejected++;
    }
    assertThat(rejected).isGreaterThan(1000);
  }

  @Test
  void aTransactionFromAnotherBlockDoesNotProveInclusion() {
    String bundle = new String(ProofBundle.create(f.blocks, 1, 0, 3));
    String other = Json.base64url(f.blocks.get(2).transactions().get(0).encoded());
    String mine = Json.base64url(f.blocks.get(1).transactions().get(0).encoded());

    assertThatThrownBy(() -> ProofBundle.verify(bundle.replace(mine, other).getBytes()))
        .hasMessageContaining("inclusion proof");
  }

  @Test
  void headersWithoutAQuorumAreRejected() {
    LedgerFixture weak = new LedgerFixture("h1", "h2", "h3", "h4");
    weak.genesis();
    weak.commit(List.of(weak.register(0, "r1")), 0, 1);

    assertThatThrownBy(() -> ProofBundle.verify(ProofBundle.create(weak.blocks, 1, 0, 1)))
        .hasMessageContaining("commit certificate of block 1")
        .hasMessageContaining("needs 3");
  }
}
