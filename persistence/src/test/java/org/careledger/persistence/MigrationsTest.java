package org.careledger.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The migrations apply on H2 and name every table, index and constraint explicitly. */
class MigrationsTest {

  private String url;

  @BeforeEach
  void migrate() {
    url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    flyway().migrate();
  }

  @Test
  void createsTheNamedTableIndexAndConstraints() throws SQLException {
    assertThat(
            names("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA='PUBLIC'"))
        .contains(
            "CL_NODE_START",
            "CL_CHANNEL",
            "CL_BLOCK",
            "CL_LEDGER_TX",
            "CL_BLOB",
            "CL_KEY_ENVELOPE",
            "CL_CONSENSUS_STATE",
            "CL_PATIENT_IDENTITY",
            "CL_RECORD_METADATA",
            "CL_RECORD_INDEX",
            "cl_schema_history");
    assertThat(
            names(
                "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                    + " WHERE TABLE_NAME='CL_CONSENSUS_STATE'"))
        .contains(
            "PK_CL_CONSENSUS_STATE",
            "FK_CL_CONSENSUS_STATE_CHANNEL",
            "CK_CL_CONSENSUS_STATE_HEIGHT",
            "CK_CL_CONSENSUS_STATE_ROUND");
    assertThat(
            names(
                "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME='CL_NODE_START'"))
        .contains("IX_CL_NODE_START_STARTED_AT");
    assertThat(
            names(
                "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                    + " WHERE TABLE_NAME='CL_NODE_START'"))
        .contains("PK_CL_NODE_START", "CK_CL_NODE_START_FINGERPRINT");
  }

  /**
   * One index of the ledger transactions is keyed by the random transaction id, the primary key,
   * and it starts with tx_id so that "tx_id IN (...)" uses it (V7): a second random-keyed index
   * doubled the pages H2 rewrites at every block's commit.
   */
  @Test
  void ledgerTransactionsHaveOneIndexKeyedByTransactionIdThePrimaryKey() throws SQLException {
    assertThat(
            names(
                "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                    + " WHERE TABLE_NAME='CL_LEDGER_TX' AND INDEX_NAME = (SELECT INDEX_NAME"
                    + " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE CONSTRAINT_NAME='PK_CL_LEDGER_TX')"
                    + " ORDER BY ORDINAL_POSITION"))
        .containsExactly("TX_ID", "CHANNEL_ID");
    assertThat(
            names(
                "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                    + " WHERE TABLE_NAME='CL_LEDGER_TX' AND COLUMN_NAME='TX_ID'"))
        .hasSize(1);
  }

  @Test
  void rejectsAFingerprintThatIsNotSha256Hex() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO cl_node_start VALUES (NEXT VALUE FOR cl_node_start_seq, 'h1',"
                          + " 'abc', '1.0', CURRENT_TIMESTAMP)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("CK_CL_NODE_START_FINGERPRINT");
    }
  }

  @Test
  void aPatientIdentityIsKeyedByChannelAndFullLengthPseudonym() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      String row =
          "INSERT INTO cl_patient_identity VALUES ('care-bft', '%s', 'mrn-1', CURRENT_TIMESTAMP)";
      s.executeUpdate(String.format(row, "ab".repeat(32)));
      assertThatThrownBy(() -> s.executeUpdate(String.format(row, "ab".repeat(32))))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("primary key violation");
      assertThatThrownBy(() -> s.executeUpdate(String.format(row, "ab")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("CK_CL_PATIENT_IDENTITY_PSEUDONYM");
    }
  }

  /**
   * V8: the index of sharing references is keyed by the reference first (so that an IN list of
   * references uses it on H2), and every channel that had blocks beyond genesis when V8 ran is left
   * for the node to index at start, up to the height it had.
   */
  @Test
  void theSharingReferencesOfChainsCommittedBeforeV8AreLeftForTheNodeToIndex() throws SQLException {
    url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations(Migrations.locations("H2"))
        .table(Migrations.HISTORY_TABLE)
        .target("7")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      for (String channel : List.of("care-bft", "quiet")) {
        s.executeUpdate(
            "INSERT INTO cl_channel VALUES ('" + channel + "', '" + "0".repeat(64) + "', NOW())");
      }
      int heights = 3;
      for (int height = 0; height < heights; height++) {
        block(s, "care-bft", height);
      }
      block(s, "quiet", 0);
    }
    flyway().migrate();
    // V9: nothing of it indexed yet.
    assertThat(
            names(
                "SELECT channel_id || '@' || up_to_height || '/' || indexed_height"
                    + " FROM cl_sharing_ref_backfill"))
        .containsExactly("care-bft@2/0");
    assertThat(
            names(
                "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                    + " WHERE TABLE_NAME='CL_SHARING_REF' AND INDEX_NAME = (SELECT INDEX_NAME"
                    + " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE CONSTRAINT_NAME='PK_CL_SHARING_REF')"
                    + " ORDER BY ORDINAL_POSITION"))
        .containsExactly("REF_KEY", "CHANNEL_ID", "TX_ID");
  }

  private static void block(Statement s, String channel, int height) throws SQLException {
    String hash = String.format("%064x", (long) (channel.hashCode() * 31 + height) & 0xffffffffL);
    s.executeUpdate(
        "INSERT INTO cl_block VALUES ('"
            + channel
            + "', "
            + height
            + ", '"
            + hash
            + "', '"
            + "0".repeat(64)
            + "', '"
            + "0".repeat(64)
            + "', 0, X'00', X'00', NOW())");
  }

  @Test
  void migratingAgainChangesNothing() {
    assertThat(flyway().migrate().migrationsExecuted).isZero();
  }

  /** Configured as SchemaMigrator configures it in the server. */
  private Flyway flyway() {
    return Flyway.configure()
        .dataSource(url, "sa", "")
        .locations(Migrations.locations("H2"))
        .table(Migrations.HISTORY_TABLE)
        .load();
  }

  @org.junit.jupiter.api.Test
  void eachSupportedDatabaseHasItsVendorLocationAndOthersAreRefused() {
    assertThat(Migrations.locations("PostgreSQL"))
        .containsExactly("classpath:db/migration", "classpath:db/vendor/postgresql");
    assertThat(Migrations.locations("H2"))
        .containsExactly("classpath:db/migration", "classpath:db/vendor/h2");
    assertThatThrownBy(() -> Migrations.locations("MySQL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("H2 and PostgreSQL");
  }

  private List<String> names(String sql) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
