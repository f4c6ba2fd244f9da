package org.careledger.domain.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.careledger.domain.sharing.AccessLedgerVersionsTest.assertCode;
import static org.careledger.domain.sharing.RecordChain.OTHER;
import static org.careledger.domain.sharing.RecordChain.PROVIDER;
import static org.careledger.domain.sharing.RecordChain.TIME;
import static org.careledger.domain.sharing.RecordChain.USER;
import static org.careledger.domain.sharing.RecordChain.hash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.consensus.BlockValidator;
import org.careledger.domain.consensus.ProposedBlock;
import org.careledger.domain.ledger.Block;
import org.careledger.domain.ledger.LedgerFixture;
import org.careledger.domain.ledger.SignedTransaction;
import org.careledger.domain.ledger.TransactionType;
import org.junit.jupiter.api.Test;

/**
 * The rules of record versions in block validation and pool admission, as every member applies them
 * from its own chain: who may amend, the line of versions, erased records, grants carried over and
 * grants made for a version that is no longer current, alone and within one block.
 */
class RecordRulesTest {

  private final RecordChain c = new RecordChain();
  private final Block genesis = c.f.genesis();
  private final AtomicInteger chainReads = new AtomicInteger();
  private final RecordRules rules =
      new RecordRules(
          record -> {
            chainReads.incrementAndGet();
            return List.copyOf(c.chain);
          });

  private void validate(SignedTransaction... txs) {
    ProposedBlock block =
        new ProposedBlock(
            Block.header(
                LedgerFixture.CHANNEL,
                genesis.header(),
                List.of(txs),
                TIME,
                c.f.members.get(0).institution()),
            List.of(txs));
    rules.validate(genesis.header(), block);
  }

  /** Both paths: the pool's admission and a block of the transaction alone. */
  private void assertRefused(SignedTransaction tx, ErrorCode code) {
    assertCode(() -> rules.admit(tx), code);
    assertCode(() -> validate(tx), code);
  }

  private void assertAccepted(SignedTransaction... txs) {
    assertThatCode(() -> validate(txs)).doesNotThrowAnyException();
    if (txs.length == 1) {
      assertThatCode(() -> rules.admit(txs[0])).doesNotThrowAnyException();
    }
  }

  @Test
  void theProviderAmendsFromTheCurrentVersionToTheNext() {
    c.register("rec-1");
    assertAccepted(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()));
    c.amend("rec-1", 1, 2, Map.of());
    assertAccepted(c.amendTx(PROVIDER, "rec-1", 2, 3, Map.of()));
  }

  @Test
  void anAmendmentByAnotherMemberIsRefused() {
    c.register("rec-1");
    assertRefused(c.amendTx(USER, "rec-1", 1, 2, Map.of()), ErrorCode.NOT_RECORD_PROVIDER);
    assertRefused(c.amendTx(OTHER, "rec-1", 1, 2, Map.of()), ErrorCode.NOT_RECORD_PROVIDER);
  }

  @Test
  void anAmendmentOutOfSequenceIsRefused() {
    c.register("rec-1");
    c.amend("rec-1", 1, 2, Map.of());
    // Made from version 1 after version 2 committed: a lost update.
    assertRefused(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()), ErrorCode.RECORD_VERSION_CONFLICT);
    assertRefused(c.amendTx(PROVIDER, "rec-1", 2, 4, Map.of()), ErrorCode.RECORD_VERSION_CONFLICT);
    assertRefused(c.amendTx(PROVIDER, "rec-1", 3, 4, Map.of()), ErrorCode.RECORD_VERSION_CONFLICT);
  }

  @Test
  void twoAmendmentsFromTheSameVersionCannotBothCommitInOneBlock() {
    c.register("rec-1");
    SignedTransaction first = c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of());
    SignedTransaction second = c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of());

    assertCode(() -> validate(first, second), ErrorCode.RECORD_VERSION_CONFLICT);
    assertAccepted(first, c.amendTx(PROVIDER, "rec-1", 2, 3, Map.of()));
  }

  @Test
  void anErasedRecordCannotBeAmended() {
    c.register("rec-1");
    c.erase("rec-1");
    assertRefused(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()), ErrorCode.RECORD_ERASED);
  }

  @Test
  void anErasureEarlierInTheSameBlockCountsToo() {
    c.register("rec-1");
    SignedTransaction erase =
        c.f.tx(
            PROVIDER,
            TransactionType.ERASE,
            Bodies.of("recordId", "rec-1", "contentHash", "ab".repeat(32), "reasonCode", "x"));
    assertCode(
        () -> validate(erase, c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of())),
        ErrorCode.RECORD_ERASED);
  }

  @Test
  void anUnknownRecordCannotBeAmendedButOneRegisteredEarlierInTheBlockCan() {
    assertRefused(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()), ErrorCode.TX_UNKNOWN);
    assertAccepted(c.f.register(PROVIDER, "rec-1"), c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()));
  }

  @Test
  void anAmendmentNotOfItsFormIsRefused() {
    c.register("rec-1");
    for (Map.Entry<String, Object> bad :
        List.<Map.Entry<String, Object>>of(
            Map.entry("contentHash", "AB".repeat(32)),
            Map.entry("envelopeHash", "short"),
            Map.entry("size", 0L),
            Map.entry("mediaType", "pdf"),
            Map.entry("version", "2"),
            Map.entry("grantEnvelopes", "none"),
            Map.entry("grantEnvelopes", Map.of("not-a-tx", hash('f', 2))))) {
      Map<String, Object> body =
          new LinkedHashMap<>(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()).transaction().body());
      body.put(bad.getKey(), bad.getValue());
      assertRefused(c.f.tx(PROVIDER, TransactionType.AMEND, body), ErrorCode.TX_MALFORMED);
    }
  }

  @Test
  void anAmendmentMustCarryOverEveryGrantInForceAtItsTime() {
    c.register("rec-1");
    SignedTransaction grant = c.shared("rec-1", "req-1", USER);
    c.request(OTHER, "req-2", "rec-1");
    c.grant("req-2", "rec-1", OTHER, null, TIME - 1); // expired before the amendment's time
    c.request(OTHER, "req-3", "rec-1");
    c.revoke(c.grant("req-3", "rec-1", OTHER, null, null));

    assertRefused(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()), ErrorCode.RECORD_VERSION_CONFLICT);
    assertAccepted(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of(grant.idHex(), hash('f', 2))));
  }

  @Test
  void anAmendmentMayNotCarryARevokedGrantOrOneOfAnotherRecord() {
    c.register("rec-1");
    c.register("rec-2");
    SignedTransaction revoked = c.shared("rec-1", "req-1", USER);
    c.revoke(revoked);
    SignedTransaction elsewhere = c.shared("rec-2", "req-2", USER);

    assertRefused(
        c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of(revoked.idHex(), hash('f', 2))),
        ErrorCode.RECORD_VERSION_CONFLICT);
    assertRefused(
        c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of(elsewhere.idHex(), hash('f', 2))),
        ErrorCode.RECORD_VERSION_CONFLICT);
  }

  @Test
  void aGrantCommittedBeforeTheAmendmentInTheSameBlockMustBeCarriedOver() {
    c.register("rec-1");
    c.request(USER, "req-1", "rec-1");
    SignedTransaction grant = c.grantTx("req-1", "rec-1", USER, 1L, null);

    assertCode(
        () -> validate(grant, c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of())),
        ErrorCode.RECORD_VERSION_CONFLICT);
    assertAccepted(grant, c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of(grant.idHex(), hash('f', 2))));
  }

  @Test
  void aGrantForAVersionThatIsNoLongerCurrentIsRefused() {
    c.register("rec-1");
    c.request(USER, "req-1", "rec-1");
    SignedTransaction stale = c.grantTx("req-1", "rec-1", USER, 1L, null);
    SignedTransaction unversioned = c.grantTx("req-1", "rec-1", USER, null, null);
    SignedTransaction amendment = c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of());

    // An amendment earlier in the same block makes version 1 stale too.
    assertCode(() -> validate(amendment, stale), ErrorCode.RECORD_VERSION_CONFLICT);

    c.add(amendment);
    assertRefused(stale, ErrorCode.RECORD_VERSION_CONFLICT);
    assertRefused(unversioned, ErrorCode.RECORD_VERSION_CONFLICT);
    assertAccepted(c.grantTx("req-1", "rec-1", USER, 2L, null));
  }

  @Test
  void grantsMadeBeforeVersionsExistedStillPassOnARecordNeverAmended() {
    c.register("rec-1");
    c.request(USER, "req-1", "rec-1");
    assertAccepted(c.grantTx("req-1", "rec-1", USER, null, null));
  }

  @Test
  void aBlockWithoutAmendmentsOrGrantsDoesNotReadTheChain() {
    c.register("rec-1");
    validate(c.f.register(PROVIDER, "rec-2"), c.f.tx(USER, TransactionType.REQUEST, requestBody()));
    assertThat(chainReads).hasValue(0);
  }

  @Test
  void composedWithAnotherValidatorBothMustPass() {
    c.register("rec-1");
    List<String> seen = new ArrayList<>();
    BlockValidator both =
        rules.andThen(
            new BlockValidator() {
              @Override
              public void validate(
                  org.careledger.domain.ledger.BlockHeader parent, ProposedBlock block) {
                seen.add("validate");
              }

              @Override
              public void admit(SignedTransaction transaction) {
                seen.add("admit");
              }
            });
    SignedTransaction bad = c.amendTx(USER, "rec-1", 1, 2, Map.of());

    assertCode(() -> both.admit(bad), ErrorCode.NOT_RECORD_PROVIDER);
    assertThat(seen).isEmpty();
    both.admit(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()));
    assertThat(seen).containsExactly("admit");
  }

  private static Map<String, Object> requestBody() {
    return Bodies.of(
        "requestId", "req-9", "scope", "record", "recordId", "rec-1", "purpose", "TREAT");
  }

  @Test
  void aGrantUnderAClassRequestIsCarriedOverLikeAnyGrantAndReadsTheNewVersion() {
    c.register("rec-1"); // the fixture's lab report (11502-2) of patient "cd…"
    c.add(c.classRequestTx(USER, "creq-1"));
    // A class grant wraps the current version's key like a record grant (CL-1722 otherwise).
    SignedTransaction grant = c.grantTx("creq-1", "rec-1", USER, 1L, null);
    assertAccepted(grant);
    c.add(grant);
    assertThat(c.ledger().grantInForce("rec-1", c.institution(USER), TIME)).isPresent();

    assertRefused(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of()), ErrorCode.RECORD_VERSION_CONFLICT);
    assertAccepted(c.amendTx(PROVIDER, "rec-1", 1, 2, Map.of(grant.idHex(), hash('f', 2))));
    c.amend("rec-1", 1, 2, Map.of(grant.idHex(), hash('f', 2)));
    AccessLedger ledger = c.ledger();
    AccessLedger.Grant counted =
        ledger.grantInForce("rec-1", c.institution(USER), TIME).orElseThrow();
    assertThat(counted.requestId()).isEqualTo("creq-1");
    assertThat(AccessLedger.envelopeFor(counted, ledger.record("rec-1").orElseThrow()))
        .contains(hash('f', 2));
    assertRefused(c.grantTx("creq-1", "rec-1", USER, 1L, null), ErrorCode.RECORD_VERSION_CONFLICT);
  }
}
