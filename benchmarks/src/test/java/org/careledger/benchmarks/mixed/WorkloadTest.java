package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.careledger.benchmarks.mixed.Workload.Outcome;
import org.careledger.benchmarks.mixed.Workload.Register;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  private static final List<String> NODES =
      List.of("hospital-a", "clinic-b", "pharmacy-c", "insurer-d");

  private Workload workload(SharingRules rules) {
    return new Workload(NODES, rules, "r1", 50, 100, 10_000, new SplittableRandom(7));
  }

  @Test
  void whatCannotBeDoneYetIsARegister() {
    Workload w = workload(SharingRules.none());
    for (OpKind kind : OpKind.DRAWN) {
      Workload.Plan plan = w.next(kind, 0);
      assertThat(plan).isInstanceOf(Register.class);
      assertThat(((Register) plan).instead()).isEqualTo(kind == OpKind.REGISTER ? null : kind);
    }
  }

  @Test
  void recordIdsAreUniqueAndPatientsCycle() {
    Workload w = workload(SharingRules.none());
    Set<String> ids = new HashSet<>();
    for (int n = 0; n < 120; n++) {
      Register r = (Register) w.next(OpKind.REGISTER, 0);
      assertThat(r.recordId()).isEqualTo("ml-r1-" + n);
      assertThat(r.patient()).isEqualTo(n % 50);
      assertThat(r.node()).isBetween(0, 3);
      ids.add(r.recordId());
    }
    assertThat(ids).hasSize(120);
    assertThat(w.patientId(7)).isEqualTo("urn:oid:1.2.3|mlr1-7");
  }

  @Test
  void registerRequestGrantRetrieve() {
    Workload w = workload(SharingRules.none());
    Register r = (Register) w.next(OpKind.REGISTER, 0);
    w.registered(r, "abc", 1_000);
    // Not before the settle time.
    assertThat(w.next(OpKind.REQUEST, 1_050)).isInstanceOf(Register.class);
    Workload.Request q = (Workload.Request) w.next(OpKind.REQUEST, 1_100);
    assertThat(q.node()).isNotEqualTo(r.node());
    assertThat(q.doc().recordId()).isEqualTo(r.recordId());
    assertThat(q.doc().sha256()).isEqualTo("abc");
    assertThat(q.purpose()).isEqualTo("TREAT");
    assertThat(w.next(OpKind.GRANT, 1_100)).isInstanceOf(Register.class);

    w.requested(q, Outcome.ACK, "req-1", 2_000);
    assertThat(w.next(OpKind.GRANT, 2_050)).isInstanceOf(Register.class);
    Workload.Grant g = (Workload.Grant) w.next(OpKind.GRANT, 2_100);
    assertThat(g.node()).isEqualTo(r.node());
    assertThat(g.requestId()).isEqualTo("req-1");
    assertThat(g.requester()).isEqualTo(q.node());
    assertThat(w.next(OpKind.GRANT, 2_100)).isInstanceOf(Register.class); // taken

    w.granted(g, Outcome.ACK, 3_000);
    Workload.Retrieve t = (Workload.Retrieve) w.next(OpKind.RETRIEVE, 3_100);
    assertThat(t.node()).isEqualTo(q.node());
    assertThat(t.doc().sha256()).isEqualTo("abc");
    // A granted record can be read again.
    assertThat(w.next(OpKind.RETRIEVE, 3_200)).isEqualTo(t);
  }

  @Test
  void everyOtherNodeAsksOnceThenTheRecordIsDone() {
    Workload w = workload(SharingRules.none());
    Register r = (Register) w.next(OpKind.REGISTER, 0);
    w.registered(r, "abc", 0);
    Set<Integer> askers = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      Workload.Request q = (Workload.Request) w.next(OpKind.REQUEST, 1_000);
      assertThat(askers.add(q.node())).isTrue();
    }
    assertThat(askers).doesNotContain(r.node()).hasSize(3);
    assertThat(w.next(OpKind.REQUEST, 1_000)).isInstanceOf(Register.class);
    assertThat(w.poolSizes()[0]).isZero();
  }

  @Test
  void notYetOnTheChainIsTriedAgainLaterAnOtherFailureIsNot() {
    Workload w = workload(SharingRules.none());
    Register r = (Register) w.next(OpKind.REGISTER, 0);
    w.registered(r, "abc", 0);
    Workload.Request q = (Workload.Request) w.next(OpKind.REQUEST, 1_000);
    w.requested(q, Outcome.NOT_YET, null, 2_000);
    Set<Integer> askers = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      askers.add(((Workload.Request) w.next(OpKind.REQUEST, 2_100)).node());
    }
    assertThat(askers).contains(q.node()).hasSize(3);

    w.requested(q, Outcome.ACK, "req", 3_000);
    Workload.Grant g = (Workload.Grant) w.next(OpKind.GRANT, 3_100);
    w.granted(g, Outcome.NOT_YET, 3_200);
    assertThat(w.next(OpKind.GRANT, 3_250)).isInstanceOf(Register.class); // settling again
    Workload.Grant again = (Workload.Grant) w.next(OpKind.GRANT, 3_300);
    assertThat(again.requestId()).isEqualTo("req");
    w.granted(again, Outcome.FAILED, 3_400);
    assertThat(w.next(OpKind.GRANT, 9_000)).isInstanceOf(Register.class);
    assertThat(w.next(OpKind.RETRIEVE, 9_000)).isInstanceOf(Register.class);
  }

  @Test
  void requestsFollowTheChannelsRules() {
    Workload w = workload(SharingRules.parse(SharingRules.CARE_BFT_POLICY));
    int pharmacy = 2;
    int insurer = 3;
    w.consented(1, insurer); // patient 1 consented to the insurer; the others did not
    for (int n = 0; n < 400; n++) {
      Register r = (Register) w.next(OpKind.REGISTER, 0);
      w.registered(r, "h" + n, 0);
    }
    int asked = 0;
    while (w.next(OpKind.REQUEST, 1_000) instanceof Workload.Request q) {
      asked++;
      String documentClass = q.doc().documentClass();
      if (q.node() == pharmacy) {
        assertThat(documentClass).isEqualTo("57833-6");
        assertThat(q.purpose()).isEqualTo("TREAT");
      } else if (q.node() == insurer) {
        assertThat(documentClass).isEqualTo("11502-2");
        assertThat(q.purpose()).isEqualTo("HPAYMT");
        assertThat(q.doc().patient()).isEqualTo(1);
      } else {
        assertThat(q.purpose()).isEqualTo("TREAT");
      }
      w.requested(q, Outcome.ACK, "q" + asked, 1_000);
    }
    assertThat(asked).isGreaterThan(400);
  }

  @Test
  void poolsStayBounded() {
    Workload w = new Workload(NODES, SharingRules.none(), "r", 5, 0, 10, new SplittableRandom(1));
    for (int n = 0; n < 100; n++) {
      w.registered((Register) w.next(OpKind.REGISTER, 0), "h", 0);
    }
    assertThat(w.poolSizes()[0]).isEqualTo(10);
  }
}
