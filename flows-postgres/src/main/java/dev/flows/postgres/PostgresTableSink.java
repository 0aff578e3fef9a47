package dev.flows.postgres;

import dev.flows.BrokerRefusedException;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.postgres.internal.Databases;
import dev.flows.postgres.internal.Pool;
import dev.flows.postgres.internal.PostgresMaterialisedTable;
import dev.flows.postgres.internal.PostgresTopicLedger;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.Reservation;
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
 * columns first, then the other columns, the offset column and {@code source_partition,
 * source_generation, deleted, deleted_at}, with an index of the deleted markers); an existing table
 * is used as it is, but for a versioned table made by an earlier version, which gets those columns
 * (and the index) added. Each batch is one transaction of at most three set-based statements, every
 * column travelling as one typed array (sent binary) expanded by {@code unnest}, after a probe of
 * its keys (below):
 *
 * <pre>{@code
 * INSERT INTO "t" AS t ("word", "count", "updated_offset", "source_partition", "source_generation", "deleted", "deleted_at")
 *   SELECT *, false, NULL::timestamptz FROM unnest(:c0::text[], :c1::bigint[], :c2::bigint[], :c3::integer[], :c4::integer[])
 *   ON CONFLICT ("word") DO UPDATE SET "count" = EXCLUDED."count", ..., "deleted_at" = EXCLUDED."deleted_at"
 *   WHERE (t."updated_offset" IS NULL OR t."source_partition" <> EXCLUDED."source_partition"
 *     OR (coalesce(t."source_generation", 0), t."updated_offset")
 *        < (coalesce(EXCLUDED."source_generation", 0), EXCLUDED."updated_offset"))
 * INSERT INTO "t" AS t ("word", "updated_offset", "source_partition", "source_generation", "deleted", "deleted_at")
 *   SELECT *, true, now() FROM unnest(:c0::text[], :c2::bigint[], :c3::integer[], :c4::integer[])
 *   ON CONFLICT ("word") DO UPDATE SET (the same columns and guard)
 * UPDATE "t" AS t SET (other columns NULL, the delete's source, "deleted" = true, "deleted_at" = now())
 *   FROM (the stored rows each delete-where matches, joined on its key columns, first one per row) AS m
 *   WHERE (the key equal, not a marker, the guard) AND NOT EXISTS (the key among the batch's upserts and deletes)
 * }</pre>
 *
 * <p>The second statement writes the deletes by key (tombstones of a row per key) as deleted
 * markers (other columns NULL), which readers skip with {@code WHERE NOT deleted}: a marker keeps
 * the delete's source, so an older upsert of its partition is refused instead of bringing the key
 * back. The third, only for batches with deletes by key columns (e.g. every line of an order), is
 * described in the {@link TableSink#write contract}; its join uses the primary key index when the
 * columns it names lead the key (e.g. {@code order_id} of {@code (order_id, line_no)}), and scans
 * the table otherwise, unless an index of the user's covers them.
 *
 * <p>The probe, first in the transaction, selects which of the batch's keys the table holds (a row
 * or a marker, {@code WHERE "word" = ANY(:c0::text[])}). The rows of the absent keys are written by
 * a binary {@code COPY ... FROM STDIN} in the same transaction (by the same insert without {@code
 * ON CONFLICT} where a timestamp has digits beyond microseconds or lies outside the years 1 to
 * 9999, or the connection is not pgjdbc's), their markers by the insert without {@code ON CONFLICT}
 * (no speculative insertion, nothing to guard); only the present keys go through the upserts. If
 * another writer inserts an absent key before the COPY or insert, its unique violation (23505)
 * rolls the transaction back and the batch is written again by the statements above alone, never
 * refused for it. Keys with a timestamp or JSON column, batches repeating a key, and batches while
 * the probes find few absent keys (under 10 %, reprobing every 100th batch) skip the probe.
 *
 * <p>Without an offset column the guards and markers are left out: the batch's rows replace the
 * stored ones, deletes delete by {@code pk = ANY(:c0)} (by {@code USING unnest(...)} for a key of
 * several columns; a probed absent key is not deleted) and deletes by key columns by a {@code
 * DELETE ... USING} of the same join. Timestamps and JSON travel as text and are cast on the server
 * (in a COPY, in their binary formats); a timestamp is written so that PostgreSQL reads the same
 * instant anywhere in its range (4714-11-24 BC to 294276-12-31 AD).
 *
 * <p>Errors are sorted by SQLSTATE. If PostgreSQL refuses the data of the rows (21000, class 22
 * such as invalid JSON or a value out of range, class 23 such as a constraint of an existing table,
 * 54000 such as a key too large to index), the transaction is rolled back, the records' changes are
 * split in halves and each half is written in its own transaction, recursively, until each refused
 * record's changes stand alone: they are returned with PostgreSQL's message, every other record's
 * changes are committed. A batch without such rows stays one transaction. Any other failure
 * (connection, serialization failure, deadlock, shutdown, timeout, anything unknown) is thrown as a
 * {@link FlowsException} with the driver's exception as cause; the runtime rewinds and retries the
 * batch, and halves committed before the failure are written again with the same values (refused as
 * not newer in a versioned table). A refusal that retrying cannot fix (no such database, host, user
 * or password) is a {@link BrokerRefusedException} naming the cause and the fix.
 */
public final class PostgresTableSink implements TableSink {
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
   * use. Give it a connection per materialise flow (a Hikari pool smaller than that is refused when
   * a runtime starts), and behind a pooler in transaction mode set the driver's {@code
   * prepareThreshold=0}.
   */
  public static PostgresTableSink create(DataSource dataSource) {
    return new PostgresTableSink(Pool.borrowed(dataSource));
  }

  /**
   * A sink with its own pool named {@value #POOL_NAME}, sized to the flows that use it ({@link
   * PostgresOptions#defaults()}), closed by {@link #close()}: see {@link #create(String, String,
   * String, PostgresOptions)}.
   */
  public static PostgresTableSink create(String jdbcUrl, String user, String password) {
    return create(jdbcUrl, user, password, PostgresOptions.defaults());
  }

  /**
   * A sink with its own pool named {@value #POOL_NAME}, built with {@code options}, closed by
   * {@link #close()}. Connects once at once: a refusal that retrying cannot fix fails here, while a
   * database that does not answer yet does not (its flows retry, not ready, until it does).
   *
   * @throws BrokerRefusedException if PostgreSQL refuses the host, database, user or password
   * @throws FlowDefinitionException if the URL is not a PostgreSQL JDBC URL
   */
  public static PostgresTableSink create(
      String jdbcUrl, String user, String password, PostgresOptions options) {
    return new PostgresTableSink(
        Pool.owned(
            jdbcUrl, user, password, options, POOL_NAME, "database of the materialised tables"));
  }

  /**
   * A sink on the database of {@code FLOWS_POSTGRES_URL}, {@code FLOWS_POSTGRES_USER} and {@code
   * FLOWS_POSTGRES_PASSWORD}, with its own pool sized by {@code FLOWS_POSTGRES_POOL_SIZE} and
   * {@code FLOWS_POSTGRES_PGBOUNCER} ({@link PostgresOptions#from(FlowsConfig)}).
   *
   * @throws FlowDefinitionException if {@code FLOWS_POSTGRES_URL} is not set
   */
  public static PostgresTableSink create(FlowsConfig config) {
    return create(
        Databases.url(config, "database of the materialised tables"),
        config.postgresUser().orElse(null),
        config.postgresPassword().orElse(null),
        PostgresOptions.from(config));
  }

  /**
   * Reserves a connection of the sink's pool for each of {@code flows}: a pool sized to the flows
   * grows to hold every reserved one; a pool of a set size refuses to hold fewer.
   *
   * @throws FlowDefinitionException naming the flows and the size they need, if the pool's size was
   *     set smaller (or the caller's Hikari pool is smaller)
   */
  @Override
  public Reservation reserve(List<String> flows) {
    return pool.reserve(flows, "table sink");
  }

  /** Creates the table if absent, once per spec and sink. */
  @Override
  public void prepare(TableSpec table) {
    table(table);
  }

  @Override
  public List<RefusedChanges> write(TableSpec table, List<RowChanges> changes) {
    return table(table).write(changes);
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
