package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * The unsigned form {"tx":…}: channel-config only, and never valid under {@link
 * SignedTransaction#verify}.
 */
class UnsignedTransactionTest {

  private final LedgerFixture f = new LedgerFixture("h1", "h2");

  private Transaction config() {
    return f.tx(0, TransactionType.CHANNEL_CONFIG, f.membership().toConfigBody()).transaction();
  }

  @Test
  void roundTripsThroughItsCanonicalBytesWithTheSameIdAsItsSignedForm() {
    Transaction tx = config();
    SignedTransaction unsigned = SignedTransaction.unsigned(tx);

    SignedTransaction decoded = SignedTransaction.decode(unsigned.encoded());

    assertThat(new String(unsigned.encoded(), StandardCharsets.UTF_8)).startsWith("{\"tx\":{");
    assertThat(decoded).isEqualTo(unsigned);
    assertThat(decoded.isSigned()).isFalse();
    assertThat(decoded.signature()).isEmpty();
    assertThat(decoded.idHex()).isEqualTo(SignedTransaction.sign(tx, f.keys.get(0)).idHex());
  }

  @Test
  void neverVerifiesEvenForAMemberAuthor() {
    SignedTransaction unsigned = SignedTransaction.unsigned(config());

    assertThatThrownBy(() -> unsigned.verify(f.membership()))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TX_SIGNATURE_INVALID));
  }

  @Test
  void onlyChannelConfigMayBeUnsigned() {
    Transaction register = f.register(0, "r1").transaction();
    byte[] forged =
        ("{\"tx\":" + new String(register.canonicalBytes(), StandardCharsets.UTF_8) + "}")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> SignedTransaction.unsigned(register))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TX_MALFORMED));
    assertThatThrownBy(() -> SignedTransaction.decode(forged))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TX_MALFORMED));
  }

  @Test
  void aSignedGenesisStillVerifiesAndAnUnsignedSingleMemberGenesisDoesNot() {
    LedgerFixture single = new LedgerFixture("solo");
    single.genesis();
    assertThat(new ChainVerifier().verify(single.stored()).ok()).isTrue();

    LedgerFixture stripped = new LedgerFixture("solo");
    stripped.commit(
        java.util.List.of(
            SignedTransaction.unsigned(
                stripped
                    .tx(0, TransactionType.CHANNEL_CONFIG, stripped.membership().toConfigBody())
                    .transaction())),
        0);
    ChainVerifier.Failure failure = new ChainVerifier().verify(stripped.stored()).failure();
    assertThat(failure.check()).isEqualTo(ChainVerifier.Check.GENESIS_CONFIG);
  }
}
