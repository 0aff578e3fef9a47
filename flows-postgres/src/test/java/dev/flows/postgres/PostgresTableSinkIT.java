package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.spi.TableSink;
import dev.flows.spi.TableSinkContract;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table sink contract on a real PostgreSQL, plus what only a database can do: fail half-way.
 */
@FlowsServices
class PostgresTableSinkIT extends TableSinkContract {
  private static TestPostgres postgres;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
  }

  @Override
  protected TableSink newSink() {
    return PostgresTableSink.create(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }

  @Override
  protected Map<Object, Row> read(TableSink sink, TableSpec table) {
    return TableReader.read(postgres.dataSource(), table);
  }

  @Test
  void shouldWriteNothingWhenTheDeleteOfTheSameTransactionFails() {
    TableSpec table =
        TableSpec.of(Rows.uniqueTable("sink_atomic"), Column.text("word"))
            .withColumn(Column.of("doc", ColumnType.JSONB));
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);
      sink.write(table, List.of(Row.of("word", "a").with("doc", "{}")), List.of());

      FlowsException e =
          assertThrows(
              FlowsException.class,
              () ->
                  sink.write(
                      table,
                      List.of(
                          Row.of("word", "b").with("doc", "{}"),
                          Row.of("word", "c").with("doc", "not json")),
                      List.of()));

      assertTrue(
          e.getMessage().startsWith("materialised table " + table.name() + ": cannot write 2 rows"),
          e.getMessage());
      assertEquals(
          Map.of("a", Row.of("word", "a").with("doc", "{}")),
          TableReader.read(postgres.dataSource(), table));
    }
  }

  @Test
  void shouldUseAnExistingTableAndQuoteReservedNamesWhenPrepared() {
    String name = Rows.uniqueTable("sink_existing");
    TableSpec table =
        TableSpec.of(name, Column.text("select"))
            .withColumn(Column.bigint("from"))
            .withOffsetColumn("where");
    postgres.execute(
        "CREATE TABLE "
            + name
            + " (\"select\" text PRIMARY KEY, \"from\" bigint, \"where\" bigint, note text DEFAULT 'kept')");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);

      sink.write(
          table, List.of(Row.of("select", "x").with("from", 1L).with("where", 7L)), List.of());

      assertEquals(
          1,
          postgres.queryLong(
              "SELECT count(*) FROM " + name + " WHERE note = 'kept' AND \"where\" = 7"));
    }
  }
}
