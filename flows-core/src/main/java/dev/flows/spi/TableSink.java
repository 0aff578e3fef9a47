package dev.flows.spi;

import dev.flows.Row;
import dev.flows.TableSpec;
import java.util.List;

/**
 * Where materialise flows write their tables: PostgreSQL in production ({@code PostgresTableSink}
 * in flows-postgres), or memory ({@link dev.flows.testing.InMemoryTableSink}). Thread-safe. Every
 * implementation passes the same contract test. A sink reports the rows the database refuses for
 * their values instead of failing the batch for them ({@link #write}).
 */
public interface TableSink extends AutoCloseable {

  /** Creates {@code table} if absent (an existing table is used as it is). Idempotent. */
  void prepare(TableSpec table);

  /**
   * Writes one batch: inserts or replaces {@code upserts} and deletes the rows of {@code deletes},
   * and returns the rows the database refused for their values, each with its reason; every other
   * row is written. Rows are not all-or-nothing across the batch: a refused row is left out, and
   * the rest are durable when this returns.
   *
   * <p>Each row holds the values of {@link TableSpec#allColumns()} by name (a missing column is
   * {@code null}); a delete holds the primary key and, for a {@linkplain TableSpec#versioned()
   * versioned} table, the offset, partition and generation columns. A primary key appears at most
   * once across both lists. In a versioned table a row or delete takes effect unless the stored row
   * has the same partition (or none) and an equal or greater (generation, offset), a missing
   * generation counting as 0: across partitions the last writer wins. In a versioned table a delete
   * that takes effect leaves a deleted marker with its source (other columns null), which guards
   * like a row and which readers skip ({@code WHERE NOT deleted} in PostgreSQL); elsewhere it
   * removes the row, and deleting an absent row does nothing. Rows come canonical from the runtime:
   * Instants at microseconds, no {@code -0.0}, no text with U+0000 or an unpaired surrogate
   * (records holding those fail before they reach a sink), so keys distinct in Java are distinct in
   * the database.
   *
   * <p>What is refused is a value the database will refuse on every retry: for PostgreSQL, invalid
   * JSON, a timestamp or number out of range of its column, a constraint or narrower type of an
   * existing table, a key too large to index. A sink never refuses a row for a failure of its own
   * (connection, deadlock, timeout); it throws then.
   *
   * @return the refused rows, each as it was given; empty when every row was written
   * @throws dev.flows.FlowsException if the database fails for any other reason. The runtime
   *     rewinds and retries the batch; rows written before the failure stay written, and the retry
   *     writes them again with the same values (in a versioned table, refused as not newer)
   */
  List<RefusedRow> write(TableSpec table, List<Row> upserts, List<Row> deletes);

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

  /** Releases connections. */
  @Override
  void close();
}
