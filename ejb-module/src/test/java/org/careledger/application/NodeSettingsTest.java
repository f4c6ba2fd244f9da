package org.careledger.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {

  @Test
  void defaultsPutTheHomeUnderTheServerDataDirectory() {
    NodeSettings settings =
        NodeSettings.from(
            Map.of("jboss.server.data.dir", "/srv/wf/data", NodeSettings.INSTITUTION_ID, "h1")
                ::get);

    assertThat(settings.institutionId()).isEqualTo("h1");
    assertThat(settings.home()).isEqualTo(Path.of("/srv/wf/data/careledger"));
    assertThat(settings.keystore()).isEqualTo(Path.of("/srv/wf/data/careledger/identity/node.p12"));
    assertThat(settings.credentialStore()).isEqualTo("careledger");
    assertThat(settings.tlsHostNames()).isEmpty();
  }

  @Test
  void explicitValuesWin() {
    NodeSettings settings =
        NodeSettings.from(
            Map.of(
                    NodeSettings.HOME, "/var/lib/careledger/h1",
                    NodeSettings.CREDENTIAL_STORE, "hospital-vault",
                    NodeSettings.TLS_HOSTS, " node1.example.org, ,10.0.0.7 ")
                ::get);

    assertThat(settings.home()).isEqualTo(Path.of("/var/lib/careledger/h1"));
    assertThat(settings.credentialStore()).isEqualTo("hospital-vault");
    assertThat(settings.tlsHostNames()).containsExactly("node1.example.org", "10.0.0.7");
  }
}
