package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.RefusedChanges;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probed write against another writer that inserts a key between the probe (which found it
 * absent) and the writes of absent keys (the binary COPY of their rows, the plain insert of their
 * markers): the unique violation of either sends the batch to the upserts, whose guard keeps the
 * newer row or marker, and nothing is refused. The other writer runs in {@link
 * PostgresMaterialisedTable#afterProbe}, on its own connection, so the race happens every time.
 */
@FlowsServices
class MaterialisedKeyRaceIT {
  private static TestPostgres postgres;
  private static Jdbi jdbi;

  private final AtomicInteger raced = new AtomicInteger();

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
    jdbi = Pool.borrowed(database.dataSource()).jdbi();
  }

  @Test
  void shouldKeepTheNewerRowWhenAnotherWriterInsertsAProbedAbsentKey() {
    TableSpec spec = words();
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    raceOnce(table, insert(spec, "'a', 'newer', 10, 0, 0, false"));

    List<RefusedChanges> refused =
        table.write(List.of(RowChanges.of(List.of(word("a", "stale", 5), word("b", "new", 5)))));

    assertEquals(List.of(), refused);
    assertEquals(1, raced.get(), "the other writer ran between probe and insert");
    assertEquals("newer", text(spec, "a"), "the guard kept the newer row");
    assertEquals("new", text(spec, "b"), "the rest of the batch is written");
  }

  @Test
  void shouldKeepTheNewerMarkerWhenAnotherWriterInsertsAProbedAbsentKey() {
    TableSpec spec = words();
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    raceOnce(table, insert(spec, "'a', NULL, 10, 0, 0, true"));

    List<RefusedChanges> refused =
        table.write(List.of(RowChanges.of(List.of(word("a", "stale", 5), word("b", "new", 5)))));

    assertEquals(List.of(), refused);
    assertEquals(1, raced.get());
    assertEquals(1, count(spec, "id = 'a' AND deleted"), "the marker stays");
    assertEquals(0, count(spec, "id = 'a' AND NOT deleted"), "the stale row is not resurrected");
    assertEquals("new", text(spec, "b"));
  }

  @Test
  void shouldKeepTheNewerRowWhenAnotherWriterInsertsTheKeyOfAStaleDelete() {
    TableSpec spec = words();
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    raceOnce(table, insert(spec, "'a', 'newer', 10, 0, 0, false"));

    List<RefusedChanges> refused =
        table.write(
            List.of(
                RowChanges.none()
                    .withDelete(source(Row.of("id", "a"), 5))
                    .withUpsert(word("b", "new", 5))));

    assertEquals(List.of(), refused);
    assertEquals(1, raced.get());
    assertEquals("newer", text(spec, "a"), "the stale marker did not replace the newer row");
    assertEquals("new", text(spec, "b"));
  }

  @Test
  void shouldKeepTheNewerRowOfACompositeKeyWhenAnotherWriterInsertsIt() {
    TableSpec spec =
        TableSpec.of(unique("race_lines"), Column.text("order_id"), Column.integer("line_no"))
            .withColumn(Column.text("item"))
            .withOffsetColumn("updated_offset");
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    raceOnce(table, insert(spec, "'o1', 2, 'newer', 10, 0, 0, false"));

    List<RefusedChanges> refused =
        table.write(List.of(RowChanges.of(List.of(line(1, "new"), line(2, "stale")))));

    assertEquals(List.of(), refused);
    assertEquals(1, raced.get());
    assertEquals(1, count(spec, "order_id = 'o1' AND line_no = 2 AND item = 'newer'"));
    assertEquals(1, count(spec, "order_id = 'o1' AND line_no = 1 AND item = 'new'"));
  }

  @Test
  void shouldNotResurrectATombstonedKeyWhenAStaleUpsertFollows() {
    TableSpec spec = words();
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    table.afterProbe(raced::incrementAndGet);

    table.write(List.of(RowChanges.none().withDelete(source(Row.of("id", "a"), 10))));
    List<RefusedChanges> refused =
        table.write(List.of(RowChanges.of(List.of(word("a", "stale", 5)))));

    assertEquals(List.of(), refused);
    assertEquals(2, raced.get(), "both batches were probed");
    assertEquals(1, count(spec, "id = 'a' AND deleted AND updated_offset = 10"));
    assertEquals(0, count(spec, "id = 'a' AND NOT deleted"));
  }

  @Test
  void shouldWriteTheBatchWhenAnotherWriterInsertsAKeyOfAnUnversionedTable() {
    TableSpec spec =
        TableSpec.of(unique("race_plain"), Column.text("id")).withColumn(Column.text("word"));
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    raceOnce(table, "INSERT INTO " + spec.name() + " VALUES ('a', 'other')");

    List<RefusedChanges> refused =
        table.write(List.of(RowChanges.of(List.of(Row.of("id", "a").with("word", "mine")))));

    assertEquals(List.of(), refused);
    assertEquals(1, raced.get());
    assertEquals(1, count(spec, "id = 'a' AND word = 'mine'"), "without a guard the batch wins");
  }

  /** Runs {@code sql} on another connection after the next probe only. */
  private void raceOnce(PostgresMaterialisedTable table, String sql) {
    table.afterProbe(
        () -> {
          if (raced.incrementAndGet() == 1) {
            postgres.execute(sql);
          }
        });
  }

  private static TableSpec words() {
    return TableSpec.of(unique("race_words"), Column.text("id"))
        .withColumn(Column.text("word"))
        .withOffsetColumn("updated_offset");
  }

  private static Row word(String id, String word, long offset) {
    return source(Row.of("id", id).with("word", word), offset);
  }

  private static Row line(int lineNo, String item) {
    return source(Row.of("order_id", "o1").with("line_no", lineNo).with("item", item), 5);
  }

  /** {@code row} from partition 0, generation 0, at {@code offset}. */
  private static Row source(Row row, long offset) {
    return row.with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, 0)
        .with(TableSpec.GENERATION_COLUMN, 0);
  }

  /** An insert of {@code values}: the columns, the source columns, then whether deleted. */
  private static String insert(TableSpec spec, String values) {
    return "INSERT INTO "
        + spec.name()
        + " ("
        + String.join(", ", spec.allColumns().stream().map(Column::name).toList())
        + ", deleted) VALUES ("
        + values
        + ")";
  }

  private static String text(TableSpec spec, String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT word FROM " + spec.name() + " WHERE id = :id AND NOT deleted")
                .bind("id", id)
                .mapTo(String.class)
                .findOne()
                .orElse(null));
  }

  private static long count(TableSpec spec, String where) {
    return postgres.queryLong("SELECT count(*) FROM " + spec.name() + " WHERE " + where);
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
