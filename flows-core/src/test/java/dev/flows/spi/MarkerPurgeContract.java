package dev.flows.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The purge of deleted markers, which every {@link TableSink} passes: a marker is removed only once
 * older than the retention and behind the flow (an earlier generation, or below its partition's
 * committed offset), at most {@code limit} per call, whatever wrote the marker (a delete by key or
 * a delete-where) and however many columns the key has. Whether a marker is still there is read
 * from what it does: it refuses a stale upsert of its key, which a purged marker no longer can.
 */
public abstract class MarkerPurgeContract {
  private static final Duration RETENTION = Duration.ofDays(7);
  private static final Duration PAST_RETENTION = Duration.ofDays(8);

  private TableSink sink;
  private TableSpec table;

  /** A sink for one test; closed after it. */
  protected abstract TableSink newSink();

  /** The live rows of {@code table}, by primary key value. */
  protected abstract Map<Object, Row> read(TableSink sink, TableSpec table);

  /** Makes every marker {@code table} holds now {@code by} older, as if that time had passed. */
  protected abstract void age(TableSink sink, TableSpec table, Duration by);

  @BeforeEach
  void open() {
    sink = newSink();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    table =
        TableSpec.of("purge_" + suffix, Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");
    sink.prepare(table);
  }

  @AfterEach
  void close() {
    sink.close();
  }

  @Test
  void shouldPurgeMarkersOlderThanTheRetentionAndKeepYoungerOnes() {
    write(table, List.of(row("a", 0, 1), row("b", 0, 2), row("c", 0, 3)), List.of());
    List<Row> old = List.of(marker("a", 0, 10), marker("b", 0, 11));
    write(table, List.of(), old);
    age(sink, table, PAST_RETENTION);
    List<Row> young = List.of(marker("c", 0, 12));
    write(table, List.of(), young);

    assertEquals(2, sink.purgeMarkers(table, purge(0, Map.of(0, 100L), 100)));

    assertEquals(Set.of("a", "b"), staleUpsertsApplied(old, young), "c's marker is kept");
  }

  @Test
  void shouldPurgeAtMostTheLimitWhenManyMarkersAreOld() {
    List<Row> markers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      markers.add(marker("k" + i, 0, 10 + i));
    }
    write(table, List.of(), markers);
    age(sink, table, PAST_RETENTION);

    List<Integer> purged = new ArrayList<>();
    for (int call = 0; call < 4; call++) {
      purged.add(sink.purgeMarkers(table, purge(0, Map.of(0, 100L), 2)));
    }

    assertEquals(List.of(2, 2, 1, 0), purged);
  }

  @Test
  void shouldKeepMarkersNotBelowTheCommittedOffsetOfTheirPartition() {
    List<Row> markers =
        List.of(marker("a", 0, 10), marker("b", 0, 20), marker("c", 1, 5), marker("d", 2, 5));
    write(table, List.of(), markers);
    age(sink, table, PAST_RETENTION);

    int purged = sink.purgeMarkers(table, purge(0, Map.of(0, 15L, 1, 5L), 100));

    assertEquals(1, purged, "a: 10 < 15; b: 20 >= 15; c: 5 is not below 5; d: none committed");
    assertEquals(Set.of("a"), staleUpsertsApplied(markers));
  }

  @Test
  void shouldPurgeMarkersOfAnEarlierGenerationWhateverTheirOffset() {
    write(table, List.of(), List.of(markerOf("old", 0, 0, 1_000), markerOf("new", 0, 1, 1_000)));
    age(sink, table, PAST_RETENTION);

    int purged = sink.purgeMarkers(table, purge(1, Map.of(), 100));

    assertEquals(1, purged, "only the marker of generation 0");
  }

  @Test
  void shouldNeverPurgeLiveRowsWhenTheyAreOldOrWereMarkersOnce() {
    write(table, List.of(row("a", 0, 1), row("b", 0, 2)), List.of());
    write(table, List.of(), List.of(marker("b", 0, 3)));
    write(table, List.of(row("b", 0, 4)), List.of()); // b lives again
    age(sink, table, PAST_RETENTION);

    assertEquals(0, sink.purgeMarkers(table, purge(0, Map.of(0, 100L), 100)));

    assertEquals(Set.of("a", "b"), read(sink, table).keySet());
    assertEquals(4L, read(sink, table).get("b").get("updated_offset"));
  }

  @Test
  void shouldPurgeMarkersOfACompositeKeyWrittenByDeletesAndDeleteWheres() {
    TableSpec lines =
        TableSpec.of(table.name() + "_l", Column.text("order_id"), Column.integer("line_no"))
            .withColumn(Column.text("sku"))
            .withOffsetColumn("updated_offset");
    sink.prepare(lines);
    sink.write(
        lines,
        List.of(
            RowChanges.of(List.of(line("o1", 1, 1), line("o1", 2, 2))),
            RowChanges.of(List.of(line("o2", 1, 3), line("o2", 2, 4)))));
    sink.write(
        lines,
        List.of(
            RowChanges.none().withDelete(source(Row.of("order_id", "o2").with("line_no", 1), 10)),
            RowChanges.none().withDeleteWhere(source(Row.of("order_id", "o1"), 11))));
    age(sink, lines, PAST_RETENTION);
    sink.write(
        lines,
        List.of(
            RowChanges.none().withDelete(source(Row.of("order_id", "o2").with("line_no", 2), 12))));

    assertEquals(3, sink.purgeMarkers(lines, purge(0, Map.of(0, 100L), 100)));

    List<Row> stale =
        List.of(line("o1", 1, 0), line("o1", 2, 0), line("o2", 1, 0), line("o2", 2, 0));
    sink.write(lines, List.of(RowChanges.of(stale)));
    assertEquals(
        Set.of(List.of("o1", 1), List.of("o1", 2), List.of("o2", 1)),
        read(sink, lines).keySet(),
        "the markers of the delete and the delete-where purged, the young one kept");
  }

  /** Writes each upsert and each delete as a record of its own. */
  private void write(TableSpec table, List<Row> upserts, List<Row> deletes) {
    List<RowChanges> changes = new ArrayList<>();
    upserts.forEach(row -> changes.add(RowChanges.of(List.of(row))));
    deletes.forEach(row -> changes.add(RowChanges.none().withDelete(row)));
    sink.write(table, changes);
  }

  /**
   * Writes, for each marker's key, an upsert of its partition older than the marker; the keys whose
   * upsert was applied (their marker was purged).
   */
  @SafeVarargs
  private Set<Object> staleUpsertsApplied(List<Row>... markers) {
    List<Row> stale = new ArrayList<>();
    for (List<Row> some : markers) {
      for (Row marker : some) {
        stale.add(row((String) marker.get("word"), (Integer) marker.get("source_partition"), 0));
      }
    }
    write(table, stale, List.of());
    return read(sink, table).keySet();
  }

  private static Row line(String order, int line, long offset) {
    return source(
        Row.of("order_id", order).with("line_no", line).with("sku", "s" + offset), offset);
  }

  /** {@code row} from partition 0 at {@code offset}, generation 0. */
  private static Row source(Row row, long offset) {
    return row.with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, 0)
        .with(TableSpec.GENERATION_COLUMN, 0);
  }

  private static MarkerPurge purge(int generation, Map<Integer, Long> committed, int limit) {
    return new MarkerPurge(RETENTION, generation, committed, limit);
  }

  private static Row row(String word, int partition, long offset) {
    return Row.of("word", word)
        .with("count", offset)
        .with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, partition)
        .with(TableSpec.GENERATION_COLUMN, 0);
  }

  private static Row marker(String word, int partition, long offset) {
    return markerOf(word, partition, 0, offset);
  }

  private static Row markerOf(String word, int partition, int generation, long offset) {
    return Row.of("word", word)
        .with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, partition)
        .with(TableSpec.GENERATION_COLUMN, generation);
  }
}
