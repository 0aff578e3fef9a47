package dev.flows.postgres;

import dev.flows.BrokerRefusedException;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.postgres.internal.Databases;
import dev.flows.postgres.internal.Pool;
import dev.flows.postgres.internal.PostgresCronClaims;
import dev.flows.postgres.internal.PostgresStateTable;
import dev.flows.postgres.internal.PostgresTopicLedger;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.CronClaims;
import dev.flows.spi.Reservation;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TopicLedger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The production {@link StateStore}: one PostgreSQL table per stateful flow, written with
 * optimistic versions (docs/semantics.md, protocol v2). Thread-safe; share one store per process.
 *
 * <p>Each table has the columns {@code id text PRIMARY KEY, state bytea, state_version integer NOT
 * NULL, progress bytea NOT NULL, results bytea, version bigint NOT NULL, created_at, updated_at
 * timestamptz}, and is created on first use ({@code state_version} is added to a table created
 * before it, its rows being version 1). A table is:
 *
 * <ul>
 *   <li><b>loaded</b> in one query, {@code SELECT ... WHERE id = ANY(:ids)};
 *   <li><b>written</b> row by row in effect, but in one transaction holding one set-based statement
 *       that expands the batch with {@code unnest} and returns the ids it wrote. New rows (version
 *       1) are inserted unless the id exists; later versions update the stored row only if its
 *       version is one less. A row that did not come back is a conflict (another writer got there
 *       first, or the row is absent) and is not written; the others are committed. This fences out
 *       zombie instances (G3). A row the database refuses for its own data is isolated by writing
 *       the batch in halves, and returned as refused with the database's reason.
 * </ul>
 *
 * <p>A plain {@code INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE version = EXCLUDED.version - 1}
 * would insert a row at version 2 or later whose id is absent (deleted, or never written), when
 * that must be a conflict. So one statement carries two branches over the same {@code unnest}ed
 * batch: an {@code INSERT ... ON CONFLICT DO NOTHING} for version 1 and an {@code UPDATE ... WHERE
 * version = new version - 1} for the rest. It is still one round trip for the statement, plus the
 * commit.
 *
 * <p>Next to each table the store creates the view {@code <table>_json} ({@code id}, {@code state}
 * as {@code jsonb}, {@code state_version}, {@code updated_at}; deleted states left out) for ad-hoc
 * queries of JSON states; the states of other formats are not text, and a query reading them
 * through the view fails. {@link #reader(dev.flows.StateSpec)} reads states typed, for any format.
 * The store also keeps each flow's record of its topics in {@code flows_topics} ({@link #topics()})
 * and the claimed ticks of cron flows in {@code flows_cron_ticks} ({@link #cronClaims()}).
 *
 * <p>Database failures, such as a broken connection or a database that is down, are thrown as
 * unchecked {@link FlowsException}s with the driver's exception as cause; nothing is swallowed, and
 * the runtime rewinds and retries the batch. A pool the store owns replaces broken connections by
 * itself. A refusal that retrying cannot fix (no such database, host, user or password) is a {@link
 * BrokerRefusedException} naming the cause and the fix.
 */
public final class PostgresStateStore implements StateStore {
  /**
   * Name of the pool that the store builds, also its connections' {@code application_name}:
   * {@value}.
   */
  public static final String POOL_NAME = "flows-state";

  private final Pool pool;
  private final Map<String, StateTable> tables = new ConcurrentHashMap<>();
  private final TopicLedger ledger;
  private final CronClaims claims;

  private PostgresStateStore(Pool pool) {
    this.pool = pool;
    this.ledger = new PostgresTopicLedger(pool.jdbi());
    this.claims = new PostgresCronClaims(pool.jdbi());
  }

  /**
   * A store on the caller's connection pool. {@link #close()} leaves the pool open: the caller owns
   * it. No connection is made until a table is used. Give it a connection per flow using the store
   * (a Hikari pool smaller than that is refused when a runtime starts), and behind a pooler in
   * transaction mode set the driver's {@code prepareThreshold=0}.
   */
  public static PostgresStateStore create(DataSource dataSource) {
    return new PostgresStateStore(Pool.borrowed(dataSource));
  }

  /**
   * A store with its own pool named {@value #POOL_NAME}, sized to the flows that use it ({@link
   * PostgresOptions#defaults()}), closed by {@link #close()}: see {@link #create(String, String,
   * String, PostgresOptions)}.
   */
  public static PostgresStateStore create(String jdbcUrl, String user, String password) {
    return create(jdbcUrl, user, password, PostgresOptions.defaults());
  }

  /**
   * A store with its own pool named {@value #POOL_NAME}, built with {@code options}, closed by
   * {@link #close()}. Connects once at once: a refusal that retrying cannot fix fails here, while a
   * database that does not answer yet does not (its flows retry, not ready, until it does).
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://localhost:5432/flows}
   * @param user the database user, or {@code null} when the URL names it
   * @param password the password, or {@code null}
   * @param options the pool's size, and whether a pooler in transaction mode stands in between
   * @throws BrokerRefusedException if PostgreSQL refuses the host, database, user or password
   * @throws FlowDefinitionException if the URL is not a PostgreSQL JDBC URL
   */
  public static PostgresStateStore create(
      String jdbcUrl, String user, String password, PostgresOptions options) {
    return new PostgresStateStore(
        Pool.owned(jdbcUrl, user, password, options, POOL_NAME, "state database"));
  }

  /**
   * A store on the database of {@code FLOWS_POSTGRES_URL}, {@code FLOWS_POSTGRES_USER} and {@code
   * FLOWS_POSTGRES_PASSWORD}, with its own pool as in {@link #create(String, String, String,
   * PostgresOptions)}, sized by {@code FLOWS_POSTGRES_POOL_SIZE} and {@code
   * FLOWS_POSTGRES_PGBOUNCER} ({@link PostgresOptions#from(FlowsConfig)}).
   *
   * @throws FlowDefinitionException if {@code FLOWS_POSTGRES_URL} is not set
   */
  public static PostgresStateStore create(FlowsConfig config) {
    return create(
        Databases.url(config, "state database"),
        config.postgresUser().orElse(null),
        config.postgresPassword().orElse(null),
        PostgresOptions.from(config));
  }

  /**
   * The state table {@code name}, created if absent (once per store; concurrent creation by other
   * processes is tolerated).
   *
   * @param name 1 to 63 of {@code [a-z0-9_]}, starting with a letter; used quoted, so reserved
   *     words are fine
   * @throws FlowDefinitionException if {@code name} is not such an identifier
   * @throws NullPointerException if {@code name} is {@code null}
   * @throws FlowsException if the table cannot be created
   */
  @Override
  public StateTable table(String name) {
    Objects.requireNonNull(name, "name");
    // computeIfAbsent runs the DDL once per name; callers of the same name wait for it.
    return tables.computeIfAbsent(name, n -> PostgresStateTable.open(pool.jdbi(), n));
  }

  /**
   * The stored rows among {@code ids} of table {@code name}, in one {@code SELECT}: nothing is
   * created, so a role allowed only to {@code SELECT} the table may read it. A read sees the rows
   * committed when it starts (READ COMMITTED).
   *
   * @throws FlowsException if the table does not exist (a stateful flow creates it when its runtime
   *     is built, or at its first batch if the database did not answer then), or the read fails
   */
  @Override
  public Map<String, StateRow> read(String name, Collection<String> ids) {
    return PostgresStateTable.read(pool.jdbi(), Objects.requireNonNull(name, "name"), ids);
  }

  /**
   * Reserves a connection of the store's pool for each of {@code flows}: a pool sized to the flows
   * grows to hold every reserved one; a pool of a set size refuses to hold fewer.
   *
   * @throws FlowDefinitionException naming the flows and the size they need, if the pool's size was
   *     set smaller (or the caller's Hikari pool is smaller)
   */
  @Override
  public Reservation reserve(List<String> flows) {
    return pool.reserve(flows, "state store");
  }

  /**
   * The record of each flow's topics, in table {@code flows_topics} (created on first use): one row
   * per flow and topic with the topic's id, partition count and generation as first seen.
   */
  @Override
  public TopicLedger topics() {
    return ledger;
  }

  /**
   * The claims of cron ticks, in table {@code flows_cron_ticks} (created on first use): one row per
   * flow and tick, inserted with {@code ON CONFLICT DO NOTHING}, so replicas of a cron flow on this
   * database fire each tick once. Each claim deletes up to {@value PostgresCronClaims#PURGE_BATCH}
   * of the flow's rows older than a day.
   */
  @Override
  public CronClaims cronClaims() {
    return claims;
  }

  /**
   * Closes the pool if this store built it; a pool given to {@link #create(DataSource)} stays open.
   */
  @Override
  public void close() {
    tables.clear();
    pool.close();
  }
}
