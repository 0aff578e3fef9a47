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
   * Ends the flow: every batch is upserted into {@code table} by one set-based write, one row per
   * key (the last record of a key in the batch wins), each row's values given by {@code rows}; a
   * tombstone (null value) deletes the key's row (in a versioned table, leaves a deleted marker:
   * see {@link TableSpec}). Offsets are committed only after the rows are durable: at-least-once
   * delivery, idempotent upsert. A record whose row the database refuses for its values is
   * dead-lettered (stage {@code store}) and its key keeps its previous change in the batch.
   */
  Flow into(TableSpec table, RowMapper<? super K, ? super V> rows);
}
