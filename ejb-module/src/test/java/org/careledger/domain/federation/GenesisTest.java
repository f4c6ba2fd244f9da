package org.careledger.domain.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.federation.FederationFixture.at;
import static org.careledger.domain.federation.FederationFixture.list;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.BlockHeader;
import org.careledger.domain.ledger.ChainVerifier;
import org.careledger.domain.ledger.ChainVerifier.Check;
import org.careledger.domain.ledger.ChainVerifier.StoredBlock;
import org.careledger.domain.ledger.ChannelId;
import org.careledger.domain.ledger.CommitCertificate;
import org.careledger.domain.ledger.FederatedGenesis;
import org.careledger.domain.ledger.Member;
import org.careledger.domain.ledger.Membership;
import org.careledger.domain.ledger.ProofBundle;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.Transaction;
import org.careledger.domain.ledger.TransactionType;
import org.junit.jupiter.api.Test;

class GenesisTest {

  private static final FederationFixture F = FederationFixture.standard();
  private static final ChannelId CARE = new ChannelId("care-bft");
  private static final ChannelId LAB = new ChannelId("lab-pair");

  /**
   * The genesis hashes of the committed test descriptor; they change only if the format or the test
   * descriptor does (last: its consentPolicy placeholder became a sharing policy of the real form).
   */
  private static final String CARE_BFT_GENESIS =
      "61f5c691ec83e67733a346d4ef51ac552bdb52390152df1d6dff01425959e937";

  private static final String LAB_PAIR_GENESIS =
      "3d2d76d72608ddb2a721c14219cdc354ed132c4dac4dfa974622dd0bb2c6dc3a";

  private final ChainVerifier verifier = new ChainVerifier();

  @Test
  void twoMachinesReadingDifferentlyLaidOutFilesDeriveTheSameGenesis() {
    Map<String, Object> json = F.descriptor();
    byte[] compact = FederationFixture.bytes(json);
    Map<String, Object> shuffled = FederationDescriptorTest.reversed(json);
    Collections.reverse(list(shuffled, "members"));
    Collections.reverse(list(shuffled, "channels"));
    Collections.reverse(list(at(shuffled, "channels", 1), "members"));
    byte[] pretty = FederationFixture.parse(shuffled).toJson();
    byte[] spaced =
        FederationFixture.text(FederationFixture.bytes(shuffled))
            .replace(",", " ,\n\t")
            .replace(":", " : ")
            .getBytes(StandardCharsets.UTF_8);

    Block first = Genesis.of(FederationDescriptor.parse(compact), CARE);
    Block second = Genesis.of(FederationDescriptor.parse(spaced), CARE);
    Block third = Genesis.of(FederationDescriptor.parse(pretty), CARE);

    assertThat(second.header().hashHex()).isEqualTo(first.header().hashHex());
    assertThat(third.header().hashHex()).isEqualTo(first.header().hashHex());
    assertThat(second.transactions().get(0).encoded())
        .isEqualTo(first.transactions().get(0).encoded());
  }

  @Test
  void theCommittedTestDescriptorHasTheseGenesisHashes() throws Exception {
    FederationDescriptor d =
        FederationDescriptor.parse(
            getClass().getResourceAsStream("/federation/test-descriptor.json").readAllBytes());

    assertThat(Genesis.of(d, CARE).header().hashHex()).isEqualTo(CARE_BFT_GENESIS);
    assertThat(Genesis.of(d, LAB).header().hashHex()).isEqualTo(LAB_PAIR_GENESIS);
  }

  @Test
  void theGenesisHasTheDocumentedFixedForm() {
    FederationDescriptor d = FederationFixture.parse(F.descriptor());
    Block genesis = Genesis.of(d, CARE);
    BlockHeader header = genesis.header();
    Transaction config = genesis.transactions().get(0).transaction();

    assertThat(header.height()).isZero();
    assertThat(header.previousHash()).isEqualTo(new byte[32]);
    assertThat(header.time()).isEqualTo(FederationFixture.CREATED_AT);
    assertThat(header.proposer().value()).isEqualTo("local-demo");
    assertThat(genesis.transactions()).hasSize(1);
    assertThat(genesis.transactions().get(0).isSigned()).isFalse();
    assertThat(genesis.certificate().signatures()).isEmpty();
    assertThat(config.type()).isEqualTo(TransactionType.CHANNEL_CONFIG);
    assertThat(config.author().value()).isEqualTo("local-demo");
    assertThat(config.time()).isEqualTo(FederationFixture.CREATED_AT);
    assertThat(config.body())
        .containsEntry("federation", "local-demo")
        .containsEntry("consensus", "bft")
        .containsEntry("batch", Map.of("maxDelayMillis", 50L, "maxTransactions", 500L))
        .containsKeys("members", "agreementCertificates", "consentPolicy");
    Membership membership = Membership.fromConfigBody(config.body());
    assertThat(membership.size()).isEqualTo(4);
    assertThat(membership.byInstitution(new InstitutionId("hospital-a")).orElseThrow())
        .isEqualTo(d.member(new InstitutionId("hospital-a")).orElseThrow().ledgerMember());
    assertThat(verifier.verify(List.of(genesis.stored())).ok()).isTrue();
  }

  @Test
  void everyChannelSettingAndCertificateChangesTheHashButTransportDoesNot() {
    String base = hash(j -> {});
    FederationFixture other = new FederationFixture("hospital-a");
    String otherSigning =
        FederationFixture.base64(other.identities.get("hospital-a").signingCertificate());
    String otherAgreement =
        FederationFixture.base64(other.identities.get("hospital-a").agreementCertificate());
    String otherTls = FederationFixture.base64(other.identities.get("hospital-a").tlsCertificate());
    int hospital = 0; // first in the fixture's member list

    assertThat(hash(j -> at(j, "members", hospital).put("signingCertificate", otherSigning)))
        .isNotEqualTo(base);
    assertThat(hash(j -> at(j, "members", hospital).put("agreementCertificate", otherAgreement)))
        .isNotEqualTo(base);
    assertThat(hash(j -> at(j, "channels", 0).put("consentPolicy", Map.of()))).isNotEqualTo(base);
    assertThat(hash(j -> batch(j).put("maxTransactions", 499L))).isNotEqualTo(base);
    assertThat(hash(j -> batch(j).put("maxDelayMillis", 51L))).isNotEqualTo(base);
    assertThat(hash(j -> j.put("createdAt", FederationFixture.CREATED_AT + 1))).isNotEqualTo(base);
    assertThat(hash(j -> j.put("federation", "other-demo"))).isNotEqualTo(base);
    // Transport and members outside the channel are not part of the channel's identity.
    assertThat(hash(j -> at(j, "members", hospital).put("tlsCertificate", otherTls)))
        .isEqualTo(base);
    assertThat(hash(j -> artemis(j, hospital).put("port", 9999L))).isEqualTo(base);
    assertThat(hash(j -> at(j, "channels", 1).put("consentPolicy", Map.of()))).isEqualTo(base);
  }

  @Test
  void anUnknownChannelHasNoGenesis() {
    FederationDescriptor d = FederationFixture.parse(F.descriptor());
    assertThatThrownBy(() -> Genesis.of(d, new ChannelId("nope")))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FEDERATION_CHANNEL_UNKNOWN));
  }

  @Test
  void aChainFromTheDerivedGenesisWithAQuorumCertifiedBlockOneVerifies() {
    Chain chain = new Chain(CARE);
    chain.commit(
        List.of(chain.register("hospital-a", "r1"), chain.register("clinic-b", "r2")),
        "hospital-a",
        "clinic-b",
        "pharmacy-c");
    chain.commit(List.of(chain.register("insurer-d", "r3")), "clinic-b", "insurer-d", "pharmacy-c");

    ChainVerifier.Report report = verifier.verify(chain.stored());

    assertThat(report.ok()).as(String.valueOf(report.failure())).isTrue();
    assertThat(report.blocksVerified()).isEqualTo(3);
    assertThat(report.transactionsVerified()).isEqualTo(4);
  }

  @Test
  void blockOneWithoutAQuorumIsRejected() {
    Chain chain = new Chain(CARE);
    chain.commit(List.of(chain.register("hospital-a", "r1")), "hospital-a", "clinic-b");

    ChainVerifier.Failure failure = verifier.verify(chain.stored()).failure();

    assertThat(failure.height()).isEqualTo(1);
    assertThat(failure.check()).isEqualTo(Check.CERTIFICATE);
  }

  @Test
  void anUnsignedTransactionAfterGenesisIsRejected() {
    Chain chain = new Chain(CARE);
    Block genesis = chain.blocks.get(0);
    SignedTransaction unsignedCopy =
        SignedTransaction.unsigned(
            new Transaction(
                CARE,
                TransactionType.CHANNEL_CONFIG,
                new InstitutionId("hospital-a"),
                member("hospital-a").signingFingerprint(),
                "BBBBBBBBBBBBBBBBBBBBBB",
                FederationFixture.CREATED_AT + 5,
                genesis.transactions().get(0).transaction().body()));
    chain.commit(
        List.of(chain.register("hospital-a", "r1"), unsignedCopy),
        "hospital-a",
        "clinic-b",
        "pharmacy-c",
        "insurer-d");

    ChainVerifier.Failure failure = verifier.verify(chain.stored()).failure();

    assertThat(failure.height()).isEqualTo(1);
    assertThat(failure.transactionIndex()).isEqualTo(1);
    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_SIGNATURE);
    assertThat(failure.code()).isEqualTo(ErrorCode.TX_SIGNATURE_INVALID);
  }

  @Test
  void aDescriptorStyleGenesisBlockAfterGenesisIsRejected() {
    Chain chain = new Chain(CARE);
    Block fake = Genesis.of(FederationFixture.parse(F.descriptor()), CARE);
    BlockHeader header =
        Block.header(
            CARE,
            chain.head(),
            fake.transactions(),
            FederationFixture.CREATED_AT + 10,
            new InstitutionId("local-demo"));
    chain.blocks.add(new Block(header, fake.transactions(), new CommitCertificate(List.of())));

    ChainVerifier.Failure failure = verifier.verify(chain.stored()).failure();

    assertThat(failure.height()).isEqualTo(1);
    assertThat(failure.check()).isEqualTo(Check.TRANSACTION_SIGNATURE);
  }

  @Test
  void aGenesisThatBendsTheFixedFormIsRejected() {
    Block genesis = Genesis.of(FederationFixture.parse(F.descriptor()), CARE);
    StoredBlock stored = genesis.stored();
    BlockHeader h = genesis.header();
    SignedTransaction config = genesis.transactions().get(0);

    // A certificate where none belongs.
    CommitCertificate someSignature =
        new CommitCertificate(
            List.of(CommitCertificate.sign(h, member("hospital-a"), F.signingKey("hospital-a"))));
    assertGenesisRejected(
        new StoredBlock(stored.header(), stored.transactions(), someSignature.encoded()));

    // A member claiming to be the proposer.
    BlockHeader byMember =
        Block.header(CARE, null, List.of(config), h.time(), new InstitutionId("hospital-a"));
    assertGenesisRejected(
        new StoredBlock(byMember.encoded(), stored.transactions(), stored.certificate()));

    // Another time in the header than in the configuration.
    BlockHeader later = Block.header(CARE, null, List.of(config), h.time() + 1, h.proposer());
    assertGenesisRejected(
        new StoredBlock(later.encoded(), stored.transactions(), stored.certificate()));

    // A consensus mode that does not fit the members.
    Map<String, Object> body = new LinkedHashMap<>(config.transaction().body());
    body.put("consensus", "unanimity");
    assertGenesisRejected(FederatedGenesis.block(CARE, h.proposer(), h.time(), body).stored());

    // An unsigned configuration authored by a member (who could then write as "the federation").
    Map<String, Object> memberBody = new LinkedHashMap<>(config.transaction().body());
    memberBody.put("federation", "hospital-a");
    assertGenesisRejected(
        FederatedGenesis.block(CARE, new InstitutionId("hospital-a"), h.time(), memberBody)
            .stored());
  }

  @Test
  void proofBundlesVerifyForBlockOneAndForTheGenesisItself() {
    Chain chain = new Chain(CARE);
    chain.commit(
        List.of(chain.register("hospital-a", "r1"), chain.register("clinic-b", "r2")),
        "hospital-a",
        "clinic-b",
        "pharmacy-c");
    chain.commit(List.of(), "hospital-a", "clinic-b", "insurer-d");

    ProofBundle.Verified ofRecord = ProofBundle.verify(ProofBundle.create(chain.blocks, 1, 1, 2));
    ProofBundle.Verified ofGenesis = ProofBundle.verify(ProofBundle.create(chain.blocks, 0, 0, 2));

    assertThat(ofRecord.author()).isEqualTo("clinic-b");
    assertThat(ofRecord.members()).isEqualTo(4);
    assertThat(ofGenesis.type()).isEqualTo("channel-config");
    assertThat(ofGenesis.author()).isEqualTo("local-demo");
  }

  private void assertGenesisRejected(StoredBlock genesis) {
    ChainVerifier.Failure failure = verifier.verify(List.of(genesis)).failure();
    assertThat(failure).isNotNull();
    assertThat(failure.height()).isZero();
    assertThat(failure.check()).isIn(Check.GENESIS_CONFIG, Check.TRANSACTION_SIGNATURE);
  }

  private static Member member(String institution) {
    return new Member(
        new InstitutionId(institution), F.identities.get(institution).signingCertificate());
  }

  private static String hash(Consumer<Map<String, Object>> change) {
    Map<String, Object> json = F.descriptor();
    change.accept(json);
    return Genesis.of(FederationFixture.parse(json), CARE).header().hashHex();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> batch(Map<String, Object> json) {
    return (Map<String, Object>) at(json, "channels", 0).get("batch");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> artemis(Map<String, Object> json, int member) {
    return (Map<String, Object>) at(json, "members", member).get("artemis");
  }

  /** A chain on the derived genesis, committed by the members' real keys. */
  private static final class Chain {
    final ChannelId channel;
    final List<Block> blocks = new ArrayList<>();
    private int nonce;

    Chain(ChannelId channel) {
      this.channel = channel;
      blocks.add(Genesis.of(FederationFixture.parse(F.descriptor()), channel));
    }

    BlockHeader head() {
      return blocks.get(blocks.size() - 1).header();
    }

    SignedTransaction register(String author, String recordId) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("recordId", recordId);
      body.put("version", 1L);
      body.put("contentHash", "ab".repeat(32));
      body.put("size", 1234L);
      body.put("mediaType", "application/pdf");
      body.put("documentClass", "11502-2");
      body.put("patient", "cd".repeat(32));
      String n = String.format("%022d", ++nonce);
      return SignedTransaction.sign(
          new Transaction(
              channel,
              TransactionType.REGISTER,
              new InstitutionId(author),
              member(author).signingFingerprint(),
              n,
              FederationFixture.CREATED_AT + blocks.size(),
              body),
          F.signingKey(author));
    }

    void commit(List<SignedTransaction> txs, String... signers) {
      BlockHeader header =
          Block.header(
              channel,
              head(),
              txs,
              FederationFixture.CREATED_AT + 1000L * blocks.size(),
              new InstitutionId(signers[0]));
      List<CommitCertificate.Signature> signatures = new ArrayList<>();
      for (String signer : signers) {
        signatures.add(CommitCertificate.sign(header, member(signer), F.signingKey(signer)));
      }
      blocks.add(new Block(header, txs, new CommitCertificate(signatures)));
    }

    List<StoredBlock> stored() {
      return blocks.stream().map(Block::stored).toList();
    }
  }
}
