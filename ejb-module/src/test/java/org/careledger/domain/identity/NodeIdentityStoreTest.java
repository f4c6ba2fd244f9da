package org.careledger.domain.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityStoreTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final InstitutionId ST_MARY = new InstitutionId("st-mary");

  @TempDir Path dir;
  private final InMemorySecretStore secrets = new InMemorySecretStore();

  private NodeIdentityStore store() {
    return new NodeIdentityStore(
        dir.resolve("identity/node.p12"), secrets, new NodeIdentityGenerator(), new SecureRandom());
  }

  @Test
  void firstStartGeneratesAndStoresPasswordInSecretStoreNotBesideKeystore() throws IOException {
    NodeIdentityStore.Loaded loaded = store().loadOrCreate(ST_MARY, NOW, List.of());

    assertThat(loaded.created()).isTrue();
    Path keystore = dir.resolve("identity/node.p12");
    assertThat(keystore).exists();
    assertThat(Files.getPosixFilePermissions(keystore))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    char[] password = secrets.find(NodeIdentityStore.KEYSTORE_PASSWORD_ALIAS).orElseThrow();
    assertThat(password.length).isGreaterThanOrEqualTo(40);
    try (var files = Files.list(keystore.getParent())) {
      assertThat(files).containsExactly(keystore);
    }
    assertThat(Files.readString(keystore, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(password));
  }

  @Test
  void laterStartsLoadTheSameIdentity() throws Exception {
    NodeIdentity first = store().loadOrCreate(ST_MARY, NOW, List.of()).identity();
    NodeIdentityStore.Loaded again = store().loadOrCreate(ST_MARY, NOW.plusSeconds(60), List.of());

    assertThat(again.created()).isFalse();
    assertThat(again.identity().signingFingerprint()).isEqualTo(first.signingFingerprint());
    assertThat(again.identity().agreementCertificate()).isEqualTo(first.agreementCertificate());
    assertThat(again.identity().tlsCertificate()).isEqualTo(first.tlsCertificate());
    // The reloaded private key (re-encoded by the JDK) signs what the original certificate
    // verifies.
    byte[] message = "vote".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    java.security.Signature signer = java.security.Signature.getInstance("Ed25519", bc);
    signer.initSign(again.identity().signingKey());
    signer.update(message);
    java.security.Signature verifier = java.security.Signature.getInstance("Ed25519", bc);
    verifier.initVerify(first.signingCertificate());
    verifier.update(message);
    assertThat(verifier.verify(signer.sign())).isTrue();
  }

  @Test
  void theNextSigningKeyIsNewKeptApartAndTheSameOnReload() throws Exception {
    NodeIdentity current = store().loadOrCreate(ST_MARY, NOW, List.of()).identity();
    assertThat(store().loadRenewals()).isEmpty();

    NodeIdentity next = store().createRenewal(current, current, false, NOW.plusSeconds(3600));

    assertThat(next.signingFingerprint()).isNotEqualTo(current.signingFingerprint());
    assertThat(NodeKeyRing.sameKey(next, current)).isFalse();
    assertThat(next.institutionId()).isEqualTo(ST_MARY);
    assertThat(next.signingCertificate().getSubjectX500Principal())
        .isEqualTo(current.signingCertificate().getSubjectX500Principal());
    assertThat(next.agreementCertificate()).isEqualTo(current.agreementCertificate());
    assertThat(next.tlsCertificate()).isEqualTo(current.tlsCertificate());
    next.signingCertificate().verify(next.signingCertificate().getPublicKey());
    assertThat(dir.resolve("identity/renewals/" + next.signingFingerprint().hex() + ".p12"))
        .exists();
    assertThat(secrets.find(NodeIdentityStore.NEXT_KEYSTORE_PASSWORD_ALIAS)).isPresent();
    // The current identity is untouched; a restart finds the same next key.
    assertThat(store().loadOrCreate(ST_MARY, NOW, List.of()).identity().signingFingerprint())
        .isEqualTo(current.signingFingerprint());
    assertThat(store().loadRenewals())
        .extracting(NodeIdentity::signingFingerprint)
        .containsExactly(next.signingFingerprint());
  }

  @Test
  void renewalsAreKeptApartInTheOrderMadeAndASameKeyRenewalSignsUnderItsNewCertificate()
      throws Exception {
    NodeIdentity current = store().loadOrCreate(ST_MARY, NOW, List.of()).identity();
    NodeIdentity second = store().createRenewal(current, current, false, NOW.plusSeconds(3600));
    NodeIdentity third = store().createRenewal(second, current, false, NOW.plusSeconds(7200));
    NodeIdentity recertified = store().createRenewal(second, current, true, NOW.plusSeconds(9000));

    assertThat(store().loadRenewals())
        .extracting(NodeIdentity::signingFingerprint)
        .containsExactly(
            second.signingFingerprint(),
            third.signingFingerprint(),
            recertified.signingFingerprint());
    assertThat(recertified.signingFingerprint()).isNotEqualTo(second.signingFingerprint());
    assertThat(NodeKeyRing.sameKey(recertified, second)).isTrue();
    assertThat(NodeKeyRing.sameKey(third, second)).isFalse();
    assertThat(recertified.signingCertificate().getNotBefore())
        .isAfter(second.signingCertificate().getNotBefore());
    // What the renewed key signs verifies under its new certificate.
    byte[] message = "seal".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    java.security.Signature signer = java.security.Signature.getInstance("Ed25519", bc);
    signer.initSign(second.signingKey());
    signer.update(message);
    java.security.Signature verifier = java.security.Signature.getInstance("Ed25519", bc);
    verifier.initVerify(recertified.signingCertificate());
    verifier.update(message);
    assertThat(verifier.verify(signer.sign())).isTrue();
    // Agreement and TLS stay the node's; the node's own keystore is untouched.
    assertThat(recertified.agreementCertificate()).isEqualTo(current.agreementCertificate());
    assertThat(store().loadOrCreate(ST_MARY, NOW, List.of()).identity().signingFingerprint())
        .isEqualTo(current.signingFingerprint());
    // Reloaded, the ring renews the node's own key to the newest new key.
    assertThat(new NodeKeyRing(current, store().loadRenewals()).newerKeyThan(current))
        .map(NodeIdentity::signingFingerprint)
        .contains(third.signingFingerprint());
  }

  @Test
  void aRenewalKeystoreWithoutItsPasswordIsReportedWithItsCode() throws Exception {
    NodeIdentity current = store().loadOrCreate(ST_MARY, NOW, List.of()).identity();
    store().createRenewal(current, current, false, NOW.plusSeconds(60));
    secrets.remove(NodeIdentityStore.NEXT_KEYSTORE_PASSWORD_ALIAS);

    assertThatThrownBy(() -> store().loadRenewals())
        .isInstanceOf(CareLedgerException.class)
        .satisfies(e -> assertCode(e, ErrorCode.IDENTITY_PASSWORD_MISSING));
  }

  @Test
  void wrongPasswordIsReportedAsSuchAndKeystoreIsLeftAlone() throws IOException {
    store().loadOrCreate(ST_MARY, NOW, List.of());
    Path keystore = dir.resolve("identity/node.p12");
    byte[] before = Files.readAllBytes(keystore);
    secrets.put(NodeIdentityStore.KEYSTORE_PASSWORD_ALIAS, "not-the-password".toCharArray());

    assertThatThrownBy(() -> store().loadOrCreate(ST_MARY, NOW, List.of()))
        .isInstanceOf(CareLedgerException.class)
        .satisfies(e -> assertCode(e, ErrorCode.IDENTITY_KEYSTORE_WRONG_PASSWORD))
        .hasMessageContaining("CL-1002")
        .hasMessageContaining(keystore.toString());
    assertThat(Files.readAllBytes(keystore)).isEqualTo(before);
  }

  @Test
  void corruptKeystoreIsReportedAsSuchAndNotReplaced() throws IOException {
    store().loadOrCreate(ST_MARY, NOW, List.of());
    Path keystore = dir.resolve("identity/node.p12");
    Files.write(keystore, new byte[] {0x30, 0x03, 0x02, 0x01, 0x05, 0x42, 0x42});

    assertThatThrownBy(() -> store().loadOrCreate(ST_MARY, NOW, List.of()))
        .satisfies(e -> assertCode(e, ErrorCode.IDENTITY_KEYSTORE_CORRUPT))
        .hasMessageContaining("CL-1001")
        .hasMessageContaining("restore it from backup");
    assertThat(Files.readAllBytes(keystore)).hasSize(7);
  }

  @Test
  void truncatedKeystoreIsCorruptNotWrongPassword() throws IOException {
    store().loadOrCreate(ST_MARY, NOW, List.of());
    Path keystore = dir.resolve("identity/node.p12");
    byte[] whole = Files.readAllBytes(keystore);
    Files.write(keystore, java.util.Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> store().loadOrCreate(ST_MARY, NOW, List.of()))
        .satisfies(e -> assertCode(e, ErrorCode.IDENTITY_KEYSTORE_CORRUPT));
  }

  @Test
  void keystoreWithoutItsPasswordIsNotSilentlyReplaced() throws IOException {
    new NodeIdentityStore(
            dir.resolve("identity/node.p12"),
            new InMemorySecretStore(),
            new NodeIdentityGenerator(),
            new SecureRandom())
        .loadOrCreate(ST_MARY, NOW, List.of());
    byte[] before = Files.readAllBytes(dir.resolve("identity/node.p12"));

    assertThatThrownBy(() -> store().loadOrCreate(ST_MARY, NOW, List.of()))
        .satisfies(e -> assertCode(e, ErrorCode.IDENTITY_PASSWORD_MISSING));
    assertThat(Files.readAllBytes(dir.resolve("identity/node.p12"))).isEqualTo(before);
  }

  @Test
  void keystoreOfAnotherInstitutionIsRefused() {
    store().loadOrCreate(ST_MARY, NOW, List.of());

    assertThatThrownBy(() -> store().loadOrCreate(new InstitutionId("city-clinic"), NOW, List.of()))
        .satisfies(e -> assertCode(e, ErrorCode.IDENTITY_INSTITUTION_MISMATCH))
        .hasMessageContaining("st-mary")
        .hasMessageContaining("city-clinic");
  }

  @Test
  void failingSecretStoreLeavesNoKeystoreBehind() {
    secrets.failOnPut = true;

    assertThatThrownBy(() -> store().loadOrCreate(ST_MARY, NOW, List.of()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(dir.resolve("identity/node.p12")).doesNotExist();
  }

  @Test
  void passwordStoredBeforeACrashIsReusedForTheKeystore() {
    // A crash after the password was stored but before the keystore was written.
    secrets.put(NodeIdentityStore.KEYSTORE_PASSWORD_ALIAS, "stored-before-crash".toCharArray());

    NodeIdentityStore.Loaded loaded = store().loadOrCreate(ST_MARY, NOW, List.of());

    assertThat(loaded.created()).isTrue();
    NodeIdentity read =
        NodeKeyStore.read(dir.resolve("identity/node.p12"), "stored-before-crash".toCharArray());
    assertThat(read.signingFingerprint()).isEqualTo(loaded.identity().signingFingerprint());
  }

  @Test
  void keystoreEntriesAreReadableByTheJdkForTls() throws Exception {
    store().loadOrCreate(ST_MARY, NOW, List.of());
    char[] password = secrets.find(NodeIdentityStore.KEYSTORE_PASSWORD_ALIAS).orElseThrow();
    java.security.KeyStore jdk = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve("identity/node.p12"))) {
      jdk.load(in, password);
    }
    assertThat(java.util.Collections.list(jdk.aliases()))
        .containsExactlyInAnyOrder("signing", "agreement", "tls");
    assertThat(jdk.getKey("tls", password).getAlgorithm()).isEqualTo("EC");
  }

  private static void assertCode(Throwable e, ErrorCode code) {
    assertThat(e).isInstanceOf(CareLedgerException.class);
    assertThat(((CareLedgerException) e).errorCode()).isEqualTo(code);
  }
}
