package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.internal.runtime.BatchChanges.RecordChanges;
import dev.flows.testing.InMemoryTableSink;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resolution of a materialise batch with many rows per record, written to the in-memory sink
 * (which passes the same contract as PostgreSQL): one batch leaves the table, deleted markers
 * included, as its records written one by one would.
 */
class BatchChangesTest {
  private static final TableSpec LINES =
      TableSpec.of("lines", Column.text("order_id"), Column.integer("line_no"))
          .withColumn(Column.text("sku"));

  /** One time for both sinks, so their markers' {@code deleted_at} compare equal. */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static final List<String> ORDERS = List.of("a", "b");

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldLeaveTheTableAsRecordsWrittenOneByOneWhenTheyAreWrittenAsOneBatch(boolean versioned) {
    TableSpec table = versioned ? LINES.withOffsetColumn("updated_offset") : LINES;
    TableRows rows = new TableRows(table, false);
    for (int seed = 0; seed < 2_000; seed++) {
      Random random = new Random(seed);
      long[] offsets = new long[2];
      List<RecordChanges> before = records(rows, random, offsets, 4);
      List<RecordChanges> batch = records(rows, random, offsets, 1 + random.nextInt(10));
      InMemoryTableSink together = InMemoryTableSink.create(CLOCK);
      InMemoryTableSink oneByOne = InMemoryTableSink.create(CLOCK);
      for (InMemoryTableSink sink : List.of(together, oneByOne)) {
        before.forEach(record -> write(sink, table, List.of(record)));
      }

      write(together, table, batch);
      batch.forEach(record -> write(oneByOne, table, List.of(record)));

      String context = "seed " + seed + ": " + batch;
      assertEquals(oneByOne.rows("lines"), together.rows("lines"), context);
      assertEquals(oneByOne.markers("lines"), together.markers("lines"), context);
      Map<Object, Row> written = together.rows("lines");
      write(together, table, batch); // a replay
      assertEquals(written, together.rows("lines"), "the replay changes nothing, " + context);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldRefuseAStaleWriterWhenALaterRecordOfTheBatchDeletedTheRowAnEarlierOneUpserted(
      boolean byKeyColumns) {
    TableSpec table = LINES.withOffsetColumn("updated_offset");
    TableRows rows = new TableRows(table, false);
    RecordChanges first =
        record(rows, 0, 10, RowChanges.of(List.of(line("a", 1, "tea"), line("a", 2, "cake"))));
    RowChanges removal =
        byKeyColumns
            ? RowChanges.replace(Row.of("order_id", "a"), List.of(line("a", 2, "cake")))
            : RowChanges.none().withDelete(Row.of("order_id", "a").with("line_no", 1));
    InMemoryTableSink sink = InMemoryTableSink.create();

    write(sink, table, List.of(first, record(rows, 0, 11, removal)));
    write(sink, table, List.of(first)); // a zombie's stale batch, or a replay of offset 10

    assertEquals(List.of(List.of("a", 2)), List.copyOf(sink.rows("lines").keySet()));
    assertEquals(11L, sink.markers("lines").get(List.of("a", 1)).get("updated_offset"));
  }

  /** Resolves {@code records} as one batch and writes them, as the batch processor does. */
  private static void write(InMemoryTableSink sink, TableSpec table, List<RecordChanges> records) {
    List<RowChanges> changes = new ArrayList<>();
    BatchChanges.resolve(table, records).forEach(r -> changes.add(r.changes()));
    assertEquals(List.of(), sink.write(table, changes));
  }

  /** {@code count} random records, each from partition 0 or 1 at the next offset. */
  private static List<RecordChanges> records(
      TableRows rows, Random random, long[] offsets, int count) {
    List<RecordChanges> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int partition = random.nextInt(2);
      records.add(record(rows, partition, offsets[partition]++, changes(random)));
    }
    return records;
  }

  private static RowChanges changes(Random random) {
    RowChanges changes = RowChanges.none();
    int operations = random.nextInt(4);
    for (int i = 0; i < operations; i++) {
      String order = ORDERS.get(random.nextInt(ORDERS.size()));
      int no = 1 + random.nextInt(3);
      changes =
          switch (random.nextInt(5)) {
            case 0 -> changes.withUpsert(line(order, no, "sku" + random.nextInt(100)));
            case 1 -> changes.withDelete(Row.of("order_id", order).with("line_no", no));
            case 2 -> changes.withDeleteWhere(Row.of("order_id", order));
            case 3 -> changes.withDeleteWhere(Row.of("line_no", no));
            default -> // what RowChanges.replace gives, with the changes so far
                changes
                    .withDeleteWhere(Row.of("order_id", order))
                    .withUpsert(line(order, no, "replaced"));
          };
    }
    return changes;
  }

  private static RecordChanges record(
      TableRows rows, int partition, long offset, RowChanges changes) {
    Message<byte[], byte[]> source =
        new Message<>("orders", partition, offset, 0L, null, null, Headers.empty());
    return new RecordChanges(
        rows.changes(null, changes, new TableRows.Source(partition, 0, offset)), source);
  }

  private static Row line(String order, int no, String sku) {
    return Row.of("order_id", order).with("line_no", no).with("sku", sku);
  }
}
