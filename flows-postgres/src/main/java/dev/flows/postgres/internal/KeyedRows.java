package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.Row;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Rows of one kind (a batch's upserts, or its deletes by key) sorted by primary key, column by
 * column: each row's key computed once, each bound column gathered once into the typed array that
 * {@link ColumnArrays} binds. So a batch's sort, probe, split by presence and statements read
 * arrays instead of looking columns up row by row. Immutable.
 */
final class KeyedRows {
  private record Keyed(List<Object> key, Row row) {}

  private final List<Row> rows;
  private final List<List<Object>> keys;
  private final Object[][] columns;

  private KeyedRows(List<Row> rows, List<List<Object>> keys, Object[][] columns) {
    this.rows = rows;
    this.keys = keys;
    this.columns = columns;
  }

  /**
   * {@code rows} sorted by {@code keys}, with the columns of {@code all} at {@code bound} gathered;
   * the others are not.
   */
  static KeyedRows of(List<Row> rows, PrimaryKeys keys, List<Column> all, List<Integer> bound) {
    Keyed[] keyed = new Keyed[rows.size()];
    for (int i = 0; i < keyed.length; i++) {
      keyed[i] = new Keyed(keys.of(rows.get(i)), rows.get(i));
    }
    Arrays.sort(keyed, (a, b) -> keys.compare(a.key(), b.key()));
    List<Row> sorted = new ArrayList<>(keyed.length);
    List<List<Object>> sortedKeys = new ArrayList<>(keyed.length);
    for (Keyed k : keyed) {
      sorted.add(k.row());
      sortedKeys.add(k.key());
    }
    Object[][] columns = new Object[all.size()][];
    for (int c : bound) {
      columns[c] = ColumnArrays.values(all.get(c), sorted);
    }
    return new KeyedRows(sorted, sortedKeys, columns);
  }

  int size() {
    return rows.size();
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The rows, by key. */
  List<Row> rows() {
    return rows;
  }

  /** The keys of {@link #rows()}, in their order. */
  List<List<Object>> keys() {
    return keys;
  }

  /** The values of column {@code index} (of the table's columns) of every row, as bound. */
  Object[] column(int index) {
    return columns[index];
  }

  /** The rows whose key {@code keep} accepts, in the same order, their columns sliced. */
  KeyedRows where(Predicate<List<Object>> keep) {
    int[] kept = new int[rows.size()];
    int size = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (keep.test(keys.get(i))) {
        kept[size++] = i;
      }
    }
    if (size == rows.size()) {
      return this;
    }
    List<Row> someRows = new ArrayList<>(size);
    List<List<Object>> someKeys = new ArrayList<>(size);
    for (int n = 0; n < size; n++) {
      someRows.add(rows.get(kept[n]));
      someKeys.add(keys.get(kept[n]));
    }
    Object[][] someColumns = new Object[columns.length][];
    for (int c = 0; c < columns.length; c++) {
      if (columns[c] != null) {
        someColumns[c] = slice(columns[c], kept, size);
      }
    }
    return new KeyedRows(someRows, someKeys, someColumns);
  }

  private static Object[] slice(Object[] column, int[] kept, int size) {
    Object[] some = (Object[]) Array.newInstance(column.getClass().getComponentType(), size);
    for (int n = 0; n < size; n++) {
      some[n] = column[kept[n]];
    }
    return some;
  }
}
