package org.careledger.application;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.ejb.EJBTransactionRolledbackException;
import jakarta.jms.JMSRuntimeException;
import jakarta.persistence.PersistenceException;
import jakarta.resource.ResourceException;
import jakarta.transaction.RollbackException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseOutageTest {

  /** PostgreSQL's refusal while its port is cut: 08001 with the socket's ConnectException. */
  private static SQLException refused() {
    return new SQLException(
        "Connection to clinic-b-db:5432 refused.",
        "08001",
        new ConnectException("Connection refused"));
  }

  /**
   * What IronJacamar's datasource throws when the pool hands out no connection: the pool's IJ000655
   * inside the connection manager's IJ000453, wrapped by WrapperDataSource as {@code new
   * SQLException(resourceException)} (no SQLState).
   */
  private static SQLException poolRefusal(String jndiName) {
    ResourceException noneFree =
        new ResourceException(
            "IJ000655: No managed connections available within configured blocking timeout (5000"
                + " [ms])");
    ResourceException unable =
        new ResourceException("IJ000453: Unable to get managed connection for " + jndiName);
    unable.initCause(noneFree);
    return new SQLException(unable);
  }

  @Test
  void hibernatesConnectionExceptionInsideARolledBackCallIsAnOutage() {
    Throwable chain =
        new EJBTransactionRolledbackException(
            "rolled back",
            new EJBException(
                new JDBCConnectionException(
                    "Unable to acquire JDBC Connection", new SQLException("no state"))));

    assertThat(DatabaseOutage.signal(chain))
        .contains("org.hibernate.exception.JDBCConnectionException");
  }

  @Test
  void aConnectionFailureSqlStateWithTheSocketBelowIsAnOutage() {
    Throwable chain =
        new EJBException(
            new PersistenceException(
                "could not execute statement",
                new SQLException(
                    "An I/O error occurred while sending to the backend.",
                    "08006",
                    new SocketException("Connection reset"))));

    assertThat(DatabaseOutage.signal(chain)).contains("java.sql.SQLException SQLState 08006");
    assertThat(DatabaseOutage.in(new EJBException(new PersistenceException("x", refused()))))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"08000", "08001", "08003", "08006", "08S01", "57P01", "57P02", "57P03"})
  void connectionAndShutdownSqlStatesAreOutages(String state) {
    assertThat(DatabaseOutage.signal(new PersistenceException(new SQLException("x", state))))
        .contains("java.sql.SQLException SQLState " + state);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"23505", "23503", "42P01", "40001", "57014", "0800", "57P04", ""})
  void otherSqlStatesAreNot(String state) {
    assertThat(
            DatabaseOutage.in(
                new EJBException(new PersistenceException(new SQLException("x", state)))))
        .isFalse();
  }

  @Test
  void theJdbcConnectionExceptionTypesAreOutagesWhateverTheirState() {
    assertThat(DatabaseOutage.in(new PersistenceException(new SQLTransientConnectionException())))
        .isTrue();
    assertThat(DatabaseOutage.in(new SQLNonTransientConnectionException("closed", "HY000")))
        .isTrue();
  }

  @Test
  void aSocketFailureCountsOnlyBelowAJdbcException() {
    assertThat(
            DatabaseOutage.signal(
                new PersistenceException(new SQLException("I/O error", new ConnectException()))))
        .contains("java.net.ConnectException under a JDBC exception");
    // A JMS bridge that cannot connect is not the database.
    assertThat(
            DatabaseOutage.in(new JMSRuntimeException("bridge down", "x", new ConnectException())))
        .isFalse();
    assertThat(DatabaseOutage.in(new EJBException(new SocketException("reset")))).isFalse();
  }

  @Test
  void theDatasourcesPoolRefusalIsAnOutage() {
    Throwable chain =
        new EJBException(
            new PersistenceException(
                "Unable to acquire JDBC Connection", poolRefusal(DatabaseOutage.DATASOURCE)));

    assertThat(DatabaseOutage.signal(chain))
        .contains("jakarta.resource.ResourceException IJ000453");
    // Named by the message even without the JDBC wrapper around it.
    assertThat(
            DatabaseOutage.in(
                new ResourceException(
                    "IJ000453: Unable to get managed connection for " + DatabaseOutage.DATASOURCE)))
        .isTrue();
  }

  @Test
  void aPoolRefusalBelowTheJdbcApiIsAnOutageEvenUnnamed() {
    SQLException wrapped =
        new SQLException(
            new ResourceException("IJ000655: No managed connections available within ..."));

    assertThat(DatabaseOutage.signal(new PersistenceException(wrapped)))
        .contains("jakarta.resource.ResourceException IJ000655");
  }

  @Test
  void theJmsConnectionFactorysPoolRefusalIsNot() {
    ResourceException jms =
        new ResourceException("IJ000453: Unable to get managed connection for java:/JmsXA");
    jms.initCause(new ResourceException("IJ000655: No managed connections available ..."));

    assertThat(DatabaseOutage.in(new JMSRuntimeException("cannot send", "x", jms))).isFalse();
    assertThat(
            DatabaseOutage.in(
                new ResourceException(
                    "IJ000453: Unable to get managed connection for "
                        + DatabaseOutage.DATASOURCE
                        + "Replica")))
        .isFalse();
  }

  @Test
  void anotherResourceExceptionCountsOnlyThroughAJdbcCauseBelowIt() {
    ResourceException create = new ResourceException("IJ031084: Unable to create connection");
    assertThat(DatabaseOutage.in(new SQLException(create))).isFalse();

    create.initCause(refused());
    assertThat(DatabaseOutage.signal(new SQLException(create)))
        .contains("java.sql.SQLException SQLState 08001");
  }

  @Test
  void aCommitRefusedByAShutDownServerIsAnOutage() {
    RollbackException rollback = new RollbackException("commit failed");
    rollback.initCause(new SQLException("terminating connection due to administrator", "57P01"));

    assertThat(DatabaseOutage.in(new EJBTransactionRolledbackException("rolled back", rollback)))
        .isTrue();
  }

  @Test
  void anOutageKeepsItsCodeWhenSomethingCodedItOtherwise() {
    Throwable recoded =
        new EJBException(
            new CareLedgerException(
                ErrorCode.BLOB_STORE_FAILED, "cannot place", new PersistenceException(refused())));

    assertThat(DatabaseOutage.in(recoded)).isTrue();
    assertThat(DatabaseOutage.codeOr(recoded, ErrorCode.INTERNAL_ERROR))
        .isEqualTo(ErrorCode.DATABASE_UNREACHABLE);
    assertThat(
            DatabaseOutage.in(
                new CareLedgerException(ErrorCode.DATABASE_UNREACHABLE, "database unreachable")))
        .isTrue();
  }

  @Test
  void ordinaryFailuresAreNot() {
    assertThat(DatabaseOutage.in(new IllegalStateException("x"))).isFalse();
    assertThat(DatabaseOutage.in(new EJBException(new IllegalStateException("x")))).isFalse();
    assertThat(
            DatabaseOutage.in(
                new EJBException(new CareLedgerException(ErrorCode.ACCESS_DENIED, "no grant"))))
        .isFalse();
    assertThat(DatabaseOutage.in(null)).isFalse();
    assertThat(DatabaseOutage.codeOr(new IllegalStateException(), ErrorCode.INTERNAL_ERROR))
        .isEqualTo(ErrorCode.INTERNAL_ERROR);
  }

  @Test
  void aCyclicChainEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(DatabaseOutage.in(a)).isFalse();
  }

  @Test
  void theWalkStopsAtItsDepthLimit() {
    Throwable shallow = refused();
    for (int i = 1; i < DatabaseOutage.MAX_DEPTH; i++) {
      shallow = new RuntimeException(shallow);
    }
    assertThat(DatabaseOutage.in(shallow)).isTrue();
    assertThat(DatabaseOutage.in(new RuntimeException(shallow))).isFalse();
  }
}
