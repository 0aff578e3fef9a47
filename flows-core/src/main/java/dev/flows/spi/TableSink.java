package dev.flows.spi;

import dev.flows.RowChanges;
import dev.flows.TableSpec;
import java.util.List;

/**
 * Where materialise flows write their tables: PostgreSQL in production ({@code PostgresTableSink}
 * in flows-postgres), or memory ({@link dev.flows.testing.InMemoryTableSink}). Thread-safe. Every
 * implementation passes the same contract test. A sink reports the records' changes the database
 * refuses for their values instead of failing the batch for them ({@link #write}).
 */
public interface TableSink extends AutoCloseable {

  /** Creates {@code table} if absent (an existing table is used as it is). Idempotent. */
  void prepare(TableSpec table);

  /**
   * Writes one batch and returns the elements of {@code changes} the database refused for their
   * values, each with its reason; every other element is written as if the refused ones had not
   * been given, and is durable when this returns. Each element holds one record's changes
   * (all-or-nothing: a refused element is left out whole), in record order, as the runtime resolved
   * them so that the batch leaves the table as applying its records one by one would:
   *
   * <ul>
   *   <li>A row holds the values of {@link TableSpec#allColumns()} by name (a missing column is
   *       {@code null}); an upsert the whole row, a delete its primary key columns, a delete-where
   *       one or more primary key columns; in a {@linkplain TableSpec#versioned() versioned} table
   *       each also holds its record's offset, partition and generation columns.
   *   <li>A primary key appears at most once among all upserts and deletes of the call.
   *   <li>A delete-where deletes every stored row (not a deleted marker) whose key columns equal
   *       its values, except the rows whose key is among the call's upserts and deletes, which
   *       those write; a row matched by several delete-wheres takes the first, in list order, that
   *       its guard lets through.
   *   <li>In a versioned table an upsert, delete or delete-where takes effect on a row unless the
   *       stored row has the same partition (or none) and an equal or greater (generation, offset),
   *       a missing generation counting as 0: across partitions the last writer wins. A delete that
   *       takes effect leaves a deleted marker with its source (other columns null), which guards
   *       like a row and which readers skip ({@code WHERE NOT deleted} in PostgreSQL), also where
   *       no row was stored; elsewhere it removes the row, and deleting an absent row does nothing.
   * </ul>
   *
   * <p>Rows come canonical from the runtime: Instants at microseconds, no {@code -0.0}, no text
   * with U+0000 or an unpaired surrogate (records holding those fail before they reach a sink), so
   * keys distinct in Java are distinct in the database.
   *
   * <p>What is refused is a value the database will refuse on every retry: for PostgreSQL, invalid
   * JSON, a timestamp or number out of range of its column, a constraint or narrower type of an
   * existing table, a key too large to index. A sink never refuses a row for a failure of its own
   * (connection, deadlock, timeout); it throws then.
   *
   * @return the refused elements, each as it was given; empty when everything was written
   * @throws dev.flows.FlowsException if the database fails for any other reason. The runtime
   *     rewinds and retries the batch; elements written before the failure stay written, and the
   *     retry writes them again with the same values (in a versioned table, refused as not newer)
   */
  List<RefusedChanges> write(TableSpec table, List<RowChanges> changes);

  /**
   * Removes at most {@code purge.limit()} deleted markers of the {@linkplain TableSpec#versioned()
   * versioned} {@code table} that {@code purge} allows (older than its retention and behind the
   * flow, see {@link MarkerPurge}), in one short transaction of its own, and returns how many it
   * removed. It never waits for a batch's write: a marker that a write holds is left for the next
   * call. The runtime calls it in the background, again while it returns {@code purge.limit()}.
   *
   * @throws dev.flows.FlowsException if the database fails; nothing is removed then
   */
  int purgeMarkers(TableSpec table, MarkerPurge purge);

  /** The sink's record of the topics each materialise flow reads (see {@link TopicLedger}). */
  TopicLedger topics();

  /**
   * Reserves a connection for each of {@code flows}, the flows of a runtime that use this table
   * sink (each holds at most one of its connections at a time), until the reservation is closed; a
   * flow that purges its table's deleted markers beside its batches is named twice, the second time
   * as {@code <flow> (marker purge)}, as the purge holds a connection of its own. A store with a
   * pool of its own sizes it to what is reserved, or refuses a pool set smaller. The runtime
   * reserves when it starts and gives back when it closes. By default nothing is reserved.
   *
   * @throws dev.flows.FlowDefinitionException if the store cannot serve that many at once, naming
   *     the setting and the fix
   */
  default Reservation reserve(List<String> flows) {
    return Reservation.NONE;
  }

  /** Releases connections. */
  @Override
  void close();
}
