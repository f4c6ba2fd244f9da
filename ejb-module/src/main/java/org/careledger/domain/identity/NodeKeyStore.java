package org.careledger.domain.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Reads and writes a node identity as a PKCS#12 keystore with three entries, {@value
 * #SIGNING_ALIAS}, {@value #AGREEMENT_ALIAS} and {@value #TLS_ALIAS}. The JDK's PKCS#12 (PBES2,
 * AES-256, HMAC-SHA-256) is used so that WildFly's Elytron can read the TLS entry of the very same
 * file. Writes are atomic: the keystore appears whole or not at all.
 */
public final class NodeKeyStore {

  public static final String SIGNING_ALIAS = "signing";
  public static final String AGREEMENT_ALIAS = "agreement";
  public static final String TLS_ALIAS = "tls";

  private NodeKeyStore() {}

  public static void write(NodeIdentity identity, Path file, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          SIGNING_ALIAS,
          identity.signingKey(),
          password,
          new Certificate[] {identity.signingCertificate()});
      store.setKeyEntry(
          AGREEMENT_ALIAS,
          identity.agreementKey(),
          password,
          new Certificate[] {identity.agreementCertificate(), identity.signingCertificate()});
      store.setKeyEntry(
          TLS_ALIAS, identity.tlsKey(), password, new Certificate[] {identity.tlsCertificate()});

      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".node-", ".p12.tmp");
      try {
        try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
          store.store(out, password);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        restrictToOwner(temp);
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new CareLedgerException(
          ErrorCode.IDENTITY_KEYSTORE_WRITE_FAILED,
          "cannot write node keystore " + file + ": " + e.getMessage(),
          e);
    }
  }

  public static NodeIdentity read(Path file, char[] password) {
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new CareLedgerException(
            ErrorCode.IDENTITY_KEYSTORE_WRONG_PASSWORD,
            "node keystore "
                + file
                + " does not open with the password in the credential store: restore the"
                + " credential store that belongs to this keystore",
            e);
      }
      throw corrupt(file, e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw corrupt(file, e);
    }
    try {
      PrivateKey signingKey = key(store, SIGNING_ALIAS, password, file);
      PrivateKey agreementKey = key(store, AGREEMENT_ALIAS, password, file);
      PrivateKey tlsKey = key(store, TLS_ALIAS, password, file);
      X509Certificate signingCert = (X509Certificate) store.getCertificate(SIGNING_ALIAS);
      X509Certificate agreementCert = (X509Certificate) store.getCertificate(AGREEMENT_ALIAS);
      X509Certificate tlsCert = (X509Certificate) store.getCertificate(TLS_ALIAS);
      InstitutionId institution =
          new InstitutionId(commonName(signingCert.getSubjectX500Principal()));
      return new NodeIdentity(
          institution, signingKey, signingCert, agreementKey, agreementCert, tlsKey, tlsCert);
    } catch (UnrecoverableKeyException e) {
      throw new CareLedgerException(
          ErrorCode.IDENTITY_KEYSTORE_WRONG_PASSWORD,
          "a key in node keystore " + file + " does not open with the stored password",
          e);
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof CareLedgerException ce) {
        throw ce;
      }
      throw corrupt(file, e);
    }
  }

  private static PrivateKey key(KeyStore store, String alias, char[] password, Path file)
      throws GeneralSecurityException {
    Key key = store.getKey(alias, password);
    if (!(key instanceof PrivateKey privateKey) || store.getCertificate(alias) == null) {
      throw new CareLedgerException(
          ErrorCode.IDENTITY_INCOMPLETE,
          "node keystore "
              + file
              + " has no '"
              + alias
              + "' key entry: it was not written by CareLedger or was edited by hand");
    }
    return privateKey;
  }

  static String commonName(X500Principal principal) {
    X500Name name = X500Name.getInstance(principal.getEncoded());
    return IETFUtils.valueToString(name.getRDNs(BCStyle.CN)[0].getFirst().getValue());
  }

  private static CareLedgerException corrupt(Path file, Exception e) {
    return new CareLedgerException(
        ErrorCode.IDENTITY_KEYSTORE_CORRUPT,
        "node keystore "
            + file
            + " cannot be read ("
            + e.getMessage()
            + "): restore it from backup, or move it away to make the node generate a new"
            + " identity (peers will then no longer recognise this node)",
        e);
  }

  private static void restrictToOwner(Path path) throws IOException {
    try {
      Files.setPosixFilePermissions(
          path,
          Set.of(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the directory's ACLs protect it.
    }
  }
}
