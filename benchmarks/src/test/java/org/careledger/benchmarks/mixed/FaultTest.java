package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {

  @Test
  void parsesSortsAndSkipsWhatIsNotAFault() {
    List<String> bad = new ArrayList<>();
    List<Fault> faults =
        Fault.parse(
            "# injected by the fault script\n"
                + "1765000060000 clinic-b back up\n"
                + "\n"
                + "1765000000000   kill -9 clinic-b  \r\n"
                + "later something\n"
                + "1765000030000\n"
                + "12 too early\n",
            bad);
    assertThat(faults)
        .containsExactly(
            new Fault(1765000000000L, "kill -9 clinic-b"),
            new Fault(1765000030000L, ""),
            new Fault(1765000060000L, "clinic-b back up"));
    assertThat(bad).containsExactly("line 5: later something", "line 7: 12 too early");
  }
}
