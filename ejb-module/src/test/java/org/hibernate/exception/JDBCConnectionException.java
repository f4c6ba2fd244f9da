package org.hibernate.exception;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;

/**
 * Test stand-in with the name of Hibernate's exception for a lost or refused JDBC connection
 * (Hibernate is not on the test class path; {@code DatabaseOutage} matches it by name). Like the
 * real one, a {@link PersistenceException} whose cause is the driver's {@link SQLException}.
 */
public class JDBCConnectionException extends PersistenceException {

  private static final long serialVersionUID = 1L;

  public JDBCConnectionException(String message, SQLException cause) {
    super(message, cause);
  }
}
