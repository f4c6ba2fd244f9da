package org.careledger.application.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.persistence.PersistenceException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.junit.jupiter.api.Test;

/** A database outage during start-up is CL-1008 and retried, whatever coded it on the way. */
class DefaultNodeServiceStartUpTest {

  private static SQLException connectionLost() {
    return new SQLException(
        "An I/O error occurred while sending to the backend.",
        "08006",
        new ConnectException("Connection refused"));
  }

  @Test
  void theStartRecordLosingItsConnectionIsRetriedAsCl1008() {
    EJBException e =
        new EJBException(new PersistenceException("could not execute statement", connectionLost()));

    CareLedgerException problem = DefaultNodeService.startUpProblem(e);

    assertThat(problem.errorCode()).isEqualTo(ErrorCode.DATABASE_UNREACHABLE);
    assertThat(problem.getMessage()).contains("SQLState 08006");
    assertThat(problem.getCause()).isSameAs(e);
  }

  @Test
  void aMigrationThatLostItsConnectionIsNotAFailedMigration() {
    CareLedgerException failed =
        new CareLedgerException(
            ErrorCode.DATABASE_MIGRATION_FAILED,
            "schema migration failed",
            new FlywaySqlException("Unable to obtain connection", connectionLost()));

    assertThat(DefaultNodeService.startUpProblem(failed).errorCode())
        .isEqualTo(ErrorCode.DATABASE_UNREACHABLE);
  }

  @Test
  void otherProblemsKeepTheirCodesOrNone() {
    CareLedgerException corrupt =
        new CareLedgerException(ErrorCode.IDENTITY_KEYSTORE_CORRUPT, "not a PKCS#12 keystore");
    CareLedgerException unreachable =
        new CareLedgerException(ErrorCode.DATABASE_UNREACHABLE, "database unreachable", null);
    CareLedgerException badMigration =
        new CareLedgerException(
            ErrorCode.DATABASE_MIGRATION_FAILED,
            "schema migration failed",
            new FlywaySqlException(
                "Migration V7 failed", new SQLException("syntax error", "42601")));

    assertThat(DefaultNodeService.startUpProblem(corrupt)).isSameAs(corrupt);
    assertThat(DefaultNodeService.startUpProblem(unreachable)).isSameAs(unreachable);
    assertThat(DefaultNodeService.startUpProblem(badMigration)).isSameAs(badMigration);
    assertThat(DefaultNodeService.startUpProblem(new IllegalStateException("bug"))).isNull();
  }
}
