package org.careledger.infrastructure.migration;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.persistence.Migrations;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway, from the persistence module's {@link Migrations}.
 * Flyway takes a database lock, so two cluster nodes starting together migrate once.
 */
public final class SchemaMigrator {

  /** What a successful migration reports. */
  public record Result(String databaseProduct, int applied, String schemaVersion) {}

  private SchemaMigrator() {}

  public static Result migrate(DataSource dataSource, ClassLoader migrationsLoader) {
    String productName;
    String product;
    try (Connection connection = dataSource.getConnection()) {
      productName = connection.getMetaData().getDatabaseProductName();
      product = productName + " " + connection.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      throw new CareLedgerException(
          ErrorCode.DATABASE_UNREACHABLE,
          "database unreachable ("
              + e.getMessage()
              + "): check that it runs and that the datasource URL and credentials in"
              + " node.properties are right",
          e);
    }
    String[] locations;
    try {
      locations = Migrations.locations(productName);
    } catch (IllegalArgumentException e) {
      throw new CareLedgerException(ErrorCode.DATABASE_MIGRATION_FAILED, e.getMessage(), e);
    }
    try {
      MigrateResult result =
          Flyway.configure(migrationsLoader)
              .dataSource(dataSource)
              .locations(locations)
              .table(Migrations.HISTORY_TABLE)
              .failOnMissingLocations(true)
              .load()
              .migrate();
      return new Result(product, result.migrationsExecuted, result.targetSchemaVersion);
    } catch (FlywayException e) {
      throw new CareLedgerException(
          ErrorCode.DATABASE_MIGRATION_FAILED, "schema migration failed: " + e.getMessage(), e);
    }
  }
}
