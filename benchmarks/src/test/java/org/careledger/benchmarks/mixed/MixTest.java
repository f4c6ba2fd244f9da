package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixTest {

  @Test
  void picksInProportionToTheWeights() {
    Mix mix = Mix.parse("register=40,request=20,grant=20,retrieve=20");
    Map<OpKind, Integer> counts = new EnumMap<>(OpKind.class);
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      counts.merge(mix.pick((i + 0.5) / n), 1, Integer::sum);
    }
    assertThat(counts)
        .containsEntry(OpKind.REGISTER, 4000)
        .containsEntry(OpKind.REQUEST, 2000)
        .containsEntry(OpKind.GRANT, 2000)
        .containsEntry(OpKind.RETRIEVE, 2000);
  }

  @Test
  void slicesFollowTheKindsOrder() {
    Mix mix = Mix.parse("retrieve=1, register=1");
    assertThat(mix.pick(0)).isEqualTo(OpKind.REGISTER);
    assertThat(mix.pick(0.49)).isEqualTo(OpKind.REGISTER);
    assertThat(mix.pick(0.5)).isEqualTo(OpKind.RETRIEVE);
    assertThat(mix.pick(Math.nextDown(1.0))).isEqualTo(OpKind.RETRIEVE);
    assertThat(mix.weight(OpKind.GRANT)).isZero();
    assertThat(mix).hasToString("register=1,request=0,grant=0,retrieve=1");
  }

  @Test
  void refusesWhatIsNotAMix() {
    assertThatThrownBy(() -> Mix.parse("register=0")).hasMessageContaining("no positive weight");
    assertThatThrownBy(() -> Mix.parse("erase=3")).hasMessageContaining("unknown");
    assertThatThrownBy(() -> Mix.parse("consent=3")).hasMessageContaining("not drawn");
    assertThatThrownBy(() -> Mix.parse("register=-1")).hasMessageContaining("0 to");
    assertThatThrownBy(() -> Mix.parse("register=x")).hasMessageContaining("not an integer");
    assertThatThrownBy(() -> Mix.parse("register")).hasMessageContaining("kind=weight");
    assertThatThrownBy(() -> Mix.parse("grant=1,grant=2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> Mix.parse("grant=1").pick(1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
