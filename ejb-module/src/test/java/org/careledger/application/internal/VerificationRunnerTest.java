package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.persistence.PersistenceException;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Instant;
import org.careledger.application.RecordService;
import org.careledger.application.console.ConsoleService.VerificationView;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.junit.jupiter.api.Test;

/** A verification run stopped by a database outage reports CL-1008, not an internal error. */
class VerificationRunnerTest {

  @Test
  void aDatabaseOutageEndsTheRunWithCl1008() throws Exception {
    ResourceRefusal refusal = new ResourceRefusal();
    VerificationView view =
        run(
            new EJBException(
                new PersistenceException(
                    "Unable to acquire JDBC Connection", new SQLException(refusal))));

    assertThat(view.state()).isEqualTo("done");
    assertThat(view.errorCode()).isEqualTo("CL-1008");
    assertThat(view.errorDetail()).startsWith("CL-1008: ");
  }

  @Test
  void aCodedFailureWrappedByTheContainerKeepsItsCode() throws Exception {
    VerificationView view =
        run(new EJBException(new CareLedgerException(ErrorCode.CHAIN_INVALID, "block 3 link")));

    assertThat(view.errorCode()).isEqualTo("CL-1160");
  }

  @Test
  void anyOtherFailureIsAnInternalError() throws Exception {
    assertThat(run(new EJBException(new IllegalStateException("bug"))).errorCode())
        .isEqualTo("CL-1999");
    assertThat(
            run(new EJBException(
                    new PersistenceException(new SQLException("duplicate key", "23505"))))
                .errorCode())
        .isEqualTo("CL-1999");
  }

  /** IronJacamar's refusal for the node's datasource, as WrapperDataSource wraps it. */
  private static final class ResourceRefusal extends jakarta.resource.ResourceException {
    private static final long serialVersionUID = 1L;

    ResourceRefusal() {
      super("IJ000453: Unable to get managed connection for java:jboss/datasources/CareLedgerDS");
    }
  }

  private static VerificationView run(RuntimeException failure) throws Exception {
    RecordService failing =
        (RecordService)
            Proxy.newProxyInstance(
                RecordService.class.getClassLoader(),
                new Class<?>[] {RecordService.class},
                (proxy, method, args) -> {
                  throw failure;
                });
    VerificationRunner runner = new VerificationRunner();
    Field records = VerificationRunner.class.getDeclaredField("records");
    records.setAccessible(true);
    records.set(runner, failing);
    VerificationRunner.Job job = new VerificationRunner.Job("v1", "ch-1", 10, Instant.now());

    runner.run(job);

    return job.view();
  }
}
