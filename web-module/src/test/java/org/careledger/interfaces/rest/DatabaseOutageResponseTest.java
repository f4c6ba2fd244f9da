package org.careledger.interfaces.rest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.interfaces.OutageChains;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST mappers answer a database outage 503 CL-1008 with Retry-After, and nothing else so. */
class DatabaseOutageResponseTest {

  private static final Logger MAPPER_LOG =
      Logger.getLogger(CareLedgerExceptionMapper.class.getName());

  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void runtime() {
    StubRuntimeDelegate.install();
  }

  @BeforeEach
  void captureLog() {
    MAPPER_LOG.addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    MAPPER_LOG.removeHandler(capture);
  }

  @Test
  void aConnectionLostInsideARolledBackCallIs503WithRetryAfter() {
    Response response =
        new EjbExceptionMapper().toResponse((EJBException) OutageChains.connectionLost());

    assertUnavailable(response);
    assertThat(logged).hasSize(1);
    LogRecord line = logged.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.WARNING);
    assertThat(line.getMessage()).startsWith("CL-1008: ").contains("SQLState 08006");
    assertThat(line.getThrown()).isNull();
    assertThat(line.getMessage()).doesNotContain(OutageChains.PATIENT);
  }

  @Test
  void thePoolsRefusalForTheDatasourceIs503() {
    Response response =
        new EjbExceptionMapper().toResponse((EJBException) OutageChains.poolRefused());

    assertUnavailable(response);
    assertThat(logged)
        .singleElement()
        .extracting(LogRecord::getMessage)
        .asString()
        .contains("IJ000453");
  }

  @Test
  void aCommitRefusedByAShuttingDownServerIs503() {
    assertUnavailable(
        new EjbExceptionMapper().toResponse((EJBException) OutageChains.commitRefusedByShutdown()));
  }

  @Test
  void anOutageCodedOtherwiseOnTheWayIsStill503Cl1008() {
    CareLedgerException recoded =
        new CareLedgerException(
            ErrorCode.BLOB_STORE_FAILED,
            "cannot place a received document",
            new PersistenceException(
                new SQLException("Connection refused", "08001", new ConnectException())));

    assertUnavailable(new CareLedgerExceptionMapper().toResponse(recoded));
    assertUnavailable(new EjbExceptionMapper().toResponse(new EJBException(recoded)));
  }

  @Test
  void aCodedDatabaseUnreachableGetsRetryAfterToo() {
    assertUnavailable(
        new CareLedgerExceptionMapper()
            .toResponse(
                new CareLedgerException(
                    ErrorCode.DATABASE_UNREACHABLE, "database unreachable (Connection refused)")));
  }

  @Test
  void aConstraintViolationStaysAnInternalError() {
    Response response =
        new EjbExceptionMapper().toResponse((EJBException) OutageChains.constraintViolated());

    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(response.getHeaderString("Retry-After")).isNull();
    Problem problem = (Problem) response.getEntity();
    assertThat(problem.code()).isNull();
    assertThat(problem.detail()).doesNotContain(OutageChains.PATIENT);
    assertThat(logged).isEmpty();
  }

  @Test
  void anOrdinaryFailureStaysAnInternalError() {
    Response response =
        new EjbExceptionMapper().toResponse(new EJBException(new IllegalStateException("bug")));

    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(response.getHeaderString("Retry-After")).isNull();
    assertThat(logged).isEmpty();
  }

  @Test
  void theJmsPoolsRefusalKeepsItsOwnCode() {
    Response response =
        new EjbExceptionMapper().toResponse((EJBException) OutageChains.jmsPoolRefused());

    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(((Problem) response.getEntity()).code()).isEqualTo("CL-1602");
    assertThat(response.getHeaderString("Retry-After")).isNull();
  }

  @Test
  void anotherCodedFailureKeepsItsCodeAndStatus() {
    Response response =
        new EjbExceptionMapper()
            .toResponse(
                new EJBException(new CareLedgerException(ErrorCode.ACCESS_DENIED, "no grant")));

    assertThat(response.getStatus()).isEqualTo(403);
    assertThat(((Problem) response.getEntity()).code()).isEqualTo("CL-1710");
    assertThat(response.getHeaderString("Retry-After")).isNull();
  }

  private static void assertUnavailable(Response response) {
    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
    assertThat(response.getHeaderString("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
    Problem problem = (Problem) response.getEntity();
    assertThat(problem.code()).isEqualTo("CL-1008");
    assertThat(problem.type()).isEqualTo("urn:careledger:error:CL-1008");
    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.title()).isEqualTo("Service Unavailable");
    assertThat(problem.detail()).startsWith("CL-1008: ").doesNotContain(OutageChains.PATIENT);
  }
}
