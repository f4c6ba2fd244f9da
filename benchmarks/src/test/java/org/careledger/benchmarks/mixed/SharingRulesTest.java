package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SharingRulesTest {

  @Test
  void theBuiltInCareBftPolicyIsTheOneFederationShWrites() throws Exception {
    Path file = Path.of("../server-config/src/main/federation/care-bft-policy.json");
    if (Files.exists(file)) {
      SharingRules fromFile = SharingRules.parse(Files.readString(file));
      SharingRules builtIn = SharingRules.parse(SharingRules.CARE_BFT_POLICY);
      assertThat(builtIn.documentClasses()).isEqualTo(fromFile.documentClasses());
      for (String who : new String[] {"hospital-a", "clinic-b", "pharmacy-c", "insurer-d"}) {
        for (String c : builtIn.documentClasses()) {
          assertThat(builtIn.allows(who, c)).isEqualTo(fromFile.allows(who, c));
          assertThat(builtIn.purpose(who, c)).isEqualTo(fromFile.purpose(who, c));
          assertThat(builtIn.needsConsent(who, c)).isEqualTo(fromFile.needsConsent(who, c));
        }
      }
    }
  }

  @Test
  void careBft() {
    SharingRules rules = SharingRules.parse(SharingRules.CARE_BFT_POLICY);
    assertThat(rules.documentClasses()).containsExactly("18842-5", "57833-6", "11502-2");
    assertThat(rules.allows("hospital-a", "18842-5")).isTrue();
    assertThat(rules.allows("clinic-b", "11502-2")).isTrue();
    assertThat(rules.purpose("clinic-b", "11502-2")).isEqualTo("TREAT");
    assertThat(rules.allows("pharmacy-c", "57833-6")).isTrue();
    assertThat(rules.allows("pharmacy-c", "18842-5")).isFalse();
    assertThat(rules.needsConsent("pharmacy-c")).isFalse();
    assertThat(rules.allows("insurer-d", "11502-2")).isTrue();
    assertThat(rules.allows("insurer-d", "57833-6")).isFalse();
    assertThat(rules.purpose("insurer-d", "11502-2")).isEqualTo("HPAYMT");
    assertThat(rules.needsConsent("insurer-d", "11502-2")).isTrue();
    assertThat(rules.needsConsent("insurer-d")).isTrue();
    assertThat(rules.needsConsent("hospital-a")).isFalse();
  }

  @Test
  void noPolicyAllowsEverything() {
    SharingRules none = SharingRules.none();
    assertThat(none.documentClasses()).containsExactly(SharingRules.DEFAULT_CLASS);
    assertThat(none.allows("insurer-d", "18842-5")).isTrue();
    assertThat(none.purpose("insurer-d", "18842-5")).isEqualTo("TREAT");
  }
}
