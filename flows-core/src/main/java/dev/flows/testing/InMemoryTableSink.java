package dev.flows.testing;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.spi.TableSink;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tables in this JVM's memory, with the same contract as PostgreSQL: one atomic write per batch,
 * offset-guarded rows in versioned tables. For flow tests ({@link FlowTestDriver#table(TableSpec)})
 * and development; the rows are lost when the process stops. Thread-safe.
 */
public final class InMemoryTableSink implements TableSink {
  private final Map<String, Map<Object, Row>> tables = new HashMap<>();

  /** An empty sink. */
  public static InMemoryTableSink create() {
    return new InMemoryTableSink();
  }

  @Override
  public synchronized void prepare(TableSpec table) {
    tables.computeIfAbsent(table.name(), n -> new LinkedHashMap<>());
  }

  @Override
  public synchronized void write(TableSpec table, List<Row> upserts, List<Row> deletes) {
    Map<Object, Row> rows = tables.computeIfAbsent(table.name(), n -> new LinkedHashMap<>());
    for (Row row : upserts) {
      Object key = key(row.get(table.primaryKey().name()));
      if (newer(table, rows.get(key), row)) {
        rows.put(key, complete(table, row));
      }
    }
    for (Row delete : deletes) {
      Object key = key(delete.get(table.primaryKey().name()));
      if (newer(table, rows.get(key), delete)) {
        rows.remove(key);
      }
    }
  }

  /**
   * The rows of table {@code name} by primary key value (a {@code byte[]} key as a {@link
   * ByteBuffer}), each holding every column; empty if the table was never written.
   */
  public synchronized Map<Object, Row> rows(String name) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(tables.getOrDefault(name, Map.of())));
  }

  @Override
  public void close() {}

  private static boolean newer(TableSpec table, Row stored, Row change) {
    if (!table.versioned() || stored == null) {
      return true;
    }
    Long storedOffset = (Long) stored.get(table.offsetColumn());
    Long offset = (Long) change.get(table.offsetColumn());
    return storedOffset == null || offset != null && offset > storedOffset;
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
