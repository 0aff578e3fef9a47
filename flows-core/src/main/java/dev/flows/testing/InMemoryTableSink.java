package dev.flows.testing;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedRow;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import dev.flows.state.InMemoryTopicLedger;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tables in this JVM's memory, with the same contract as PostgreSQL: rows guarded by source
 * partition, generation and offset in versioned tables, where a tombstone leaves a deleted marker
 * (written at the sink's clock, purged as {@link MarkerPurge} says), refused rows reported. For
 * flow tests ({@link FlowTestDriver#table(TableSpec)}) and development; the rows are lost when the
 * process stops. Thread-safe.
 *
 * <p>It refuses what PostgreSQL refuses in any table and can be checked without it: a row holding a
 * timestamp outside PostgreSQL's range, 4714-11-24 00:00:00 BC to 294276-12-31 23:59:59.999999
 * (UTC). It does not parse JSON, so invalid JSON for a {@code jsonb} column is stored here and
 * refused only by PostgreSQL; nor can it know the constraints or narrower column types of a table
 * created outside Flows. What the runtime canonicalises (Instants to microseconds, {@code -0.0},
 * text with U+0000 or an unpaired surrogate) never reaches a sink, so it is not checked here.
 */
public final class InMemoryTableSink implements TableSink {
  private static final String EARLIEST_TEXT = "4714-11-24 00:00:00 BC";
  private static final String LATEST_TEXT = "294276-12-31 23:59:59.999999";

  private static final Instant EARLIEST = Instant.parse("-4713-11-24T00:00:00Z");
  private static final Instant AFTER_LATEST = Instant.parse("+294277-01-01T00:00:00Z");

  private final Map<String, Map<Object, Row>> tables = new HashMap<>();
  private final TopicLedger ledger = InMemoryTopicLedger.create();
  private final Clock clock;

  private InMemoryTableSink(Clock clock) {
    this.clock = clock;
  }

  /** An empty sink on the system clock. */
  public static InMemoryTableSink create() {
    return create(Clock.systemUTC());
  }

  /** An empty sink that times deleted markers, and their purge, by {@code clock}. */
  public static InMemoryTableSink create(Clock clock) {
    return new InMemoryTableSink(Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public TopicLedger topics() {
    return ledger;
  }

  @Override
  public synchronized void prepare(TableSpec table) {
    tables.computeIfAbsent(table.name(), n -> new LinkedHashMap<>());
  }

  @Override
  public synchronized List<RefusedRow> write(
      TableSpec table, List<Row> upserts, List<Row> deletes) {
    Map<Object, Row> rows = tables.computeIfAbsent(table.name(), n -> new LinkedHashMap<>());
    List<RefusedRow> refused = new ArrayList<>();
    for (Row row : upserts) {
      Object key = key(row.get(table.primaryKey().name()));
      if (accepted(table, row, refused) && newer(table, rows.get(key), row)) {
        rows.put(key, complete(table, row));
      }
    }
    for (Row delete : deletes) {
      Object key = key(delete.get(table.primaryKey().name()));
      if (accepted(table, delete, refused) && newer(table, rows.get(key), delete)) {
        if (table.versioned()) {
          rows.put(
              key,
              complete(table, delete)
                  .with(TableSpec.DELETED_COLUMN, true)
                  .with(TableSpec.DELETED_AT_COLUMN, clock.instant()));
        } else {
          rows.remove(key);
        }
      }
    }
    return refused;
  }

  @Override
  public synchronized int purgeMarkers(TableSpec table, MarkerPurge purge) {
    Instant before = clock.instant().minus(purge.olderThan());
    int purged = 0;
    Iterator<Row> rows = tables.getOrDefault(table.name(), new HashMap<>()).values().iterator();
    while (purged < purge.limit() && rows.hasNext()) {
      Row row = rows.next();
      if (row.get(TableSpec.DELETED_AT_COLUMN) instanceof Instant at
          && !at.isAfter(before)
          && purge.behind(
              (Integer) row.get(TableSpec.PARTITION_COLUMN),
              (Integer) row.get(TableSpec.GENERATION_COLUMN),
              (Long) row.get(table.offsetColumn()))) {
        rows.remove();
        purged++;
      }
    }
    return purged;
  }

  /**
   * The rows of table {@code name} by primary key value (a {@code byte[]} key as a {@link
   * ByteBuffer}), each holding every column; empty if the table was never written. Deleted markers
   * of a versioned table are left out, as {@code WHERE NOT deleted} leaves them out in PostgreSQL.
   */
  public synchronized Map<Object, Row> rows(String name) {
    Map<Object, Row> live = new LinkedHashMap<>();
    tables
        .getOrDefault(name, Map.of())
        .forEach(
            (key, row) -> {
              if (!Boolean.TRUE.equals(row.get(TableSpec.DELETED_COLUMN))) {
                live.put(key, row);
              }
            });
    return Collections.unmodifiableMap(live);
  }

  @Override
  public void close() {}

  /** Whether PostgreSQL would take {@code row}'s timestamps; if not, adds it to {@code refused}. */
  private static boolean accepted(TableSpec table, Row row, List<RefusedRow> refused) {
    for (Column column : table.allColumns()) {
      if (row.get(column.name()) instanceof Instant at
          && (at.isBefore(EARLIEST) || !at.isBefore(AFTER_LATEST))) {
        refused.add(
            new RefusedRow(
                row,
                "column "
                    + column
                    + " of table "
                    + table.name()
                    + " holds "
                    + at
                    + ", out of range of PostgreSQL's timestamptz ("
                    + EARLIEST_TEXT
                    + " to "
                    + LATEST_TEXT
                    + " UTC)"));
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code change} may replace {@code stored}: always from another partition, else only if
   * newer by (generation, offset). A stored row without a partition counts as the same partition.
   */
  private static boolean newer(TableSpec table, Row stored, Row change) {
    if (!table.versioned() || stored == null || stored.get(table.offsetColumn()) == null) {
      return true;
    }
    Object storedPartition = stored.get(TableSpec.PARTITION_COLUMN);
    Object partition = change.get(TableSpec.PARTITION_COLUMN);
    if (storedPartition != null && partition != null && !storedPartition.equals(partition)) {
      return true;
    }
    Long offset = (Long) change.get(table.offsetColumn());
    int byGeneration = Integer.compare(generation(change), generation(stored));
    return offset != null
        && (byGeneration > 0
            || byGeneration == 0 && offset > (Long) stored.get(table.offsetColumn()));
  }

  private static int generation(Row row) {
    Integer generation = (Integer) row.get(TableSpec.GENERATION_COLUMN);
    return generation == null ? 0 : generation;
  }

  private static Row complete(TableSpec table, Row row) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Column column : table.allColumns()) {
      values.put(column.name(), row.get(column.name()));
    }
    return new Row(values);
  }

  private static Object key(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes.clone()) : value;
  }
}
