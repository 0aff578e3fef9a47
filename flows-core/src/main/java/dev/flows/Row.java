package dev.flows;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The column values a materialise flow's row mapper gives for one record: column name to value,
 * {@code null} values allowed. Immutable; {@link #with(String, Object)} returns a copy. The runtime
 * checks every row against its {@link TableSpec} (known columns, Java types as {@link ColumnType}
 * says) before anything is written.
 *
 * <pre>{@code
 * Row.of("count", 3L).with("description", "fruit")
 * }</pre>
 *
 * @param values column name to value, in insertion order
 */
public record Row(Map<String, Object> values) {

  /** Copies the values (nulls kept); column names must not be null. */
  public Row {
    Objects.requireNonNull(values, "values");
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.keySet().forEach(column -> Objects.requireNonNull(column, "column name"));
    values = Collections.unmodifiableMap(copy);
  }

  /** A row of one column. */
  public static Row of(String column, Object value) {
    return new Row(Map.<String, Object>of()).with(column, value);
  }

  /** A copy with {@code column} set to {@code value} (replacing an earlier value). */
  public Row with(String column, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(values);
    more.put(Objects.requireNonNull(column, "column"), value);
    return new Row(more);
  }

  /** The value of {@code column}, {@code null} if unset or null. */
  public Object get(String column) {
    return values.get(column);
  }
}
