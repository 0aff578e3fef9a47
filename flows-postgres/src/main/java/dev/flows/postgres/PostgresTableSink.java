package dev.flows.postgres;

import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.postgres.internal.Databases;
import dev.flows.postgres.internal.Pool;
import dev.flows.postgres.internal.PostgresMaterialisedTable;
import dev.flows.postgres.internal.PostgresTopicLedger;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedRow;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The production {@link TableSink}: materialise flows keep their tables in PostgreSQL. Thread-safe;
 * share one sink per process.
 *
 * <p>A table is created on first use if absent ({@code CREATE TABLE IF NOT EXISTS}, the primary key
 * column first, then the other columns, the offset column and {@code source_partition,
 * source_generation, deleted, deleted_at}, with an index of the deleted markers); an existing table
 * is used as it is, but for a versioned table made by an earlier version, which gets those columns
 * (and the index) added. Each batch is one transaction of at most two set-based statements, every
 * column travelling as one array expanded by {@code unnest}:
 *
 * <pre>{@code
 * INSERT INTO "t" AS t ("word", "count", "updated_offset", "source_partition", "source_generation", "deleted", "deleted_at")
 *   SELECT *, false, NULL::timestamptz FROM unnest(:c0::text[], :c1::bigint[], :c2::bigint[], :c3::integer[], :c4::integer[])
 *   ON CONFLICT ("word") DO UPDATE SET "count" = EXCLUDED."count", ..., "deleted_at" = EXCLUDED."deleted_at"
 *   WHERE (t."updated_offset" IS NULL OR t."source_partition" <> EXCLUDED."source_partition"
 *     OR (coalesce(t."source_generation", 0), t."updated_offset")
 *        < (coalesce(EXCLUDED."source_generation", 0), EXCLUDED."updated_offset"))
 * INSERT INTO "t" AS t ("word", "updated_offset", "source_partition", "source_generation", "deleted", "deleted_at")
 *   SELECT *, true, now() FROM unnest(:keys::text[], :offsets::bigint[], :partitions::integer[], :generations::integer[])
 *   ON CONFLICT ("word") DO UPDATE SET (the same columns and guard)
 * }</pre>
 *
 * <p>The second statement writes the tombstones as deleted markers (other columns NULL), which
 * readers skip with {@code WHERE NOT deleted}: a marker keeps the tombstone's source, so an older
 * upsert of its partition is refused instead of bringing the key back.
 *
 * <p>Without an offset column the guards and markers are left out: the batch's rows replace the
 * stored ones and tombstones delete by {@code pk = ANY(:keys)}. Timestamps and JSON travel as text
 * and are cast on the server; a timestamp is written so that PostgreSQL reads the same instant
 * anywhere in its range (4714-11-24 BC to 294276-12-31 AD).
 *
 * <p>Errors are sorted by SQLSTATE. If PostgreSQL refuses the data of the rows (21000, class 22
 * such as invalid JSON or a value out of range, class 23 such as a constraint of an existing table,
 * 54000 such as a key too large to index), the transaction is rolled back, the rows are split in
 * halves and each half is written in its own transaction, recursively, until the refused rows stand
 * alone: they are returned with PostgreSQL's message, every other row is committed. A batch without
 * such rows stays one transaction. Any other failure (connection, serialization failure, deadlock,
 * shutdown, timeout, anything unknown) is thrown as a {@link FlowsException} with the driver's
 * exception as cause; the runtime rewinds and retries the batch, and halves committed before the
 * failure are written again with the same values (refused as not newer in a versioned table).
 */
public final class PostgresTableSink implements TableSink {
  /** Connections in the pool that {@link #create(String, String, String)} builds: {@value}. */
  public static final int DEFAULT_POOL_SIZE = 4;

  /**
   * Name of the pool that the sink builds, also its connections' {@code application_name}:
   * {@value}.
   */
  public static final String POOL_NAME = "flows-tables";

  private final Pool pool;
  private final Map<TableSpec, PostgresMaterialisedTable> tables = new ConcurrentHashMap<>();
  private final TopicLedger ledger;

  private PostgresTableSink(Pool pool) {
    this.pool = pool;
    this.ledger = new PostgresTopicLedger(pool.jdbi());
  }

  /**
   * The record of each materialise flow's topics, in table {@code flows_topics} of the sink's
   * database (created on first use), as the state store keeps it.
   */
  @Override
  public TopicLedger topics() {
    return ledger;
  }

  /**
   * A sink on the caller's connection pool, which {@link #close()} leaves open. Connects on first
   * use.
   */
  public static PostgresTableSink create(DataSource dataSource) {
    return new PostgresTableSink(Pool.borrowed(dataSource));
  }

  /**
   * A sink with its own pool of {@value #DEFAULT_POOL_SIZE} connections named {@value #POOL_NAME},
   * closed by {@link #close()}. Connects at once, so a wrong URL or password fails here.
   *
   * @throws FlowsException if the database cannot be reached
   */
  public static PostgresTableSink create(String jdbcUrl, String user, String password) {
    return new PostgresTableSink(
        Pool.owned(
            jdbcUrl,
            user,
            password,
            DEFAULT_POOL_SIZE,
            POOL_NAME,
            "database of the materialised tables"));
  }

  /**
   * A sink on the database of {@code FLOWS_POSTGRES_URL}, {@code FLOWS_POSTGRES_USER} and {@code
   * FLOWS_POSTGRES_PASSWORD}, with its own pool.
   *
   * @throws FlowDefinitionException if {@code FLOWS_POSTGRES_URL} is not set
   */
  public static PostgresTableSink create(FlowsConfig config) {
    return create(
        Databases.url(config, "database of the materialised tables"),
        config.postgresUser().orElse(null),
        config.postgresPassword().orElse(null));
  }

  /** Creates the table if absent, once per spec and sink. */
  @Override
  public void prepare(TableSpec table) {
    table(table);
  }

  @Override
  public List<RefusedRow> write(TableSpec table, List<Row> upserts, List<Row> deletes) {
    return table(table).write(upserts, deletes);
  }

  /**
   * Deletes, in one statement, at most {@code purge.limit()} deleted markers that {@code purge}
   * allows: written (at the database's {@code now()}) at least the retention ago, of an earlier
   * generation or below their partition's committed offset. Markers a batch's write holds are
   * skipped ({@code FOR UPDATE SKIP LOCKED}), so the purge never waits for one. A partial index
   * {@code <table>_markers ON (deleted_at) WHERE deleted}, created with the table, finds them.
   */
  @Override
  public int purgeMarkers(TableSpec table, MarkerPurge purge) {
    return table(table).purgeMarkers(purge);
  }

  /** Closes the pool if this sink built it. */
  @Override
  public void close() {
    tables.clear();
    pool.close();
  }

  private PostgresMaterialisedTable table(TableSpec spec) {
    return tables.computeIfAbsent(
        Objects.requireNonNull(spec, "table"), s -> PostgresMaterialisedTable.open(pool.jdbi(), s));
  }
}
