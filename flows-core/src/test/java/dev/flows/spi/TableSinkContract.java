package dev.flows.spi;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link TableSink} passes: the in-memory one in flows-core and PostgreSQL in
 * flows-postgres. Extend it, return a fresh sink, and read a table back as primary key to row.
 */
public abstract class TableSinkContract {
  /** PostgreSQL's first {@code timestamptz}, 4714-11-24 00:00:00 BC (UTC). */
  private static final Instant EARLIEST = Instant.parse("-4713-11-24T00:00:00Z");

  /** PostgreSQL's last {@code timestamptz} at microsecond precision. */
  private static final Instant LATEST = Instant.parse("+294276-12-31T23:59:59.999999Z");

  private TableSink sink;
  private String suffix;

  /** A sink for one test; closed after it. */
  protected abstract TableSink newSink();

  /** Every row of {@code table} in {@code sink}, by primary key value, each with every column. */
  protected abstract Map<Object, Row> read(TableSink sink, TableSpec table);

  @BeforeEach
  void open() {
    sink = newSink();
    suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @AfterEach
  void close() {
    sink.close();
  }

  @Test
  void shouldInsertAndReplaceRowsWhenTheTableIsNotVersioned() {
    TableSpec table = counts(false);
    sink.prepare(table);
    write(table, List.of(count("a", 1L), count("b", 2L)), List.of());

    write(table, List.of(count("a", 5L)), List.of());

    assertEquals(Map.of("a", count("a", 5L), "b", count("b", 2L)), read(sink, table));
  }

  @Test
  void shouldDeleteRowsAndIgnoreAbsentKeysWhenDeletesAreWritten() {
    TableSpec table = counts(false);
    sink.prepare(table);
    write(table, List.of(count("a", 1L), count("b", 2L)), List.of());

    write(table, List.of(count("c", 3L)), List.of(Row.of("word", "a"), Row.of("word", "absent")));

    assertEquals(Map.of("b", count("b", 2L), "c", count("c", 3L)), read(sink, table));
  }

  @Test
  void shouldRefuseOlderAndEqualOffsetsWhenTheTableIsVersioned() {
    TableSpec table = counts(true);
    sink.prepare(table);
    write(table, List.of(versioned("a", 10L, 100), versioned("b", 20L, 200)), List.of());

    write(
        table,
        List.of(versioned("a", 9L, 99), versioned("b", 21L, 200), versioned("c", 1L, 5)),
        List.of());

    assertEquals(
        Map.of(
            "a",
            versioned("a", 10L, 100),
            "b",
            versioned("b", 20L, 200),
            "c",
            versioned("c", 1L, 5)),
        read(sink, table));
    write(table, List.of(versioned("a", 11L, 101)), List.of());
    assertEquals(versioned("a", 11L, 101), read(sink, table).get("a"));
  }

  @Test
  void shouldDeleteOnlyWhenTheTombstoneIsNewerWhenTheTableIsVersioned() {
    TableSpec table = counts(true);
    sink.prepare(table);
    write(table, List.of(versioned("a", 1L, 100), versioned("b", 2L, 200)), List.of());

    write(
        table, List.of(), List.of(tombstone("a", 50), tombstone("b", 201), tombstone("absent", 1)));

    assertEquals(Map.of("a", versioned("a", 1L, 100)), read(sink, table));
  }

  @Test
  void shouldApplyAnUpdateWhenItComesFromAnotherPartitionAtALowerOffset() {
    TableSpec table = counts(true);
    sink.prepare(table);
    write(table, List.of(from("a", 1L, 0, 0, 100)), List.of());

    write(table, List.of(from("a", 2L, 1, 0, 5)), List.of());

    assertEquals(2L, read(sink, table).get("a").get("count"), "last writer wins across partitions");
    write(table, List.of(from("a", 3L, 1, 0, 4)), List.of());
    assertEquals(2L, read(sink, table).get("a").get("count"), "older in its own partition");
  }

  @Test
  void shouldRefuseAStaleUpsertWhenItsKeyWasDeletedLaterInTheSamePartition() {
    TableSpec table = counts(true);
    sink.prepare(table);
    write(table, List.of(from("a", 1L, 0, 0, 100)), List.of());
    write(table, List.of(), List.of(tombstoneFrom("a", 0, 0, 101)));

    write(table, List.of(from("a", 1L, 0, 0, 100)), List.of()); // a zombie's stale write

    assertNull(read(sink, table).get("a"), "the delete is not undone by an older upsert");
    write(table, List.of(from("a", 7L, 0, 0, 102)), List.of());
    assertEquals(7L, read(sink, table).get("a").get("count"), "a newer upsert brings it back");
  }

  @Test
  void shouldApplyAnUpdateWhenItComesFromALaterTopicGeneration() {
    TableSpec table = counts(true);
    sink.prepare(table);
    write(table, List.of(from("a", 1L, 0, 0, 100)), List.of());

    write(table, List.of(from("a", 2L, 0, 1, 3)), List.of());
    write(table, List.of(from("a", 3L, 0, 0, 200)), List.of()); // the old generation

    assertEquals(2L, read(sink, table).get("a").get("count"));
  }

  @Test
  void shouldKeepEveryColumnTypeAndNullsWhenRowsAreReadBack() {
    TableSpec table =
        TableSpec.of("contract_types_" + suffix, Column.of("id", ColumnType.BIGINT))
            .withColumn(Column.text("name"))
            .withColumn(Column.of("small", ColumnType.INTEGER))
            .withColumn(Column.of("ratio", ColumnType.DOUBLE))
            .withColumn(Column.of("flag", ColumnType.BOOLEAN))
            .withColumn(Column.of("data", ColumnType.BYTEA))
            .withColumn(Column.of("at", ColumnType.TIMESTAMPTZ))
            .withColumn(Column.of("doc", ColumnType.JSONB));
    Instant at = Instant.parse("2024-05-06T07:08:09.123456Z");
    Row full =
        new Row(
            Map.of(
                "id",
                1L,
                "name",
                "it's \"quoted\", {braced}",
                "small",
                7,
                "ratio",
                0.25,
                "flag",
                true,
                "data",
                bytes("raw"),
                "at",
                at,
                "doc",
                "{\"a\": [1, 2]}"));
    sink.prepare(table);

    write(table, List.of(full, Row.of("id", 2L)), List.of());

    Map<Object, Row> rows = read(sink, table);
    Row stored = rows.get(1L);
    assertEquals(
        List.of("it's \"quoted\", {braced}", 7, 0.25, true, at),
        List.of(
            stored.get("name"),
            stored.get("small"),
            stored.get("ratio"),
            stored.get("flag"),
            stored.get("at")));
    assertArrayEquals(bytes("raw"), (byte[]) stored.get("data"));
    assertEquals("{\"a\": [1, 2]}", stored.get("doc"));
    assertNull(rows.get(2L).get("name"));
    assertNull(rows.get(2L).get("data"));
  }

  @Test
  void shouldWriteManyRowsWhenInOneBatch() {
    TableSpec table = counts(true);
    List<Row> rows = new ArrayList<>();
    List<Row> deletes = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add(versioned("w" + i, (long) i, i));
      deletes.add(tombstone("gone" + i, i));
    }
    sink.prepare(table);

    assertEquals(List.of(), write(table, rows, deletes));

    Map<Object, Row> stored = read(sink, table);
    assertEquals(5_000, stored.size());
    assertEquals(versioned("w4999", 4999L, 4999), stored.get("w4999"));
  }

  @Test
  void shouldKeepRowsWhenPreparedAgainAndApartWhenNamesDiffer() {
    TableSpec table = counts(false);
    TableSpec other =
        TableSpec.of("contract_other_" + suffix, Column.text("word"))
            .withColumn(Column.bigint("count"));
    sink.prepare(table);
    sink.prepare(other);
    write(table, List.of(count("a", 1L)), List.of());

    sink.prepare(table);

    assertEquals(Map.of("a", count("a", 1L)), read(sink, table));
    assertEquals(Map.of(), read(sink, other));
  }

  @Test
  void shouldKeepTimestampsWhenTheyAreAtTheEdgesOfPostgresRange() {
    TableSpec table = times();
    List<Row> rows =
        List.of(
            time("earliest", EARLIEST),
            time("one-bc", Instant.parse("0000-06-01T12:00:00.5Z")),
            time("five-digit-year", Instant.parse("+10000-01-01T00:00:00.000001Z")),
            time("latest", LATEST));
    sink.prepare(table);

    assertEquals(List.of(), write(table, rows, List.of()));

    Map<Object, Row> stored = read(sink, table);
    rows.forEach(row -> assertEquals(row, stored.get(row.get("word")), row.toString()));
  }

  @Test
  void shouldRefuseOnlyTheRowsWhenTimestampsAreOutsidePostgresRange() {
    TableSpec table = times();
    Row early = time("early", EARLIEST);
    Row late = time("late", LATEST);
    Row tooEarly = time("too-early", EARLIEST.minus(1, ChronoUnit.MICROS));
    Row tooLate = time("too-late", LATEST.plus(1, ChronoUnit.MICROS));
    sink.prepare(table);

    List<RefusedChanges> refused = write(table, List.of(early, tooEarly, tooLate, late), List.of());

    assertEquals(Map.of("early", early, "late", late), read(sink, table));
    assertEquals(
        Set.of(tooEarly, tooLate),
        refused.stream().map(TableSinkContract::onlyRow).collect(toSet()));
    refused.forEach(r -> assertTrue(r.reason().contains("out of range"), r.reason()));
  }

  @Test
  void shouldRefuseOnlyTheDeleteWhenItsKeyIsOutsidePostgresRange() {
    TableSpec table =
        TableSpec.of("contract_time_keys_" + suffix, Column.of("at", ColumnType.TIMESTAMPTZ))
            .withColumn(Column.bigint("count"));
    Instant at = Instant.parse("2024-05-06T07:08:09.123456Z");
    sink.prepare(table);
    write(
        table,
        List.of(Row.of("at", at).with("count", 1L), Row.of("at", LATEST).with("count", 2L)),
        List.of());
    Row tooLate = Row.of("at", LATEST.plus(1, ChronoUnit.MICROS));

    List<RefusedChanges> refused = write(table, List.of(), List.of(Row.of("at", at), tooLate));

    assertEquals(Map.of(LATEST, Row.of("at", LATEST).with("count", 2L)), read(sink, table));
    assertEquals(List.of(tooLate), refused.stream().map(TableSinkContract::onlyRow).toList());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldKeepEachRowByItsWholeKeyWhenTheKeyHasSeveralColumns(boolean versioned) {
    TableSpec table = lines(versioned);
    sink.prepare(table);
    sink.write(
        table,
        List.of(
            RowChanges.of(List.of(line("o1", 1, "tea", 1), line("o1", 2, "cake", 1))),
            RowChanges.of(List.of(line("o2", 1, "tea", 2)))));

    sink.write(
        table,
        List.of(RowChanges.of(List.of(line("o1", 2, "pie", 3))).withDelete(key("o2", 1, 3))));

    assertEquals(
        Map.of(
            List.of("o1", 1), stored(table, line("o1", 1, "tea", 1)),
            List.of("o1", 2), stored(table, line("o1", 2, "pie", 3))),
        read(sink, table));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldDeleteTheMatchingRowsButThoseTheWriteUpsertsWhenADeleteNamesSomeKeyColumns(
      boolean versioned) {
    TableSpec table = lines(versioned);
    sink.prepare(table);
    sink.write(table, List.of(RowChanges.of(orderLines(1))));

    sink.write(
        table, List.of(RowChanges.replace(owner("o1", 10), List.of(line("o1", 2, "new", 10)))));

    assertEquals(
        Map.of(
            List.of("o1", 2), stored(table, line("o1", 2, "new", 10)),
            List.of("o2", 1), stored(table, line("o2", 1, "sku", 1))),
        read(sink, table));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldDeleteTheRowsOfEveryOrderWhenADeleteNamesANonLeadingKeyColumn(boolean versioned) {
    TableSpec table = lines(versioned);
    sink.prepare(table);
    sink.write(table, List.of(RowChanges.of(orderLines(1))));

    sink.write(table, List.of(RowChanges.none().withDeleteWhere(source(Row.of("line_no", 1), 10))));

    assertEquals(
        Set.of(List.of("o1", 2), List.of("o1", 3)), read(sink, table).keySet(), "line 1 deleted");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldChangeNothingWhenTheSameChangesAreWrittenAgain(boolean versioned) {
    TableSpec table = lines(versioned);
    sink.prepare(table);
    sink.write(table, List.of(RowChanges.of(orderLines(1))));
    List<RowChanges> batch =
        List.of(
            RowChanges.replace(owner("o1", 5), List.of(line("o1", 1, "changed", 5))),
            RowChanges.of(List.of(line("o3", 1, "added", 6))).withDelete(key("o2", 1, 6)));
    sink.write(table, batch);
    Map<Object, Row> written = read(sink, table);

    sink.write(table, batch);

    assertEquals(written, read(sink, table));
    assertEquals(Set.of(List.of("o1", 1), List.of("o3", 1)), written.keySet());
  }

  @Test
  void shouldDeleteEachMatchingRowOnlyWhereItsGuardAllowsWhenVersioned() {
    TableSpec table = lines(true);
    sink.prepare(table);
    sink.write(
        table,
        List.of(RowChanges.of(List.of(line("o1", 1, "newer", 10), line("o1", 2, "older", 5)))));

    sink.write(table, List.of(RowChanges.none().withDeleteWhere(owner("o1", 7))));

    assertEquals(
        Map.of(List.of("o1", 1), stored(table, line("o1", 1, "newer", 10))), read(sink, table));
    sink.write(table, List.of(RowChanges.of(List.of(line("o1", 2, "stale", 6)))));
    assertEquals(Set.of(List.of("o1", 1)), read(sink, table).keySet(), "the marker refuses 6 < 7");
  }

  @Test
  void shouldRefuseAStaleUpsertWhenADeleteOfAKeyNeverStoredCameLaterWhenVersioned() {
    TableSpec table = lines(true);
    sink.prepare(table);

    sink.write(table, List.of(RowChanges.none().withDelete(key("o1", 9, 5))));
    sink.write(table, List.of(RowChanges.of(List.of(line("o1", 9, "stale", 4)))));

    assertEquals(Map.of(), read(sink, table), "the delete left a marker");
    sink.write(table, List.of(RowChanges.of(List.of(line("o1", 9, "newer", 6)))));
    assertEquals(Set.of(List.of("o1", 9)), read(sink, table).keySet());
  }

  @Test
  void shouldMarkARowWithTheFirstDeleteWhereThatMatchesItWhenVersioned() {
    TableSpec table = lines(true);
    sink.prepare(table);
    sink.write(table, List.of(RowChanges.of(List.of(line("o1", 1, "sku", 1)))));

    sink.write(
        table,
        List.of(
            RowChanges.none().withDeleteWhere(owner("o1", 5)),
            RowChanges.none().withDeleteWhere(source(Row.of("line_no", 1), 9))));

    assertEquals(Map.of(), read(sink, table));
    sink.write(table, List.of(RowChanges.of(List.of(line("o1", 1, "after 5", 7)))));
    assertEquals(
        Set.of(List.of("o1", 1)), read(sink, table).keySet(), "marked at 5, not 9: 7 is newer");
  }

  @Test
  void shouldLeaveMarkersAndTheWritesDeletesAsTheyAreWhenADeleteWhereMatchesThemWhenVersioned() {
    TableSpec table = lines(true);
    sink.prepare(table);
    sink.write(
        table, List.of(RowChanges.of(List.of(line("o1", 1, "sku", 1), line("o1", 2, "sku", 1)))));
    sink.write(table, List.of(RowChanges.none().withDelete(key("o1", 1, 3))));

    sink.write(
        table,
        List.of(
            RowChanges.none().withDelete(key("o1", 2, 4)),
            RowChanges.none().withDeleteWhere(owner("o1", 9))));

    sink.write(
        table, List.of(RowChanges.of(List.of(line("o1", 1, "five", 5), line("o1", 2, "five", 5)))));
    assertEquals(
        Set.of(List.of("o1", 1), List.of("o1", 2)),
        read(sink, table).keySet(),
        "the markers kept 3 and 4, older than 5");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldWriteNothingOfARecordWhenOneOfItsRowsIsRefused(boolean versioned) {
    TableSpec table = lines(versioned);
    sink.prepare(table);
    RowChanges poisoned =
        RowChanges.of(
            List.of(
                line("o1", 1, "fine", 1),
                line("o1", 2, "late", 1).with("at", LATEST.plus(1, ChronoUnit.MICROS))));
    RowChanges good = RowChanges.of(List.of(line("o2", 1, "fine", 2)));

    List<RefusedChanges> refused = sink.write(table, List.of(poisoned, good));

    assertEquals(List.of(poisoned), refused.stream().map(RefusedChanges::changes).toList());
    assertTrue(refused.get(0).reason().contains("out of range"), refused.get(0).reason());
    assertEquals(Set.of(List.of("o2", 1)), read(sink, table).keySet());
  }

  private TableSpec lines(boolean versioned) {
    TableSpec table =
        TableSpec.of("contract_lines_" + suffix, Column.text("order_id"), Column.integer("line_no"))
            .withColumn(Column.text("sku"))
            .withColumn(Column.of("at", ColumnType.TIMESTAMPTZ));
    return versioned ? table.withOffsetColumn("updated_offset") : table;
  }

  /** Lines 1 to 3 of order o1 and line 1 of o2, each written at {@code offset}. */
  private static List<Row> orderLines(long offset) {
    return List.of(
        line("o1", 1, "sku", offset),
        line("o1", 2, "sku", offset),
        line("o1", 3, "sku", offset),
        line("o2", 1, "sku", offset));
  }

  /** A line with its source at {@code offset} of partition 0 (ignored by an unversioned table). */
  private static Row line(String order, int no, String sku, long offset) {
    return source(Row.of("order_id", order).with("line_no", no).with("sku", sku), offset);
  }

  private static Row key(String order, int no, long offset) {
    return source(Row.of("order_id", order).with("line_no", no), offset);
  }

  private static Row owner(String order, long offset) {
    return source(Row.of("order_id", order), offset);
  }

  private static Row source(Row row, long offset) {
    return row.with("updated_offset", offset)
        .with("source_partition", 0)
        .with("source_generation", 0);
  }

  /** {@code row} as {@code table} holds it: every column, source columns only if versioned. */
  private static Row stored(TableSpec table, Row row) {
    Map<String, Object> values = new LinkedHashMap<>();
    table.allColumns().forEach(c -> values.put(c.name(), row.get(c.name())));
    return new Row(values);
  }

  /** Writes each row as the changes of one record. */
  private List<RefusedChanges> write(TableSpec table, List<Row> upserts, List<Row> deletes) {
    List<RowChanges> changes = new ArrayList<>();
    upserts.forEach(row -> changes.add(RowChanges.of(List.of(row))));
    deletes.forEach(row -> changes.add(RowChanges.none().withDelete(row)));
    return sink.write(table, changes);
  }

  private static Row onlyRow(RefusedChanges refused) {
    List<Row> rows = new ArrayList<>(refused.changes().upserts());
    rows.addAll(refused.changes().deletes());
    assertEquals(1, rows.size(), refused.toString());
    return rows.get(0);
  }

  private TableSpec times() {
    return TableSpec.of("contract_times_" + suffix, Column.text("word"))
        .withColumn(Column.of("at", ColumnType.TIMESTAMPTZ));
  }

  private static Row time(String word, Instant at) {
    return Row.of("word", word).with("at", at);
  }

  private TableSpec counts(boolean versioned) {
    TableSpec table =
        TableSpec.of("contract_" + suffix, Column.text("word")).withColumn(Column.bigint("count"));
    return versioned ? table.withOffsetColumn("updated_offset") : table;
  }

  private static Row count(String word, Long count) {
    return Row.of("word", word).with("count", count);
  }

  private static Row versioned(String word, Long count, long offset) {
    return from(word, count, 0, 0, offset);
  }

  private static Row from(String word, Long count, int partition, int generation, long offset) {
    return count(word, count)
        .with("updated_offset", offset)
        .with("source_partition", partition)
        .with("source_generation", generation);
  }

  private static Row tombstoneFrom(String word, int partition, int generation, long offset) {
    return Row.of("word", word)
        .with("updated_offset", offset)
        .with("source_partition", partition)
        .with("source_generation", generation);
  }

  private static Row tombstone(String word, long offset) {
    return tombstoneFrom(word, 0, 0, offset);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
