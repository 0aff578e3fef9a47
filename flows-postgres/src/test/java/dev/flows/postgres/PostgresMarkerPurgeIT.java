package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.MarkerPurgeContract;
import dev.flows.spi.TableSink;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The marker purge contract on a real PostgreSQL, plus what only the database shows: the purge
 * finds markers through their index, skips a marker a batch's write holds instead of waiting for
 * it, and a table whose markers predate {@code deleted_at} gets it, counted from the upgrade.
 */
@FlowsServices
class PostgresMarkerPurgeIT extends MarkerPurgeContract {
  private static final MarkerPurge ANY_OLD =
      new MarkerPurge(Duration.ofDays(7), 0, Map.of(0, 1_000L), 100);

  private static TestPostgres postgres;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
  }

  @Override
  protected TableSink newSink() {
    return PostgresTableSink.create(postgres.dataSource());
  }

  @Override
  protected Map<Object, Row> read(TableSink sink, TableSpec table) {
    return TableReader.read(postgres.dataSource(), table);
  }

  /** Moves the markers' time back: the database's clock cannot be moved. */
  @Override
  protected void age(TableSink sink, TableSpec table, Duration by) {
    postgres.execute(
        "UPDATE \""
            + table.name()
            + "\" SET deleted_at = deleted_at - interval '"
            + by.toSeconds()
            + " seconds' WHERE deleted");
  }

  @Test
  void shouldFindMarkersThroughTheirIndexWhenTheTableIsLarge() throws SQLException {
    TableSpec table = words("purge_index");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);
      postgres.execute(
          "INSERT INTO \""
              + table.name()
              + "\" SELECT 'w' || i, i, i, 0, 0 FROM generate_series(1, 20000) i");
      postgres.execute("ANALYZE \"" + table.name() + "\"");

      String plan =
          explain(
              "SELECT ctid FROM \""
                  + table.name()
                  + "\" WHERE deleted AND deleted_at <= now() - interval '7 days' LIMIT 100");

      assertTrue(
          plan.contains(" on " + table.name() + "_markers")
              || plan.contains(" using " + table.name() + "_markers"),
          plan);
    }
  }

  @Test
  void shouldSkipAMarkerThatAWriteHoldsInsteadOfWaitingForIt() throws Exception {
    TableSpec table = words("purge_locked");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);
      sink.write(
          table,
          List.of(
              RowChanges.none().withDelete(marker("held")),
              RowChanges.none().withDelete(marker("free"))));
      age(sink, table, Duration.ofDays(8));
      try (Connection writer = postgres.dataSource().getConnection();
          Statement s = writer.createStatement()) {
        writer.setAutoCommit(false);
        s.execute("SELECT 1 FROM \"" + table.name() + "\" WHERE word = 'held' FOR UPDATE");

        int purged =
            assertTimeoutPreemptively(
                Duration.ofSeconds(10), () -> sink.purgeMarkers(table, ANY_OLD));

        assertEquals(1, purged, "the free marker only");
        writer.rollback();
      }
      assertEquals(1, sink.purgeMarkers(table, ANY_OLD), "the held one, once released");
    }
  }

  @Test
  void shouldTimeMarkersFromTheUpgradeWhenTheTableHadNoDeletedAtColumn() {
    String name = Rows.uniqueTable("purge_v2");
    postgres.execute(
        "CREATE TABLE "
            + name
            + " (word text PRIMARY KEY, count bigint, updated_offset bigint, source_partition"
            + " integer, source_generation integer, deleted boolean NOT NULL DEFAULT false)");
    postgres.execute(
        "INSERT INTO "
            + name
            + " VALUES ('gone', NULL, 5, 0, 0, true), ('live', 1, 6, 0, 0, false)");
    TableSpec table =
        TableSpec.of(name, Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);

      assertEquals(
          1,
          postgres.queryLong(
              "SELECT count(*) FROM " + name + " WHERE deleted AND deleted_at IS NOT NULL"));
      assertEquals(
          1, postgres.queryLong("SELECT count(*) FROM " + name + " WHERE deleted_at IS NULL"));
      assertEquals(0, sink.purgeMarkers(table, ANY_OLD), "counted from the upgrade: young");
      age(sink, table, Duration.ofDays(8));
      assertEquals(1, sink.purgeMarkers(table, ANY_OLD));
    }
  }

  private static String explain(String query) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN " + query)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private static TableSpec words(String prefix) {
    return TableSpec.of(Rows.uniqueTable(prefix), Column.text("word"))
        .withColumn(Column.bigint("count"))
        .withOffsetColumn("updated_offset");
  }

  private static Row marker(String word) {
    return Row.of("word", word)
        .with("updated_offset", 10L)
        .with(TableSpec.PARTITION_COLUMN, 0)
        .with(TableSpec.GENERATION_COLUMN, 0);
  }
}
