package dev.flows.dsl;

import dev.flows.RowChanges;

/**
 * Maps one record of a materialise flow to its changes of the table: rows to upsert (each with
 * every primary key column) and deletes, by full primary key or by equality on some key columns.
 * Called for every record, tombstones included: {@code value} is {@code null} for a tombstone, so
 * the mapper says what a deleted record means, usually {@code RowChanges.replace(owner,
 * List.of())}, every row it owned deleted. Explicit by design, as {@link RowMapper}: rows hold what
 * this function puts in them, by column name.
 *
 * <pre>{@code
 * (orderId, order) -> RowChanges.replace(
 *     Row.of("order_id", orderId),
 *     order == null ? List.of() : order.lines().stream()
 *         .map(l -> Row.of("order_id", orderId).with("line_no", l.no()).with("sku", l.sku()))
 *         .toList())
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface RowsMapper<K, V> {
  /**
   * The changes for the record; {@link RowChanges#none()} for none, never {@code null}. {@code
   * value} is {@code null} for a tombstone.
   */
  RowChanges apply(K key, V value) throws Exception;
}
