package org.careledger.persistence;

import java.util.Locale;

/**
 * Where the schema migrations live: {@code db/migration} for every database, and {@code
 * db/vendor/<vendor>} for what only one database can do (the append-only triggers of PostgreSQL),
 * with the same version number for every vendor.
 */
public final class Migrations {

  public static final String HISTORY_TABLE = "cl_schema_history";

  private Migrations() {}

  /**
   * @param databaseProductName as JDBC's {@code DatabaseMetaData.getDatabaseProductName()} says it
   */
  public static String[] locations(String databaseProductName) {
    String product = databaseProductName.toLowerCase(Locale.ROOT);
    String vendor;
    if (product.startsWith("h2")) {
      vendor = "h2";
    } else if (product.startsWith("postgresql")) {
      vendor = "postgresql";
    } else {
      throw new IllegalArgumentException(
          "CareLedger supports H2 and PostgreSQL, not " + databaseProductName);
    }
    return new String[] {"classpath:db/migration", "classpath:db/vendor/" + vendor};
  }
}
