package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void defaultsDriveTheLocalFederation() {
    LoadOptions o = LoadOptions.parse(new String[0]);
    assertThat(o.nodes()).isEqualTo(LoadOptions.LOCAL_FEDERATION).hasSize(4);
    assertThat(o.nodes().get(3)).isEqualTo("https://127.0.0.1:9743/careledger/api/v1");
    assertThat(o.channel()).isEqualTo("care-bft");
    assertThat(o.mix()).hasToString("register=40,request=20,grant=20,retrieve=20");
    assertThat(o.size()).isEqualTo(2048);
    assertThat(o.maxInFlight()).isEqualTo(64);
    assertThat(o.user()).isEqualTo("load");
    assertThat(o.passwordEnv()).isEqualTo("LOAD_PASSWORD");
    assertThat(o.out().toString()).startsWith("target/mixed-load-");
    assertThat(o.honest()).isNull();
    assertThat(o.reportOnly()).isFalse();
    assertThat(o.proofs()).isEqualTo(20);
  }

  @Test
  void readsEveryOption() {
    LoadOptions o =
        LoadOptions.parse(
            new String[] {
              "--nodes", "https://127.0.0.1:1/a, https://127.0.0.1:2/b",
              "--channel", "care-trio",
              "--rate", "2.5",
              "--duration", "600",
              "--warmup", "0",
              "--mix", "register=1",
              "--size", "10",
              "--out", "/tmp/x",
              "--faults", "/tmp/f",
              "--nodes-honest", "hospital-a",
              "--max-in-flight", "8",
              "--settle-ms", "0",
              "--patients", "3",
              "--policy", "none",
              "--proofs", "all",
              "--skip-checks"
            });
    assertThat(o.nodes()).containsExactly("https://127.0.0.1:1/a", "https://127.0.0.1:2/b");
    assertThat(o.rate()).isEqualTo(2.5);
    assertThat(o.durationSeconds()).isEqualTo(600);
    assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
    assertThat(o.faults()).isEqualTo(Path.of("/tmp/f"));
    assertThat(o.honest()).isEqualTo(List.of("hospital-a"));
    assertThat(o.proofs()).isEqualTo(LoadOptions.ALL_PROOFS);
    assertThat(o.skipChecks()).isTrue();
    assertThat(o.policy()).isEqualTo("none");
    assertThat(LoadOptions.parse(new String[] {"--report", "d"}).reportOnly()).isTrue();
  }

  @Test
  void refusesWrongUse() {
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--rate", "0"}))
        .hasMessageContaining("--rate");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--rate", "fast"}))
        .hasMessageContaining("number");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--nodes", "https://127.0.0.1:1/a"}))
        .hasMessageContaining("two");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--nodes", "ftp://a,ftp://b"}))
        .hasMessageContaining("http");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--size", "1", "--size", "2"}))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--proofs", "some"}))
        .hasMessageContaining("--proofs");
  }
}
