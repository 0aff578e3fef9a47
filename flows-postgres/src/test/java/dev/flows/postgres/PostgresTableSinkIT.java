package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.TableSink;
import dev.flows.spi.TableSinkContract;
import dev.flows.testing.InMemoryTableSink;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table sink contract on a real PostgreSQL, plus what only a database can do: fail for the
 * whole batch, and refuse rows for reasons of its own (invalid JSON, a NUL character, a number too
 * large for an existing column, a key too large to index, keys equal only in PostgreSQL).
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
  void shouldThrowAndWriteNothingWhenTheDatabaseFailsForTheWholeBatch() {
    String name = Rows.uniqueTable("sink_atomic");
    TableSpec table =
        TableSpec.of(name, Column.text("word"))
            .withColumn(Column.of("doc", ColumnType.JSONB))
            .withOffsetColumn("updated_offset");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);
      write(sink, table, List.of(json("a", "{}", 1), json("b", "{}", 2)), List.of());
      postgres.execute("ALTER TABLE " + name + " RENAME COLUMN doc TO document");

      FlowsException e =
          assertThrows(
              FlowsException.class,
              () ->
                  write(
                      sink,
                      table,
                      List.of(json("c", "{}", 3)),
                      List.of(Row.of("word", "a").with("updated_offset", 4L))));

      assertTrue(
          e.getMessage()
              .startsWith("materialised table " + name + ": cannot write the changes of 2 records"),
          e.getMessage());
      assertEquals(
          2,
          postgres.queryLong("SELECT count(*) FROM " + name + " WHERE word IN ('a', 'b')"),
          "the delete of the failed transaction is rolled back too");
      assertEquals(0, postgres.queryLong("SELECT count(*) FROM " + name + " WHERE word = 'c'"));
    }
  }

  @Test
  void shouldRefuseOnlyTheRowWhenItsJsonIsInvalid() {
    TableSpec table = docs("sink_json");

    assertRefusedAlone(
        table, json("bad", "not json", 0), "invalid input syntax for type json", goodDocs(7));
  }

  @Test
  void shouldRefuseOnlyTheRowWhenItsJsonEscapesANulCharacter() {
    TableSpec table = docs("sink_json_nul");

    assertRefusedAlone(
        table,
        json("bad", "{\"a\": \"\\u0000\"}", 0),
        "unsupported Unicode escape sequence",
        goodDocs(7));
  }

  @Test
  void shouldRefuseOnlyTheRowWhenTextHoldsANulCharacter() {
    TableSpec table =
        TableSpec.of(Rows.uniqueTable("sink_nul"), Column.text("word"))
            .withColumn(Column.text("note"));
    List<Row> good = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      good.add(Row.of("word", "w" + i).with("note", "note " + i));
    }

    assertRefusedAlone(
        table,
        Row.of("word", "bad").with("note", "nul \u0000 inside"),
        "invalid byte sequence for encoding \"UTF8\": 0x00",
        good);
  }

  @Test
  void shouldRefuseOnlyTheRowWhenANumberOverflowsTheColumnOfAnExistingTable() {
    String name = Rows.uniqueTable("sink_numeric");
    postgres.execute("CREATE TABLE " + name + " (word text PRIMARY KEY, amount numeric(6, 2))");
    TableSpec table =
        TableSpec.of(name, Column.text("word")).withColumn(Column.of("amount", ColumnType.DOUBLE));
    List<Row> good = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      good.add(Row.of("word", "w" + i).with("amount", i + 0.25));
    }

    assertRefusedAlone(
        table, Row.of("word", "bad").with("amount", 1e9), "numeric field overflow", good);
  }

  @Test
  void shouldRefuseOnlyTheRowWhenItsKeyIsTooLargeToIndex() {
    TableSpec table =
        TableSpec.of(Rows.uniqueTable("sink_big_key"), Column.text("word"))
            .withColumn(Column.bigint("count"));
    List<Row> good = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      good.add(Row.of("word", "w" + i).with("count", (long) i));
    }
    StringBuilder huge = new StringBuilder();
    new Random(7).ints(12_000, 'a', 'z' + 1).forEach(c -> huge.append((char) c));

    assertRefusedAlone(
        table, Row.of("word", huge.toString()).with("count", -1L), "index row", good);
  }

  @Test
  void shouldWriteEachRowWhenTwoInstantKeysAreEqualOnlyInPostgres() {
    TableSpec table =
        TableSpec.of(Rows.uniqueTable("sink_instant_keys"), Column.of("at", ColumnType.TIMESTAMPTZ))
            .withColumn(Column.bigint("count"));
    Instant at = Instant.parse("2024-05-06T07:08:09.123456Z");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);

      List<RefusedChanges> refused =
          write(
              sink,
              table,
              List.of(
                  Row.of("at", at.plusNanos(100)).with("count", 1L),
                  Row.of("at", at.plusNanos(200)).with("count", 2L),
                  Row.of("at", at.plusSeconds(1)).with("count", 3L)),
              List.of());

      assertEquals(Set.of(at, at.plusSeconds(1)), read(sink, table).keySet());
      assertEquals(List.of(), refused, "written one by one, not refused");
    }
  }

  @Test
  void shouldWriteEachRowWhenTwoDoubleKeysAreEqualOnlyInPostgres() {
    TableSpec table =
        TableSpec.of(Rows.uniqueTable("sink_double_keys"), Column.of("x", ColumnType.DOUBLE))
            .withColumn(Column.bigint("count"));
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);

      List<RefusedChanges> refused =
          write(
              sink,
              table,
              List.of(
                  Row.of("x", -0.0).with("count", 1L),
                  Row.of("x", 0.0).with("count", 2L),
                  Row.of("x", 1.5).with("count", 3L)),
              List.of());

      assertEquals(2, read(sink, table).size());
      assertEquals(List.of(), refused, "written one by one, not refused");
    }
  }

  /**
   * Writes {@code good} with {@code poison} in the middle: the batch goes on, and only the good
   * rows are stored.
   */
  private void assertRefusedAlone(TableSpec table, Row poison, String reason, List<Row> good) {
    List<Row> rows = new ArrayList<>(good);
    rows.add(good.size() / 2, poison);
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);

      List<RefusedChanges> refused = write(sink, table, rows, List.of());

      Map<Object, Row> expected = new HashMap<>();
      good.forEach(row -> expected.put(row.get(table.primaryKey().get(0).name()), row));
      assertEquals(expected, read(sink, table));
      assertEquals(
          List.of(poison), refused.stream().map(r -> r.changes().upserts().get(0)).toList());
      assertTrue(refused.get(0).reason().contains(reason), refused.get(0).reason());
    }
  }

  private static TableSpec docs(String prefix) {
    return TableSpec.of(Rows.uniqueTable(prefix), Column.text("word"))
        .withColumn(Column.of("doc", ColumnType.JSONB))
        .withOffsetColumn("updated_offset");
  }

  private static List<Row> goodDocs(int count) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(json("w" + i, "{\"n\": " + i + "}", i + 1));
    }
    return rows;
  }

  private static Row json(String word, String doc, long offset) {
    return Row.of("word", word)
        .with("doc", doc)
        .with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, 0)
        .with(TableSpec.GENERATION_COLUMN, 0);
  }

  @Test
  void shouldAddTheSourceColumnsAndKeepItsRowsWhenTheTableHasOnlyAnOffsetColumn() {
    String name = Rows.uniqueTable("sink_v1");
    TableSpec table =
        TableSpec.of(name, Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");
    postgres.execute(
        "CREATE TABLE " + name + " (word text PRIMARY KEY, count bigint, updated_offset bigint)");
    postgres.execute("INSERT INTO " + name + " VALUES ('a', 1, 100), ('b', 2, 200)");
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      sink.prepare(table);

      write(sink, table, List.of(v1Row("a", 5L, 101), v1Row("b", 6L, 150)), List.of());
      write(sink, table, List.of(), List.of(v1Row("b", null, 201)));
      write(sink, table, List.of(v1Row("b", 7L, 200)), List.of()); // stale: refused

      Map<Object, Row> rows = read(sink, table);
      assertEquals(5L, rows.get("a").get("count"), "an old row's offset still guards it");
      assertEquals(0, rows.get("a").get("source_partition"));
      assertEquals(Set.of("a"), rows.keySet(), "b deleted, and not brought back by a stale row");
    }
  }

  @Test
  void shouldFailNamingTheAlterStatementWhenTheOldTableCannotBeUpgraded() {
    String name = Rows.uniqueTable("sink_v1_foreign");
    TableSpec table =
        TableSpec.of(name, Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");
    postgres.execute(
        "DO $$ BEGIN CREATE ROLE flows_not_owner LOGIN PASSWORD 'not-owner';"
            + " EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    postgres.execute(
        "CREATE TABLE " + name + " (word text PRIMARY KEY, count bigint, updated_offset bigint)");
    postgres.execute("GRANT USAGE, CREATE ON SCHEMA public TO flows_not_owner");
    postgres.execute("GRANT ALL ON " + name + " TO flows_not_owner"); // all but ALTER
    try (PostgresTableSink sink =
        PostgresTableSink.create(withoutUser(postgres.jdbcUrl()), "flows_not_owner", "not-owner")) {

      FlowsException e = assertThrows(FlowsException.class, () -> sink.prepare(table));

      assertTrue(
          e.getMessage()
              .contains(
                  "run ALTER TABLE \""
                      + name
                      + "\" ADD COLUMN IF NOT EXISTS \"source_partition\" integer, ADD COLUMN IF"
                      + " NOT EXISTS \"source_generation\" integer, ADD COLUMN IF NOT EXISTS"
                      + " \"deleted\" boolean NOT NULL DEFAULT false, ADD COLUMN IF NOT EXISTS"
                      + " \"deleted_at\" timestamptz as the table's owner"),
          e.getMessage());
    }
  }

  @Test
  void shouldLeaveWhatTheInMemorySinkLeavesWhenRandomBatchesOfManyRowsPerRecordAreWritten() {
    TableSpec table =
        TableSpec.of(
                Rows.uniqueTable("sink_random"), Column.text("order_id"), Column.integer("line_no"))
            .withColumn(Column.text("sku"))
            .withOffsetColumn("updated_offset");
    InMemoryTableSink reference = InMemoryTableSink.create();
    Random random = new Random(42);
    long[] offsets = new long[2];
    List<List<RowChanges>> written = new ArrayList<>();
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.dataSource());
    config.setMaximumPoolSize(2);
    try (HikariDataSource pooled = new HikariDataSource(config);
        PostgresTableSink sink = PostgresTableSink.create(pooled)) {
      sink.prepare(table);
      for (int i = 0; i < 200; i++) {
        boolean replay = !written.isEmpty() && random.nextInt(5) == 0;
        List<RowChanges> batch =
            replay ? written.get(random.nextInt(written.size())) : randomBatch(random, offsets);
        written.add(batch);

        assertEquals(List.of(), sink.write(table, batch));
        reference.write(table, batch);

        String context = "batch " + i + (replay ? " (a replay): " : ": ") + batch;
        assertEquals(reference.rows(table.name()), TableReader.read(pooled, table), context);
        assertEquals(
            timed(reference.markers(table.name())),
            timed(TableReader.markers(pooled, table)),
            context);
      }
    }
  }

  /**
   * {@code markers} with {@code deleted_at} replaced by whether it is set: the sinks' clocks
   * differ, but every marker, whatever wrote it, must have its time.
   */
  private static Map<Object, Row> timed(Map<Object, Row> markers) {
    Map<Object, Row> timed = new HashMap<>();
    markers.forEach(
        (key, row) ->
            timed.put(
                key,
                row.with(
                    TableSpec.DELETED_AT_COLUMN, row.get(TableSpec.DELETED_AT_COLUMN) != null)));
    return timed;
  }

  /**
   * Up to six records' random changes of orders a to c, lines 1 to 3, each record from partition 0
   * or 1 at its next offset; no key upserted or deleted twice, as the runtime resolves a batch.
   */
  private static List<RowChanges> randomBatch(Random random, long[] offsets) {
    List<RowChanges> batch = new ArrayList<>();
    Set<List<Object>> keys = new HashSet<>();
    for (int record = random.nextInt(6); record >= 0; record--) {
      int partition = random.nextInt(2);
      long offset = offsets[partition]++;
      RowChanges changes = RowChanges.none();
      for (int op = random.nextInt(4); op > 0; op--) {
        String order = List.of("a", "b", "c").get(random.nextInt(3));
        int no = 1 + random.nextInt(3);
        Row key = Row.of("order_id", order).with("line_no", no);
        boolean fresh = keys.add(List.of(order, no));
        changes =
            switch (random.nextInt(4)) {
              case 0 -> fresh ? changes.withUpsert(key.with("sku", "s" + offset)) : changes;
              case 1 -> fresh ? changes.withDelete(key) : changes;
              case 2 -> changes.withDeleteWhere(Row.of("order_id", order));
              default -> changes.withDeleteWhere(Row.of("line_no", no));
            };
      }
      batch.add(sourced(changes, partition, offset));
    }
    return batch;
  }

  private static RowChanges sourced(RowChanges changes, int partition, long offset) {
    UnaryOperator<List<Row>> source =
        rows ->
            rows.stream()
                .map(
                    r ->
                        r.with("updated_offset", offset)
                            .with(TableSpec.PARTITION_COLUMN, partition)
                            .with(TableSpec.GENERATION_COLUMN, 0))
                .toList();
    return new RowChanges(
        source.apply(changes.upserts()),
        source.apply(changes.deletes()),
        source.apply(changes.deletesWhere()));
  }

  /** Writes each row as the changes of one record. */
  private static List<RefusedChanges> write(
      TableSink sink, TableSpec table, List<Row> upserts, List<Row> deletes) {
    List<RowChanges> changes = new ArrayList<>();
    upserts.forEach(row -> changes.add(RowChanges.of(List.of(row))));
    deletes.forEach(row -> changes.add(RowChanges.none().withDelete(row)));
    return sink.write(table, changes);
  }

  /** The URL without a {@code user} parameter, which would override the pool's user. */
  private static String withoutUser(String url) {
    return url.replaceAll("([?&])user=[^&]*&?", "$1").replaceAll("[?&]$", "");
  }

  private static Row v1Row(String word, Long count, long offset) {
    Row row =
        Row.of("word", word)
            .with("updated_offset", offset)
            .with("source_partition", 0)
            .with("source_generation", 0);
    return count == null ? row : row.with("count", count);
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

      write(
          sink,
          table,
          List.of(Row.of("select", "x").with("from", 1L).with("where", 7L)),
          List.of());

      assertEquals(
          1,
          postgres.queryLong(
              "SELECT count(*) FROM " + name + " WHERE note = 'kept' AND \"where\" = 7"));
    }
  }
}
