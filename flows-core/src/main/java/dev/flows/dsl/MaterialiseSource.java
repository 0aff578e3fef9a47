package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.TableSpec;

/**
 * The input of a materialise flow: say which table its records go into and how.
 *
 * @param <K> the key type: the table's primary key value
 * @param <V> the value type
 */
public interface MaterialiseSource<K, V> {
  /**
   * Ends the flow: every batch is upserted into {@code table} in one transaction, one row per key
   * (the last record of a key in the batch wins), each row's values given by {@code rows}; a
   * tombstone (null value) deletes the key's row. Offsets are committed only after the transaction
   * committed: at-least-once delivery, idempotent upsert.
   */
  Flow into(TableSpec table, RowMapper<? super K, ? super V> rows);
}
