package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.ChainVerifier.Check;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChainVerifierTest {

  private final ChainVerifier verifier = new ChainVerifier();

  private LedgerFixture chainOfFourBlocks(String... members) {
    LedgerFixture f = new LedgerFixture(members);
    f.genesis();
    f.commit(List.of(f.register(0, "r1"), f.register(1 % members.length, "r2")), f.allSigners());
    f.commit(List.of(f.register(0, "r3")), f.allSigners());
    f.commit(List.of(), f.allSigners());
    return f;
  }

  @Test
  void validChainVerifies() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2", "h3", "h4");

    ChainVerifier.Report report = verifier.verify(f.stored());

    assertThat(report.ok()).as(String.valueOf(report.failure())).isTrue();
    assertThat(report.blocksVerified()).isEqualTo(4);
    assertThat(report.transactionsVerified()).isEqualTo(4);
  }

  @Test
  void progressIsReportedAfterEachVerifiedBlockAndStopsAtTheFirstBadOne() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2", "h3", "h4");
    List<Long> progress = new ArrayList<>();

    assertThat(verifier.verify(f.stored(), progress::add).ok()).isTrue();
    assertThat(progress).containsExactly(1L, 2L, 3L, 4L);

    List<StoredBlock> chain = new ArrayList<>(f.stored());
    StoredBlock third = chain.get(2);
    chain.set(2, new StoredBlock(third.header(), third.transactions(), chain.get(1).certificate()));
    progress.clear();
    ChainVerifier.Report report = verifier.verify(chain, progress::add);
    assertThat(report.ok()).isFalse();
    assertThat(report.failure().height()).isEqualTo(2);
    assertThat(progress).containsExactly(1L, 2L);
  }

  @Test
  void flippedByteInAStoredTransactionIsFoundInItsBlock() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2", "h3", "h4");
    List<StoredBlock> chain = new ArrayList<>(f.stored());
    StoredBlock block = chain.get(1);
    List<byte[]> txs = new ArrayList<>(block.transactions());
    byte[] tampered = txs.get(1).clone();
    int at = new String(tampered).indexOf("r2") + 1;
    tampered[at] = '9'; // r2 -> r9: still canonical JSON, different content
    txs.set(1, tampered);
    chain.set(1, new StoredBlock(block.header(), txs, block.certificate()));

    ChainVerifier.Failure failure = verifier.verify(chain).failure();

    assertThat(failure.height()).isEqualTo(1);
    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_ROOT);
  }

  @Test
  void flippedByteInAHeaderBreaksItsCertificateOrTheNextLink() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2", "h3", "h4");
    List<StoredBlock> chain = new ArrayList<>(f.stored());
    StoredBlock block = chain.get(2);
    byte[] header = block.header().clone();
    // The time's last digit: a few milliseconds, so the members' certificates are still valid
    // then (a time years off would fail TRANSACTION_SIGNATURE first, the certificates expired).
    String text = new String(header, java.nio.charset.StandardCharsets.US_ASCII);
    int start = text.indexOf("\"time\":") + 7;
    int at = start;
    while (Character.isDigit(text.charAt(at + 1))) {
      at++;
    }
    header[at] = (byte) (header[at] == '9' ? '8' : header[at] + 1);
    chain.set(2, new StoredBlock(header, block.transactions(), block.certificate()));

    ChainVerifier.Failure failure = verifier.verify(chain).failure();

    assertThat(failure.height()).isEqualTo(2);
    assertThat(failure.check()).isEqualTo(Check.CERTIFICATE);
  }

  @Test
  void flippedBitInATransactionSignatureIsFound() {
    LedgerFixture f = new LedgerFixture("h1", "h2");
    f.genesis();
    SignedTransaction good = f.register(1, "r1");
    byte[] signature = good.signature();
    signature[10] ^= 0x01;
    SignedTransaction forged = reSigned(good, signature);
    f.commit(List.of(forged), f.allSigners());

    ChainVerifier.Failure failure = verifier.verify(f.stored()).failure();

    assertThat(failure.height()).isEqualTo(1);
    assertThat(failure.transactionIndex()).isZero();
    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_SIGNATURE);
    assertThat(failure.code()).isEqualTo(ErrorCode.TX_SIGNATURE_INVALID);
  }

  @Test
  void flippedBitInACommitSignatureIsFound() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2", "h3");
    List<StoredBlock> chain = new ArrayList<>(f.stored());
    StoredBlock block = chain.get(3);
    CommitCertificate cert = CommitCertificate.decode(block.certificate());
    List<CommitCertificate.Signature> signatures = new ArrayList<>(cert.signatures());
    byte[] sig = signatures.get(1).signature();
    sig[0] ^= 0x40;
    signatures.set(
        1,
        new CommitCertificate.Signature(signatures.get(1).member(), signatures.get(1).key(), sig));
    chain.set(
        3,
        new StoredBlock(
            block.header(), block.transactions(), new CommitCertificate(signatures).encoded()));

    ChainVerifier.Failure failure = verifier.verify(chain).failure();

    assertThat(failure.height()).isEqualTo(3);
    assertThat(failure.check()).isEqualTo(Check.CERTIFICATE);
    assertThat(failure.detail()).contains("does not verify");
  }

  @Test
  void memberCertificateSwappedInGenesisIsFound() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2", "h3", "h4");
    LedgerFixture impostor = new LedgerFixture("h2");
    List<StoredBlock> chain = new ArrayList<>(f.stored());
    StoredBlock genesis = chain.get(0);
    String original = new String(genesis.transactions().get(0));
    String swapped =
        original.replace(
            Json.base64url(encoded(f.members.get(1))),
            Json.base64url(encoded(impostor.members.get(0))));
    assertThat(swapped).isNotEqualTo(original);
    chain.set(
        0, new StoredBlock(genesis.header(), List.of(swapped.getBytes()), genesis.certificate()));

    ChainVerifier.Failure failure = verifier.verify(chain).failure();

    assertThat(failure.height()).isZero();
    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_ROOT);
  }

  @ParameterizedTest(name = "{0} members, {1} signers: ok={2}")
  @CsvSource({
    "1, 1, true",
    "2, 1, false",
    "2, 2, true",
    "3, 2, false",
    "3, 3, true",
    "4, 2, false",
    "4, 3, true",
    "5, 3, false",
    "5, 4, true",
    "7, 4, false",
    "7, 5, true"
  })
  void blocksNeedTheQuorumOfTheirChannelSize(int members, int signers, boolean ok) {
    String[] names = new String[members];
    for (int i = 0; i < members; i++) {
      names[i] = "h" + (i + 1);
    }
    LedgerFixture f = new LedgerFixture(names);
    f.genesis();
    int[] who = new int[signers];
    for (int i = 0; i < signers; i++) {
      who[i] = i;
    }
    f.commit(List.of(f.register(0, "r1")), who);

    ChainVerifier.Report report = verifier.verify(f.stored());

    assertThat(report.ok()).as(String.valueOf(report.failure())).isEqualTo(ok);
    if (!ok) {
      assertThat(report.failure().height()).isEqualTo(1);
      assertThat(report.failure().check()).isEqualTo(Check.CERTIFICATE);
    }
  }

  @Test
  void theSameMemberSigningTwiceDoesNotMakeAQuorum() {
    LedgerFixture f = new LedgerFixture("h1", "h2", "h3", "h4");
    f.genesis();
    f.commit(List.of(f.register(0, "r1")), 0, 1, 1);

    ChainVerifier.Failure failure = verifier.verify(f.stored()).failure();

    assertThat(failure.check()).isEqualTo(Check.CERTIFICATE);
    assertThat(failure.detail()).contains("two signatures by h2");
  }

  @Test
  void aReplayedTransactionIsFound() {
    LedgerFixture f = new LedgerFixture("h1");
    f.genesis();
    SignedTransaction tx = f.register(0, "r1");
    f.commit(List.of(tx), 0);
    f.commit(List.of(tx), 0);

    ChainVerifier.Failure failure = verifier.verify(f.stored()).failure();

    assertThat(failure.height()).isEqualTo(2);
    assertThat(failure.check()).isEqualTo(Check.DUPLICATE_TRANSACTION);
  }

  @Test
  void aTransactionByAnOutsiderIsFound() {
    LedgerFixture f = new LedgerFixture("h1", "h2");
    LedgerFixture outsider = new LedgerFixture("h9");
    f.genesis();
    f.commit(List.of(outsider.register(0, "r1")), f.allSigners());

    ChainVerifier.Failure failure = verifier.verify(f.stored()).failure();

    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_SIGNATURE);
    assertThat(failure.code()).isEqualTo(ErrorCode.TX_UNKNOWN_AUTHOR);
  }

  @Test
  void aBlockOutOfOrderBreaksTheLink() {
    LedgerFixture f = chainOfFourBlocks("h1", "h2");
    List<StoredBlock> chain = new ArrayList<>(f.stored());
    chain.remove(2);

    ChainVerifier.Failure failure = verifier.verify(chain).failure();

    assertThat(failure.height()).isEqualTo(2);
    assertThat(failure.check()).isEqualTo(Check.HEIGHT);
  }

  @Test
  void aTransactionWithANullBodyValueIsReportedNotThrown() {
    // Found while benchmarking: decode threw a NullPointerException, which aborted verification.
    LedgerFixture f = new LedgerFixture("h1");
    f.genesis();
    byte[] bad =
        new String(f.register(0, "r1").encoded())
            .replace("\"size\":1234", "\"size\":null")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> SignedTransaction.decode(bad)))
        .isInstanceOf(org.careledger.domain.CareLedgerException.class)
        .hasMessageContaining("must not be null");
    BlockHeader genesis = f.blocks.get(0).header();
    BlockHeader header =
        new BlockHeader(
            LedgerFixture.CHANNEL,
            1,
            genesis.hash(),
            org.careledger.domain.ledger.merkle.MerkleTree.root(
                List.of(org.careledger.domain.ledger.merkle.MerkleTree.leafHash(bad))),
            1,
            genesis.time() + 1,
            f.members.get(0).institution());
    CommitCertificate certificate =
        new CommitCertificate(
            List.of(CommitCertificate.sign(header, f.members.get(0), f.keys.get(0))));
    List<StoredBlock> chain = new ArrayList<>(f.stored());
    chain.add(new StoredBlock(header.encoded(), List.of(bad), certificate.encoded()));

    ChainVerifier.Failure failure = verifier.verify(chain).failure();

    assertThat(failure.height()).isEqualTo(1);
    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_DECODING);
    assertThat(failure.code()).isEqualTo(ErrorCode.TX_MALFORMED);
  }

  private static SignedTransaction reSigned(SignedTransaction tx, byte[] signature) {
    String json = new String(tx.encoded());
    String forged = json.replace(Json.base64url(tx.signature()), Json.base64url(signature));
    return SignedTransaction.decode(forged.getBytes());
  }

  private static byte[] encoded(Member member) {
    try {
      return member.signingCertificate().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
