package dev.flows.testing;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import dev.flows.state.InMemoryTopicLedger;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Tables in this JVM's memory, with the same contract as PostgreSQL: composite keys, deletes by key
 * or by key columns, rows guarded by source partition, generation and offset in versioned tables,
 * where a delete leaves a deleted marker (written at the sink's clock, purged as {@link
 * MarkerPurge} says), refused records' changes reported. For flow tests ({@link
 * FlowTestDriver#table(TableSpec)}) and development; the rows are lost when the process stops.
 * Thread-safe.
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
  public synchronized List<RefusedChanges> write(TableSpec table, List<RowChanges> changes) {
    Map<Object, Row> rows = tables.computeIfAbsent(table.name(), n -> new LinkedHashMap<>());
    List<RefusedChanges> refused = new ArrayList<>();
    List<RowChanges> accepted = new ArrayList<>(changes.size());
    Set<Object> written = new HashSet<>();
    for (RowChanges change : changes) {
      String reason = refusal(table, change);
      if (reason != null) {
        refused.add(new RefusedChanges(change, reason));
        continue;
      }
      accepted.add(change);
      change.upserts().forEach(row -> written.add(key(table, row)));
      change.deletes().forEach(row -> written.add(key(table, row)));
    }
    accepted.forEach(c -> c.deletesWhere().forEach(w -> deleteWhere(table, rows, w, written)));
    for (RowChanges change : accepted) {
      for (Row delete : change.deletes()) {
        delete(table, rows, key(table, delete), delete);
      }
      for (Row row : change.upserts()) {
        Object key = key(table, row);
        if (newer(table, rows.get(key), row)) {
          rows.put(key, complete(table, row));
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
   * ByteBuffer}; a key of several columns as the {@link List} of their values in key order), each
   * holding every column; empty if the table was never written. Deleted markers of a versioned
   * table are left out, as {@code WHERE NOT deleted} leaves them out in PostgreSQL.
   */
  public synchronized Map<Object, Row> rows(String name) {
    return select(name, false);
  }

  /**
   * The deleted markers of versioned table {@code name}, keyed as {@link #rows(String)}: each holds
   * its key, the source of the delete that wrote it (what refuses an older, stale write of the
   * row), the other columns null, {@value TableSpec#DELETED_COLUMN} true and {@value
   * TableSpec#DELETED_AT_COLUMN} the {@link Instant} it was written at.
   */
  public synchronized Map<Object, Row> markers(String name) {
    return select(name, true);
  }

  private Map<Object, Row> select(String name, boolean markers) {
    Map<Object, Row> selected = new LinkedHashMap<>();
    tables
        .getOrDefault(name, Map.of())
        .forEach(
            (key, row) -> {
              if (marker(row) == markers) {
                selected.put(key, row);
              }
            });
    return Collections.unmodifiableMap(selected);
  }

  @Override
  public void close() {}

  /**
   * Why PostgreSQL would refuse {@code changes}: the first timestamp out of its range; {@code null}
   * if it would take them.
   */
  private static String refusal(TableSpec table, RowChanges changes) {
    for (List<Row> rows : List.of(changes.upserts(), changes.deletes(), changes.deletesWhere())) {
      for (Row row : rows) {
        for (Column column : table.allColumns()) {
          if (row.get(column.name()) instanceof Instant at
              && (at.isBefore(EARLIEST) || !at.isBefore(AFTER_LATEST))) {
            return "column "
                + column
                + " of table "
                + table.name()
                + " holds "
                + at
                + ", out of range of PostgreSQL's timestamptz ("
                + EARLIEST_TEXT
                + " to "
                + LATEST_TEXT
                + " UTC)";
          }
        }
      }
    }
    return null;
  }

  /**
   * Deletes (marks, if versioned) the live rows whose key columns equal {@code match}'s, but those
   * the write's upserts and deletes hold, each as its guard allows.
   */
  private void deleteWhere(TableSpec table, Map<Object, Row> rows, Row match, Set<Object> written) {
    List<Object> keys = new ArrayList<>();
    rows.forEach(
        (key, row) -> {
          if (!written.contains(key) && !marker(row) && matches(table, row, match)) {
            keys.add(key);
          }
        });
    for (Object key : keys) {
      Map<String, Object> values = new LinkedHashMap<>(match.values());
      table.primaryKey().forEach(c -> values.put(c.name(), rows.get(key).get(c.name())));
      delete(table, rows, key, new Row(values));
    }
  }

  private static boolean matches(TableSpec table, Row row, Row match) {
    for (Column column : table.primaryKey()) {
      if (match.values().containsKey(column.name())
          && !identity(match.get(column.name())).equals(identity(row.get(column.name())))) {
        return false;
      }
    }
    return true;
  }

  /** Applies {@code delete} (the key and, if versioned, its source) to the row of {@code key}. */
  private void delete(TableSpec table, Map<Object, Row> rows, Object key, Row delete) {
    if (!newer(table, rows.get(key), delete)) {
      return;
    }
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

  private static boolean marker(Row row) {
    return Boolean.TRUE.equals(row.get(TableSpec.DELETED_COLUMN));
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

  /** The map key of {@code row}'s primary key: its value, or the list of its values. */
  private static Object key(TableSpec table, Row row) {
    if (table.primaryKey().size() == 1) {
      return identity(row.get(table.primaryKey().get(0).name()));
    }
    List<Object> key = new ArrayList<>(table.primaryKey().size());
    table.primaryKey().forEach(c -> key.add(identity(row.get(c.name()))));
    return List.copyOf(key);
  }

  private static Object identity(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes.clone()) : value;
  }
}
