package dev.flows.internal.runtime;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the rows a materialise batch hands to the table sink, and checks them against the table
 * first, so a mapping mistake fails its record (dead letter) with a message naming the column
 * instead of failing the whole batch in the database. Values are {@linkplain CanonicalValues
 * canonical}: as PostgreSQL will hold them, text that it cannot hold faithfully failing its record.
 */
final class TableRows {
  /** Where a record was read: what a versioned table's guard compares. */
  record Source(int partition, int generation, long offset) {}

  private final TableSpec table;
  private final Map<String, Column> mapped = new LinkedHashMap<>();

  TableRows(TableSpec table) {
    this.table = table;
    table.columns().forEach(c -> mapped.put(c.name(), c));
  }

  /**
   * The full row: primary key from the record key, the mapped columns, and the source if versioned.
   */
  Row upsert(Object key, Row row, Source source) {
    if (row == null) {
      throw new IllegalArgumentException(
          "the row mapper returned null; map every record with a value to a Row");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(table.primaryKey().name(), checkedKey(key));
    row.values().forEach((name, value) -> values.put(name, checked(name, value)));
    return withSource(new Row(values), source);
  }

  /** The delete of a tombstone: primary key, and the source if versioned. */
  Row delete(Object key, Source source) {
    return withSource(Row.of(table.primaryKey().name(), checkedKey(key)), source);
  }

  private Row withSource(Row row, Source source) {
    return table.versioned()
        ? row.with(table.offsetColumn(), source.offset())
            .with(TableSpec.PARTITION_COLUMN, source.partition())
            .with(TableSpec.GENERATION_COLUMN, source.generation())
        : row;
  }

  /** A map key for a primary key value: byte arrays compare by content. */
  static Object identity(Object key) {
    return key instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : key;
  }

  private Object checkedKey(Object key) {
    Column pk = table.primaryKey();
    if (key == null || !pk.type().accepts(key)) {
      throw new IllegalArgumentException(
          "the record key is the primary key "
              + pk
              + " of table "
              + table.name()
              + " and must be a non-null "
              + pk.type().javaType().getSimpleName()
              + ", got "
              + describe(key));
    }
    String unfaithful = CanonicalValues.unfaithful(pk.type(), key);
    if (unfaithful != null) {
      throw new IllegalArgumentException(
          "the record key is the primary key "
              + pk
              + " of table "
              + table.name()
              + " and "
              + unfaithful);
    }
    return CanonicalValues.canonical(pk.type(), key);
  }

  private Object checked(String name, Object value) {
    Column column = mapped.get(name);
    if (column == null) {
      throw new IllegalArgumentException(
          "the row sets column '"
              + name
              + "', which is not a mapped column of table "
              + table.name()
              + " (mapped columns: "
              + mapped.keySet()
              + "; the primary key and the offset and source columns are set by the flow)");
    }
    if (!column.type().accepts(value)) {
      throw new IllegalArgumentException(
          "column "
              + column
              + " of table "
              + table.name()
              + " takes a "
              + column.type().javaType().getSimpleName()
              + ", got "
              + describe(value));
    }
    String unfaithful = CanonicalValues.unfaithful(column.type(), value);
    if (unfaithful != null) {
      throw new IllegalArgumentException(
          "column " + column + " of table " + table.name() + " " + unfaithful);
    }
    return CanonicalValues.canonical(column.type(), value);
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
