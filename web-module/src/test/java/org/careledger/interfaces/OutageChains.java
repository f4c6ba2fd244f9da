package org.careledger.interfaces;

import jakarta.ejb.EJBException;
import jakarta.ejb.EJBTransactionRolledbackException;
import jakarta.persistence.PersistenceException;
import jakarta.resource.ResourceException;
import jakarta.transaction.RollbackException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Exception chains as WildFly, Hibernate, IronJacamar and the PostgreSQL driver build them, for the
 * interfaces' tests. The driver texts carry {@link #PATIENT}: it must reach neither the caller nor
 * the log.
 */
public final class OutageChains {

  /** A patient id in a driver's message. */
  public static final String PATIENT = "patient-4711";

  private OutageChains() {}

  /**
   * A bean called in the caller's transaction lost its connection mid-statement: PostgreSQL's 08006
   * with the socket's ConnectException, under Hibernate's PersistenceException.
   */
  public static RuntimeException connectionLost() {
    SQLException driver =
        new SQLException(
            "An I/O error occurred while sending INSERT ... '" + PATIENT + "'",
            "08006",
            new ConnectException("Connection refused"));
    return new EJBTransactionRolledbackException(
        "rolled back",
        new EJBException(new PersistenceException("could not execute statement", driver)));
  }

  /**
   * The pool hands out no connection: IJ000655 inside IJ000453 for the node's datasource, wrapped
   * by the datasource as an SQLException without SQLState, under Hibernate's "Unable to acquire".
   */
  public static RuntimeException poolRefused() {
    ResourceException noneFree =
        new ResourceException(
            "IJ000655: No managed connections available within configured blocking timeout (5000"
                + " [ms])");
    ResourceException unable =
        new ResourceException(
            "IJ000453: Unable to get managed connection for java:jboss/datasources/CareLedgerDS");
    unable.initCause(noneFree);
    return new EJBException(
        new PersistenceException("Unable to acquire JDBC Connection", new SQLException(unable)));
  }

  /** The commit refused by a server shutting down (57P01), under the transaction's rollback. */
  public static RuntimeException commitRefusedByShutdown() {
    RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit");
    rollback.initCause(
        new SQLException("terminating connection due to administrator command", "57P01"));
    return new EJBTransactionRolledbackException("rolled back", rollback);
  }

  /** A unique-constraint violation (23505): the database answered. */
  public static RuntimeException constraintViolated() {
    return new EJBException(
        new PersistenceException(
            "could not execute statement",
            new SQLException(
                "duplicate key value violates unique constraint; Key (patient)=(" + PATIENT + ")",
                "23505")));
  }

  /**
   * The JMS connection factory's pool refusal (same IronJacamar codes, another resource), coded
   * FEDERATION_SEND_FAILED by the transport.
   */
  public static RuntimeException jmsPoolRefused() {
    ResourceException jms =
        new ResourceException("IJ000453: Unable to get managed connection for java:/JmsXA");
    jms.initCause(new ResourceException("IJ000655: No managed connections available ..."));
    return new EJBException(
        new CareLedgerException(
            ErrorCode.FEDERATION_SEND_FAILED, "cannot queue a message for clinic-b", jms));
  }
}
