package dev.flows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The PostgreSQL table a materialise flow keeps up to date: its name, its primary key column (whose
 * value is the record key), its other columns (filled by the flow's row mapper) and an optional
 * offset column. Immutable; names are validated lower-case identifiers, used quoted. The table sink
 * creates the table if absent.
 *
 * <p>With an {@linkplain #withOffsetColumn(String) offset column} ({@code bigint}), each row keeps
 * the Kafka offset of the record that wrote it, and a record (or tombstone) changes the row only if
 * its offset is greater: a replay from an earlier offset never overwrites a newer row. Offsets of
 * one key are comparable because a key always lands in the same partition of the input topic. A
 * deleted row is gone with its offset, so while a replay runs, a deleted key may come back with an
 * old value until the replay reaches its tombstone again.
 *
 * <pre>{@code
 * TableSpec words = TableSpec.of("flows_materialised", Column.text("word"))
 *     .withColumn(Column.bigint("count"))
 *     .withOffsetColumn("updated_offset");
 * }</pre>
 *
 * @param name the table name: 1 to 63 of {@code [a-z0-9_]}, starting with a letter
 * @param primaryKey the primary key column; its value is the record key
 * @param columns the other columns, in order
 * @param offsetColumn the {@code bigint} column holding the writing record's offset, or {@code
 *     null}
 */
public record TableSpec(String name, Column primaryKey, List<Column> columns, String offsetColumn) {

  /** Validates the names and that no column is named twice. */
  public TableSpec {
    Column.requireIdentifier("table name", name);
    Objects.requireNonNull(primaryKey, "primaryKey");
    columns = List.copyOf(columns);
    if (offsetColumn != null) {
      Column.requireIdentifier("offset column", offsetColumn);
    }
    requireDistinct(name, primaryKey, columns, offsetColumn);
  }

  /** A table {@code name} keyed by {@code primaryKey}, without other columns yet. */
  public static TableSpec of(String name, Column primaryKey) {
    return new TableSpec(name, primaryKey, List.of(), null);
  }

  /** A copy with one more column. */
  public TableSpec withColumn(Column column) {
    List<Column> more = new ArrayList<>(columns);
    more.add(Objects.requireNonNull(column, "column"));
    return new TableSpec(name, primaryKey, more, offsetColumn);
  }

  /** A copy that keeps each row's source offset in {@code column} and refuses older records. */
  public TableSpec withOffsetColumn(String column) {
    return new TableSpec(name, primaryKey, columns, Objects.requireNonNull(column, "column"));
  }

  /**
   * Every column in table order: primary key, the others, then the offset column ({@code bigint}).
   */
  public List<Column> allColumns() {
    List<Column> all = new ArrayList<>(columns.size() + 2);
    all.add(primaryKey);
    all.addAll(columns);
    if (offsetColumn != null) {
      all.add(Column.bigint(offsetColumn));
    }
    return List.copyOf(all);
  }

  /** Whether rows carry an offset that refuses regressions. */
  public boolean versioned() {
    return offsetColumn != null;
  }

  /** {@code name (pk column, others..., offset)}, as plans print it. */
  @Override
  public String toString() {
    return name
        + " "
        + allColumns().stream().map(Column::toString).toList()
        + " key "
        + primaryKey.name();
  }

  private static void requireDistinct(
      String table, Column primaryKey, List<Column> columns, String offsetColumn) {
    Set<String> names = new HashSet<>();
    names.add(primaryKey.name());
    for (Column column : columns) {
      if (!names.add(Objects.requireNonNull(column, "column").name())) {
        throw FlowDefinitionException.of(
            "column", column.name(), "is named twice in table " + table, "name each column once");
      }
    }
    if (offsetColumn != null && !names.add(offsetColumn)) {
      throw FlowDefinitionException.of(
          "offset column",
          offsetColumn,
          "is also a column of table " + table,
          "give the offset column a name of its own, e.g. updated_offset");
    }
  }
}
