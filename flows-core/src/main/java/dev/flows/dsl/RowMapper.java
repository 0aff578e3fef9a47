package dev.flows.dsl;

import dev.flows.Row;

/**
 * Maps one record of a materialise flow to the values of its table row's columns (the primary key
 * is the record key, the offset and source columns are set by the runtime). Explicit by design: the
 * row holds exactly what this function puts in it, by column name, with no reflection over the
 * value type, so what lands in the table is visible in the code and checked against the table's
 * columns. Not called for tombstones (null values), which delete the row.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface RowMapper<K, V> {
  /** The row for {@code value}, never {@code null}. */
  Row apply(K key, V value) throws Exception;
}
