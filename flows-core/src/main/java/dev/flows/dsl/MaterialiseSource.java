package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;

/**
 * The input of a materialise flow: say which table its records go into and how.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface MaterialiseSource<K, V> {
  /**
   * Ends the flow with one row per record key: every batch is upserted into {@code table}, whose
   * one-column primary key holds the record key, by one set-based write, one row per key (the last
   * record of a key in the batch wins), each row's other values given by {@code rows}; a tombstone
   * (null value) deletes the key's row (in a versioned table, leaves a deleted marker: see {@link
   * TableSpec}). Offsets are committed only after the rows are durable: at-least-once delivery,
   * idempotent upsert. A record whose row the database refuses for its values is dead-lettered
   * (stage {@code store}) and its key keeps its previous change in the batch.
   *
   * @throws dev.flows.FlowDefinitionException if the table's primary key has several columns (use
   *     {@link #intoRows})
   */
  Flow into(TableSpec table, RowMapper<? super K, ? super V> rows);

  /**
   * Ends the flow with any number of rows per record: {@code rows} gives each record's changes of
   * {@code table} (upserts, deletes by primary key, deletes by equality on some key columns; see
   * {@link dev.flows.RowChanges}), tombstones included. A batch leaves the table as applying its
   * records one by one in offset order would, in one set-based write (a row changed by several
   * records holds the last change), and in a versioned table each row and delete is guarded by its
   * record's source, so a replay changes nothing. A record one of whose rows the database refuses
   * is dead-lettered (stage {@code store}) and none of its changes is written.
   */
  Flow intoRows(TableSpec table, RowsMapper<? super K, ? super V> rows);

  /**
   * As {@link #into}, the row of each record given by {@code row} from the record seen as a {@link
   * dev.flows.Message}: its topic, partition, offset, timestamp and headers are read-only context
   * (e.g. a column holding the record's timestamp). Not called for tombstones.
   *
   * @throws dev.flows.FlowDefinitionException if the table's primary key has several columns
   */
  Flow intoByMessage(TableSpec table, MessageMapper<? super K, ? super V, ? extends Row> row);

  /**
   * As {@link #intoRows}, the changes of each record given by {@code rows} from the record seen as
   * a {@link dev.flows.Message}, tombstones included (a {@code null} value).
   */
  Flow intoRowsByMessage(
      TableSpec table, MessageMapper<? super K, ? super V, ? extends RowChanges> rows);
}
