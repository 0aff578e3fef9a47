package dev.flows.internal.runtime;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a record's changes against the table and builds the rows a materialise batch hands to the
 * table sink, so a mapping mistake fails its record (dead letter) with a message naming the column
 * instead of failing the whole batch in the database. Values are {@linkplain CanonicalValues
 * canonical}: as PostgreSQL will hold them, text that it cannot hold faithfully failing its record.
 * Every check of a row against its table is here, for both shapes: one row per record key ({@code
 * into}, the key from the record) and any rows per record ({@code intoRows}).
 */
final class TableRows {
  /** Where a record was read: what a versioned table's guard compares. */
  record Source(int partition, int generation, long offset) {}

  /** The three kinds of row a record's changes hold, as messages name them. */
  private enum Kind {
    UPSERT("an upsert", "give every key column a value"),
    DELETE("a delete", "a delete gives every key column (withDeleteWhere deletes by some of them)"),
    DELETE_WHERE(
        "a delete-where", "give one or more key columns, each a value (null matches no row)");

    private final String text;
    private final String fix;

    Kind(String text, String fix) {
      this.text = text;
      this.fix = fix;
    }
  }

  private final TableSpec table;
  private final boolean rowPerKey;
  private final Map<String, Column> keyColumns = new LinkedHashMap<>();
  private final Map<String, Column> mapped = new LinkedHashMap<>();

  /**
   * Rows of {@code table}; with {@code rowPerKey} the record key is the one key column, which the
   * mapped rows do not set.
   */
  TableRows(TableSpec table, boolean rowPerKey) {
    this.table = table;
    this.rowPerKey = rowPerKey;
    table.primaryKey().forEach(c -> keyColumns.put(c.name(), c));
    if (!rowPerKey) {
      mapped.putAll(keyColumns);
    }
    table.columns().forEach(c -> mapped.put(c.name(), c));
  }

  /**
   * The checked, canonical changes of a record with key {@code key} whose mapper returned {@code
   * changes}, each row with the record's source if the table is versioned.
   *
   * @throws IllegalArgumentException naming the problem if a row does not fit the table
   */
  RowChanges changes(Object key, RowChanges changes, Source source) {
    if (changes == null) {
      throw new IllegalArgumentException(
          rowPerKey
              ? "the row mapper returned null; map every record with a value to a Row"
              : "the rows mapper returned null; return RowChanges.none() for no change");
    }
    if (rowPerKey) {
      Row row = changes.upserts().get(0);
      Map<String, Object> values = new LinkedHashMap<>();
      values.put(table.primaryKey().get(0).name(), checkedKey(key));
      row.values().forEach((name, value) -> values.put(name, checked(mappedColumn(name), value)));
      return RowChanges.of(List.of(withSource(values, source)));
    }
    return new RowChanges(
        rows(changes.upserts(), Kind.UPSERT, source),
        rows(changes.deletes(), Kind.DELETE, source),
        rows(changes.deletesWhere(), Kind.DELETE_WHERE, source));
  }

  /** The delete of a tombstone of a table with a row per key: the key, and the source. */
  RowChanges tombstone(Object key, Source source) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(table.primaryKey().get(0).name(), checkedKey(key));
    return new RowChanges(List.of(), List.of(withSource(values, source)), List.of());
  }

  /** A map key for a column value: byte arrays compare by content. */
  static Object identity(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
  }

  private List<Row> rows(List<Row> given, Kind kind, Source source) {
    if (given.isEmpty()) {
      return List.of();
    }
    List<Row> rows = new ArrayList<>(given.size());
    for (Row row : given) {
      Map<String, Object> values = new LinkedHashMap<>();
      row.values()
          .forEach(
              (name, value) ->
                  values.put(
                      name,
                      checked(kind == Kind.UPSERT ? mappedColumn(name) : key(name, kind), value)));
      requireKey(values, kind);
      rows.add(withSource(values, source));
    }
    return rows;
  }

  /** An upsert and a delete give every key column, a delete-where one or more; none null. */
  private void requireKey(Map<String, Object> values, Kind kind) {
    int named = 0;
    for (Column column : keyColumns.values()) {
      if (values.get(column.name()) != null) {
        named++;
      } else if (values.containsKey(column.name()) || kind != Kind.DELETE_WHERE) {
        throw new IllegalArgumentException(
            kind.text
                + " of table "
                + table.name()
                + " leaves primary key column "
                + column
                + (values.containsKey(column.name()) ? " null; " : " unset; ")
                + kind.fix);
      }
    }
    if (named == 0) {
      throw new IllegalArgumentException(
          kind.text + " of table " + table.name() + " names no column; " + kind.fix);
    }
  }

  private Column mappedColumn(String name) {
    Column column = mapped.get(name);
    if (column == null) {
      throw new IllegalArgumentException(
          "the row sets column '"
              + name
              + "', which is not a mapped column of table "
              + table.name()
              + " (mapped columns: "
              + mapped.keySet()
              + (rowPerKey
                  ? "; the primary key and the offset and source columns are set by the flow)"
                  : "; the offset and source columns are set by the flow)"));
    }
    return column;
  }

  private Column key(String name, Kind kind) {
    Column column = keyColumns.get(name);
    if (column == null) {
      throw new IllegalArgumentException(
          kind.text
              + " of table "
              + table.name()
              + " names column '"
              + name
              + "', which is not a primary key column (key: "
              + keyColumns.keySet()
              + "); deletes match key columns only");
    }
    return column;
  }

  private Row withSource(Map<String, Object> values, Source source) {
    if (table.versioned()) {
      values.put(table.offsetColumn(), source.offset());
      values.put(TableSpec.PARTITION_COLUMN, source.partition());
      values.put(TableSpec.GENERATION_COLUMN, source.generation());
    }
    return new Row(values);
  }

  private Object checkedKey(Object key) {
    Column pk = table.primaryKey().get(0);
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

  private Object checked(Column column, Object value) {
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
