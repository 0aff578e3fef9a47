package dev.flows.spi;

import dev.flows.Row;
import dev.flows.TableSpec;
import java.util.List;

/**
 * Where materialise flows write their tables: PostgreSQL in production ({@code PostgresTableSink}
 * in flows-postgres), or memory ({@link dev.flows.testing.InMemoryTableSink}). Thread-safe. Every
 * implementation passes the same contract test.
 */
public interface TableSink extends AutoCloseable {

  /** Creates {@code table} if absent (an existing table is used as it is). Idempotent. */
  void prepare(TableSpec table);

  /**
   * Applies one batch in one transaction: inserts or replaces {@code upserts} and deletes the rows
   * of {@code deletes}, all or nothing. Each row holds the values of {@link TableSpec#allColumns()}
   * by name (a missing column is {@code null}); a delete holds the primary key and, for a
   * {@linkplain TableSpec#versioned() versioned} table, the offset column. A primary key appears at
   * most once across both lists. In a versioned table a row or delete takes effect only where no
   * stored row has an equal or greater offset; deleting an absent row does nothing.
   *
   * @throws dev.flows.FlowsException if the database fails; nothing is written then
   */
  void write(TableSpec table, List<Row> upserts, List<Row> deletes);

  /** Releases connections. */
  @Override
  void close();
}
