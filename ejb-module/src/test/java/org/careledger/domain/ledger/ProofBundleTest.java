package org.careledger.domain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.domain.ledger.LedgerFixture.T0;
import static org.careledger.domain.ledger.TransactionType.CONFIG_UPDATE;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.identity.InstitutionId;
import org.careledger.domain.ledger.ChannelConfig.Bridge;
import org.careledger.domain.ledger.LedgerFixture.Identity;
import org.careledger.domain.ledger.canonical.CanonicalJson;
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

  // ---- Across channel governance: the membership in force at each height

  private static final int A = 0; // hospital-a
  private static final int B = 1; // clinic-b
  private static final int C = 2; // pharmacy-c
  private static final int D = 3; // insurer-d
  private static final int E = 4; // lab-e, once admitted

  /**
   * Blocks 0-6 of a four-member BFT channel under governance: a transaction in block 1 before any
   * change; lab-e admitted in blocks 2-3 (a member from height 4, quorum 4 of 5) and writing in
   * block 4; clinic-b's key renewed in block 5 (from height 6), clinic-b writing with its new key
   * in block 6, where insurer-d's removal is decided (from height 7: four members, quorum 3).
   */
  private static LedgerFixture throughRemoval() {
    LedgerFixture g = admitted();
    g.commit(List.of(g.register(E, "lab-1")), A, B, C, E);
    Identity renewed = LedgerFixture.identity("clinic-b", T0);
    SignedTransaction renew =
        g.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.renewCertificate(
                g.config().id(), renewed.member(), renewed.agreementCertificate()));
    g.commit(List.of(renew, g.approve(C, renew), g.approve(D, renew)), A, B, C, E);
    g.use(renewed);
    SignedTransaction remove =
        g.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.removeMember(g.config().id(), new InstitutionId("insurer-d")));
    g.commit(
        List.of(remove, g.approve(B, remove), g.approve(C, remove), g.register(B, "renewed")),
        A,
        B,
        C,
        E);
    assertThat(g.config().membership().size()).isEqualTo(4);
    return g;
  }

  /** Blocks 0-3: lab-e's admission decided in block 3, a member (and a signer here) from 4. */
  private static LedgerFixture admitted() {
    LedgerFixture g = new LedgerFixture("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");
    g.genesis();
    g.commit(List.of(g.register(A, "before")), A, B, C, D);
    Identity lab = LedgerFixture.identity("lab-e", T0);
    SignedTransaction add =
        g.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.addMember(
                g.config().id(),
                lab.member(),
                lab.agreementCertificate(),
                new Bridge("127.0.0.1", 8530, 8893)));
    g.commit(List.of(add, g.approve(B, add)), A, B, C);
    g.commit(List.of(g.approve(C, add)), A, B, C);
    assertThat(g.use(lab)).isEqualTo(E);
    return g;
  }

  /**
   * {@link #throughRemoval()}, then pharmacy-c's certificate revoked in block 7 (from height 8),
   * clinic-b writing in block 8 and lab-e in block 9, both sealed by the three who can sign.
   */
  private static LedgerFixture governed() {
    LedgerFixture g = throughRemoval();
    revokePharmacy(g);
    g.commit(List.of(g.register(B, "after")), A, B, E);
    g.commit(List.of(g.register(E, "lab-2")), A, B, E);
    return g;
  }

  private static void revokePharmacy(LedgerFixture g) {
    Member pharmacy = g.members.get(C);
    SignedTransaction revoke =
        g.tx(
            A,
            CONFIG_UPDATE,
            ChannelConfig.revokeCertificate(
                g.config().id(), pharmacy.institution(), pharmacy.signingFingerprint()));
    g.commit(List.of(revoke, g.approve(B, revoke), g.approve(E, revoke)), A, B, C, E);
    assertThat(g.config().membership().byInstitution(pharmacy.institution())).isEmpty();
  }

  private static final LedgerFixture G = governed();

  /** The bundle of clinic-b's transaction in block 8, with head 9. */
  private static byte[] afterTheChanges() {
    return ProofBundle.create(G.blocks, 8, 0, 9);
  }

  @Test
  void theGovernedChainIsValid() {
    ChainVerifier.Report report = new ChainVerifier().verify(G.stored());
    assertThat(report.ok()).as(report.toString()).isTrue();
  }

  @Test
  void aTransactionAfterMembershipChangesVerifiesUnderTheMembershipInForce() {
    ProofBundle.Verified verified = ProofBundle.verify(afterTheChanges());

    assertThat(verified.height()).isEqualTo(8);
    assertThat(verified.head()).isEqualTo(9);
    assertThat(verified.from()).as("headers from the first config block").isEqualTo(2);
    assertThat(verified.configTransactions()).isEqualTo(12);
    assertThat(verified.members()).as("lab-e in, insurer-d out").isEqualTo(4);
    assertThat(verified.author()).isEqualTo("clinic-b");
    assertThat(verified.transactionId()).isEqualTo(G.blocks.get(8).transactions().get(0).idHex());
  }

  @Test
  void theNewMembersAndTheRenewedKeysTransactionsVerify() {
    ProofBundle.Verified lab = ProofBundle.verify(ProofBundle.create(G.blocks, 4, 0, 9));
    ProofBundle.Verified renewed = ProofBundle.verify(ProofBundle.create(G.blocks, 6, 3, 9));
    ProofBundle.Verified lastLab = ProofBundle.verify(ProofBundle.create(G.blocks, 9, 0, 9));
    ProofBundle.Verified config = ProofBundle.verify(ProofBundle.create(G.blocks, 6, 0, 6));

    assertThat(lab.author()).isEqualTo("lab-e");
    assertThat(lab.members()).isEqualTo(5);
    assertThat(renewed.author()).isEqualTo("clinic-b");
    assertThat(lastLab.from()).isEqualTo(2);
    assertThat(config.type()).isEqualTo("config-update");
    assertThat(config.configTransactions()).isEqualTo(9);
  }

  @Test
  void aTransactionBeforeAnyChangeVerifiesAndWithoutConfigUpdatesTheBundleKeepsItsShape() {
    ProofBundle.Verified early = ProofBundle.verify(ProofBundle.create(G.blocks, 1, 0, 9));
    byte[] plain = ProofBundle.create(G.blocks, 1, 0, 1);
    ProofBundle.Verified before = ProofBundle.verify(plain);

    assertThat(early.from()).as("the transaction's block is earlier").isEqualTo(1);
    assertThat(early.members()).isEqualTo(4);
    assertThat(before.configTransactions()).isZero();
    assertThat(json(plain))
        .containsOnlyKeys(
            "v",
            "channel",
            "transaction",
            "leafIndex",
            "treeSize",
            "auditPath",
            "headers",
            "genesis")
        .containsEntry("v", 2L);
    assertThat(list(json(plain), "headers")).hasSize(1);
  }

  @Test
  void theGenesisMembershipAloneWouldRefuseIt() {
    // What version 1 did: the headers from the transaction's block, checked against genesis.
    Map<String, Object> v1 = json(afterTheChanges());
    v1.remove("configTransactions");
    v1.remove("height");
    v1.put("v", 1L);
    List<Object> headers = list(v1, "headers");
    v1.put("headers", new ArrayList<>(headers.subList(6, headers.size())));

    assertThatThrownBy(() -> ProofBundle.verify(CanonicalJson.encode(v1)))
        .hasMessageContaining("commit certificate of block 8")
        .hasMessageContaining("clinic-b names a key that is not its signing key");
  }

  @Test
  void aVersionOneBundleIsStillRead() {
    Map<String, Object> v1 = json(ProofBundle.create(f.blocks, 1, 1, 3));
    v1.put("v", 1L);

    assertThat(ProofBundle.verify(CanonicalJson.encode(v1)).author()).isEqualTo("h2");
  }

  @Test
  void aChangedByteInAConfigTransactionIsRefused() {
    Map<String, Object> bundle = json(afterTheChanges());
    Map<String, Object> entry = configEntry(bundle, 3);
    byte[] tx = Base64.getUrlDecoder().decode((String) entry.get("transaction"));
    tx[tx.length / 2] ^= 0x01;
    entry.put("transaction", Json.base64url(tx));

    assertRefused(bundle, "config transaction inclusion: config transaction 3 (block 5, leaf 0)");
  }

  @Test
  void aBrokenConfigAuditPathIsRefused() {
    Map<String, Object> bundle = json(afterTheChanges());
    Map<String, Object> entry = configEntry(bundle, 4);
    List<Object> path = new ArrayList<>(list(entry, "auditPath"));
    path.set(0, "00".repeat(32));
    entry.put("auditPath", path);

    assertRefused(bundle, "config transaction inclusion: config transaction 4 (block 5, leaf 1)");

    Map<String, Object> moved = json(afterTheChanges());
    configEntry(moved, 4).put("leafIndex", 2L);
    configEntry(moved, 5).put("leafIndex", 3L);
    assertRefused(moved, "config transaction inclusion");
  }

  @Test
  void leavingOutTheAdmissionOfAMemberFailsClosed() {
    Map<String, Object> onlyTheUpdate = json(afterTheChanges());
    list(onlyTheUpdate, "configTransactions").remove(0);
    assertRefused(
        onlyTheUpdate, "config transaction approval: config transaction 0 (block 2, leaf 1)");

    Map<String, Object> withItsApprovals = json(afterTheChanges());
    List<Object> configs = list(withItsApprovals, "configTransactions");
    configs.subList(0, 3).clear();
    assertRefused(withItsApprovals, "commit certificate of block 4: signature by non-member lab-e");
  }

  @Test
  void leavingOutAnUpdateThatALaterOneBuildsOnIsRefused() {
    Map<String, Object> withoutRenewal = json(afterTheChanges());
    list(withoutRenewal, "configTransactions").subList(3, 6).clear();

    assertRefused(
        withoutRenewal, "config transaction base: config transaction 3 (block 6, leaf 0)");
  }

  @Test
  void theLimitLeavingOutTheLastRevocationWithItsApprovalsGoesUnnoticed() {
    Map<String, Object> withoutRevocation = json(afterTheChanges());
    list(withoutRevocation, "configTransactions").subList(9, 12).clear();

    // Blocks 8 and 9 are sealed by hospital-a, clinic-b and lab-e: a quorum either way.
    assertThat(ProofBundle.verify(CanonicalJson.encode(withoutRevocation)).members()).isEqualTo(4);
  }

  @Test
  void aDroppedHeaderBetweenAConfigBlockAndTheTransactionsBlockIsRefused() {
    Map<String, Object> bundle = json(afterTheChanges());
    list(bundle, "headers").remove(3); // block 5

    assertRefused(bundle, "link: block 6 does not follow block 4");
  }

  @Test
  void configTransactionsOutsideTheHeadersOrOutOfOrderAreRefused() {
    Map<String, Object> late = json(afterTheChanges());
    configEntry(late, 11).put("height", 10L);
    assertRefused(late, "config transaction height: config transaction 11 is in block 10");

    Map<String, Object> headersCut = json(afterTheChanges());
    list(headersCut, "headers").subList(0, 2).clear(); // blocks 2 and 3
    assertRefused(headersCut, "config transaction height: config transaction 0 is in block 2");

    Map<String, Object> swapped = json(afterTheChanges());
    List<Object> configs = list(swapped, "configTransactions");
    configs.add(0, configs.remove(1));
    assertRefused(
        swapped,
        "config transaction order: config transaction 1 (block 2, leaf 0) does not follow block 2,"
            + " leaf 1");

    Map<String, Object> twice = json(afterTheChanges());
    List<Object> all = list(twice, "configTransactions");
    all.add(5, all.get(5));
    assertRefused(twice, "config transaction order");
  }

  @Test
  void anotherTransactionListedAsConfigIsRefused() {
    Map<String, Object> bundle = json(afterTheChanges());
    Map<String, Object> register = json(ProofBundle.create(G.blocks, 6, 3, 9));
    Map<String, Object> entry = new LinkedHashMap<>();
    for (String key : List.of("transaction", "leafIndex", "treeSize", "auditPath")) {
      entry.put(key, register.get(key));
    }
    entry.put("height", 6L);
    list(bundle, "configTransactions").add(9, entry);

    assertRefused(bundle, "config transaction type: config transaction 9 (block 6, leaf 3)");
  }

  @Test
  void aCertificateShortOfTheQuorumInForceIsRefused() {
    LedgerFixture g = admitted();
    // Lab-e is a member from height 4: three seals of five do not commit block 4.
    g.commit(List.of(g.register(A, "r")), A, B, C);

    assertThatThrownBy(() -> ProofBundle.verify(ProofBundle.create(g.blocks, 4, 0, 4)))
        .hasMessageContaining("commit certificate of block 4: 3 valid signatures")
        .hasMessageContaining("needs 4");
  }

  @Test
  void aRemovedMembersSealDoesNotCountTowardsTheQuorum() {
    LedgerFixture g = throughRemoval();
    // Three seals, one of them by insurer-d, removed from height 7 (the genesis membership would
    // have counted it: three of four).
    g.commit(List.of(g.register(A, "r")), A, C, D);

    assertThatThrownBy(() -> ProofBundle.verify(ProofBundle.create(g.blocks, 7, 0, 7)))
        .hasMessageContaining("commit certificate of block 7: signature by non-member insurer-d");
  }

  @Test
  void aRevokedKeysSealOrTransactionIsRefused() {
    LedgerFixture sealed = throughRemoval();
    revokePharmacy(sealed);
    sealed.commit(List.of(sealed.register(A, "r")), A, C, E);
    assertThatThrownBy(() -> ProofBundle.verify(ProofBundle.create(sealed.blocks, 8, 0, 8)))
        .hasMessageContaining("commit certificate of block 8: signature by pharmacy-c")
        .hasMessageContaining("revoked or expired");

    LedgerFixture written = throughRemoval();
    revokePharmacy(written);
    written.commit(List.of(written.register(C, "r")), A, B, E);
    assertThatThrownBy(() -> ProofBundle.verify(ProofBundle.create(written.blocks, 8, 0, 8)))
        .hasMessageContaining("transaction signature")
        .hasMessageContaining("revoked or expired");
  }

  @Test
  void everySampledByteChangeOfAGovernedBundleIsRejected() {
    byte[] bundle = afterTheChanges();
    int rejected = 0;
    for (int i = 0; i < bundle.length; i += 17) {
      byte[] tampered = bundle.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> ProofBundle.verify(tampered))
          .as("byte %d of %d", i, bundle.length)
          .isInstanceOf(CareLedgerException.class)
          .extracting(e -> ((CareLedgerException) e).errorCode())
          .isEqualTo(ErrorCode.PROOF_INVALID);
      rejected++;
    }
    assertThat(rejected).isGreaterThan(1000);
  }

  private static void assertRefused(Map<String, Object> bundle, String message) {
    assertThatThrownBy(() -> ProofBundle.verify(CanonicalJson.encode(bundle)))
        .isInstanceOf(CareLedgerException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((CareLedgerException) e).errorCode())
        .isEqualTo(ErrorCode.PROOF_INVALID);
  }

  /** The bundle as a mutable tree (objects and arrays copied all the way down). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(byte[] bundle) {
    return (Map<String, Object>) mutable(CanonicalJson.decode(bundle));
  }

  private static Object mutable(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, mutable(v)));
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(mutable(v)));
      return copy;
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> json, String key) {
    return (List<Object>) json.get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> configEntry(Map<String, Object> bundle, int n) {
    return (Map<String, Object>) list(bundle, "configTransactions").get(n);
  }
}
