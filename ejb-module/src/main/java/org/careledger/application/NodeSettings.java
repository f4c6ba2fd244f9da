package org.careledger.application;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Every configuration key of a node, with its default, in one typed place. Values come from system
 * properties, which {@code server-config/node.sh} sets from the node's {@code node.properties}.
 *
 * @param institutionId {@value #INSTITUTION_ID}: names this node in the federation
 * @param home {@value #HOME}: the node's private directory (identity, off-chain store); outside the
 *     repository and the WildFly installation
 * @param credentialStore {@value #CREDENTIAL_STORE}: the Elytron credential store holding the
 *     keystore password
 * @param tlsHostNames {@value #TLS_HOSTS}: comma-separated extra names for the TLS certificate
 */
public record NodeSettings(
    String institutionId, Path home, String credentialStore, List<String> tlsHostNames) {

  public static final String INSTITUTION_ID = "careledger.institution.id";
  public static final String HOME = "careledger.home";
  public static final String CREDENTIAL_STORE = "careledger.credential-store";
  public static final String TLS_HOSTS = "careledger.tls.hosts";

  /** Where the keystore lives inside {@link #home()}. */
  public Path keystore() {
    return home.resolve("identity").resolve("node.p12");
  }

  public static NodeSettings from(UnaryOperator<String> properties) {
    String dataDir = properties.apply("jboss.server.data.dir");
    String home = properties.apply(HOME);
    if (home == null || home.isBlank()) {
      home = Path.of(dataDir == null ? "." : dataDir, "careledger").toString();
    }
    String store = properties.apply(CREDENTIAL_STORE);
    String hosts = properties.apply(TLS_HOSTS);
    return new NodeSettings(
        properties.apply(INSTITUTION_ID),
        Path.of(home),
        store == null || store.isBlank() ? "careledger" : store,
        hosts == null
            ? List.of()
            : Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList());
  }

  public static NodeSettings fromSystemProperties() {
    return from(System::getProperty);
  }
}
