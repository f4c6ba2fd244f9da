package org.careledger.application;

import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Whether a failure means the node's database cannot be reached: the one rule REST (503 {@code
 * CL-1008} with {@code Retry-After}), SOAP (a {@code CL-1008} fault) and the services use, so an
 * outage keeps its code whatever wrapped it on the way ({@code EJBException}, {@code
 * EJBTransactionRolledbackException}, {@code PersistenceException}, a transaction exception, or a
 * {@link CareLedgerException} with another code).
 *
 * <p>The whole cause chain is walked (each link once, at most {@value #MAX_DEPTH} links). It shows
 * an outage if a link is
 *
 * <ul>
 *   <li>a {@link CareLedgerException} coded {@link ErrorCode#DATABASE_UNREACHABLE};
 *   <li>a {@link SQLTransientConnectionException} or {@link SQLNonTransientConnectionException};
 *   <li>an {@link SQLException} whose SQLState is of class {@code 08} (connection exception, e.g.
 *       PostgreSQL {@code 08001} cannot connect, {@code 08006} connection failure) or is {@code
 *       57P01}, {@code 57P02} or {@code 57P03} (server shut down, crashed, not accepting
 *       connections yet);
 *   <li>an {@code org.hibernate.exception.JDBCConnectionException} or a subclass (by class name: no
 *       Hibernate on the compile class path);
 *   <li>a {@link SocketException} ({@code ConnectException} included) below an {@link
 *       SQLException}: the JDBC driver's socket. Outside JDBC (a JMS bridge) it is not the
 *       database;
 *   <li>an IronJacamar {@code jakarta.resource.ResourceException} ({@code javax.} too, by class
 *       name) whose message starts {@code IJ000453} ("Unable to get managed connection for …") or
 *       {@code IJ000655} ("No managed connections available …"), if the message names the
 *       datasource {@value #DATASOURCE} or the link lies below an {@link SQLException} (the
 *       datasource's {@code getConnection} wraps the pool's refusal so). The same codes for another
 *       resource, such as the JMS connection factory, are not the database; other
 *       ResourceExceptions count only through a JDBC link further down their chain.
 * </ul>
 *
 * Anything else is not an outage: a constraint violation (SQLState {@code 23505}), a query error,
 * an {@link IllegalStateException}, a JMS failure.
 */
public final class DatabaseOutage {

  /** The JNDI name of the node's datasource (persistence.xml, configure-node.cli). */
  public static final String DATASOURCE = "java:jboss/datasources/CareLedgerDS";

  /** What clients are told to wait before retrying, in seconds. */
  public static final int RETRY_AFTER_SECONDS = 5;

  /**
   * The fixed text of a refusal (without the code): a driver's own message may name hosts or hold
   * SQL, so it is not passed on.
   */
  public static final String DETAIL =
      "the node's database cannot be reached; retry in " + RETRY_AFTER_SECONDS + " s";

  static final int MAX_DEPTH = 64;

  private static final String HIBERNATE_CONNECTION_EXCEPTION =
      "org.hibernate.exception.JDBCConnectionException";
  private static final Set<String> RESOURCE_EXCEPTIONS =
      Set.of("jakarta.resource.ResourceException", "javax.resource.ResourceException");
  private static final Set<String> POOL_REFUSALS = Set.of("IJ000453", "IJ000655");

  private DatabaseOutage() {}

  /** Whether {@code e}'s cause chain shows the database unreachable. */
  public static boolean in(Throwable e) {
    return signal(e).isPresent();
  }

  /**
   * The link that shows the outage, for the log: its class name and SQLState or IronJacamar code,
   * never its message (which may hold SQL). Empty if the chain shows none.
   */
  public static Optional<String> signal(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean belowJdbc = false;
    int depth = 0;
    for (Throwable t = e; t != null && depth < MAX_DEPTH && seen.add(t); t = t.getCause()) {
      depth++;
      String signal = signalOf(t, belowJdbc);
      if (signal != null) {
        return Optional.of(signal);
      }
      belowJdbc |= t instanceof SQLException;
    }
    return Optional.empty();
  }

  /**
   * {@link ErrorCode#DATABASE_UNREACHABLE} if {@code e} shows an outage, else {@code otherwise}.
   */
  public static ErrorCode codeOr(Throwable e, ErrorCode otherwise) {
    return in(e) ? ErrorCode.DATABASE_UNREACHABLE : otherwise;
  }

  private static String signalOf(Throwable t, boolean belowJdbc) {
    String name = t.getClass().getName();
    if (t instanceof CareLedgerException coded
        && coded.errorCode() == ErrorCode.DATABASE_UNREACHABLE) {
      return name + " " + coded.errorCode().code();
    }
    if (t instanceof SQLTransientConnectionException
        || t instanceof SQLNonTransientConnectionException) {
      return name;
    }
    if (t instanceof SQLException sql && connectionState(sql.getSQLState())) {
      return name + " SQLState " + sql.getSQLState();
    }
    if (isA(t, Set.of(HIBERNATE_CONNECTION_EXCEPTION))) {
      return name;
    }
    if (belowJdbc && t instanceof SocketException) {
      return name + " under a JDBC exception";
    }
    if (isA(t, RESOURCE_EXCEPTIONS)) {
      String poolRefusal = poolRefusal(t.getMessage());
      if (poolRefusal != null && (belowJdbc || namesDatasource(t.getMessage()))) {
        return name + " " + poolRefusal;
      }
    }
    return null;
  }

  private static boolean connectionState(String state) {
    return state != null
        && state.length() == 5
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  /** Whether {@code t}'s class or one of its superclasses has one of these names. */
  private static boolean isA(Throwable t, Set<String> classNames) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (classNames.contains(c.getName())) {
        return true;
      }
    }
    return false;
  }

  /** {@code IJ000453} or {@code IJ000655} if the message starts with one of them, else null. */
  private static String poolRefusal(String message) {
    if (message == null || message.length() < 8) {
      return null;
    }
    String code = message.substring(0, 8);
    return POOL_REFUSALS.contains(code) ? code : null;
  }

  /** Whether the message names {@link #DATASOURCE} itself (not a longer name starting with it). */
  private static boolean namesDatasource(String message) {
    for (int at = message.indexOf(DATASOURCE); at >= 0; at = message.indexOf(DATASOURCE, at + 1)) {
      int end = at + DATASOURCE.length();
      if (end == message.length() || !nameChar(message.charAt(end))) {
        return true;
      }
    }
    return false;
  }

  private static boolean nameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }
}
