package org.careledger.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The PostgreSQL server of the integration tests (started or found by {@code test-postgres.sh},
 * written to {@code <it.nodes>/postgresql/postgresql.properties}), for suites that need a database
 * of their own on it.
 */
record ItPostgres(String url, String user) {

  /** The test server's admin connection, as test-postgres.sh wrote it. */
  static ItPostgres server() throws IOException {
    Properties pg = new Properties();
    try (var in =
        Files.newInputStream(
            Path.of(System.getProperty("it.nodes"), "postgresql", "postgresql.properties"))) {
      pg.load(in);
    }
    return new ItPostgres(pg.getProperty("url"), pg.getProperty("user"));
  }

  /** A fresh, empty database {@code name} (dropped first if an aborted run left it). */
  void recreate(String name) throws SQLException {
    execute("DROP DATABASE IF EXISTS " + name);
    execute("CREATE DATABASE " + name);
  }

  void drop(String name) throws SQLException {
    execute("DROP DATABASE IF EXISTS " + name);
  }

  /** The JDBC URL of database {@code name} on this server. */
  String urlOf(String name) {
    return url.substring(0, url.lastIndexOf('/') + 1) + name;
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
