package dev.flows;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

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
    if (!(values instanceof Values)) {
      Map<String, Object> copy = new LinkedHashMap<>((int) (values.size() / 0.75f) + 1);
      values.forEach(
          (column, value) -> copy.put(Objects.requireNonNull(column, "column name"), value));
      values = new Values(copy);
    }
  }

  /** A row of one column. */
  public static Row of(String column, Object value) {
    Map<String, Object> values = new LinkedHashMap<>(2);
    values.put(Objects.requireNonNull(column, "column"), value);
    return new Row(new Values(values));
  }

  /** A copy with {@code column} set to {@code value} (replacing an earlier value). */
  public Row with(String column, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(values);
    more.put(Objects.requireNonNull(column, "column"), value);
    return new Row(new Values(more));
  }

  /** The value of {@code column}, {@code null} if unset or null. */
  public Object get(String column) {
    return values.get(column);
  }

  /**
   * A row's values: an unmodifiable view of a map no one else holds, so that a row made from
   * another row's values, or by {@link #with}, is not copied again.
   */
  private static final class Values extends AbstractMap<String, Object> {
    private final Map<String, Object> map;

    Values(Map<String, Object> owned) {
      this.map = Collections.unmodifiableMap(owned);
    }

    @Override
    public Object get(Object key) {
      return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public Object remove(Object key) {
      return map.remove(key);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return map.entrySet();
    }

    @Override
    public Set<String> keySet() {
      return map.keySet();
    }

    @Override
    public Collection<Object> values() {
      return map.values();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
      map.forEach(action);
    }

    @Override
    public boolean equals(Object other) {
      return map.equals(other);
    }

    @Override
    public int hashCode() {
      return map.hashCode();
    }
  }
}
