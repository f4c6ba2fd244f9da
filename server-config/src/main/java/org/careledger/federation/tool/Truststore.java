package org.careledger.federation.tool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The federation truststore of one node home ({@code federation/truststore.p12}): the TLS
 * certificates of all federation members from the descriptor, alias = institution id. The node's
 * Elytron default SSL context trusts exactly these for outbound TLS (its bridges). The PKCS#12
 * password only guards the file's integrity (it holds public certificates) and is kept in the
 * node's node.properties ({@code careledger.federation.truststore.password}).
 */
final class Truststore {

  static final String PASSWORD_PROPERTY = "careledger.federation.truststore.password";

  private Truststore() {}

  /** Writes the truststore if its certificates differ from the descriptor's; says whether. */
  static boolean update(Path home, Descriptor descriptor) throws IOException {
    char[] password = password(home);
    Path file = home.resolve("federation/truststore.p12");
    try {
      Map<String, Certificate> wanted = new HashMap<>();
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (Descriptor.Member m : descriptor.members()) {
        wanted.put(
            m.institution(),
            x509.generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(m.tlsCertificate()))));
      }
      if (Files.exists(file) && current(file, password).equals(wanted)) {
        return false;
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (Map.Entry<String, Certificate> e : wanted.entrySet()) {
        store.setCertificateEntry(e.getKey(), e.getValue());
      }
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".truststore", ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        store.store(out, password);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot write the federation truststore " + file + ": " + e, e);
    }
  }

  private static Map<String, Certificate> current(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    Map<String, Certificate> certificates = new HashMap<>();
    for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
      String alias = aliases.nextElement();
      certificates.put(alias, store.getCertificate(alias));
    }
    return certificates;
  }

  private static char[] password(Path home) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(home.resolve("node.properties"))) {
      properties.load(in);
    }
    String password = properties.getProperty(PASSWORD_PROPERTY);
    if (password == null || password.isBlank()) {
      throw new IOException(
          home.resolve("node.properties")
              + " has no "
              + PASSWORD_PROPERTY
              + " (run node.sh configure)");
    }
    return password.toCharArray();
  }
}
