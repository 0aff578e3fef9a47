package dev.flows.postgres;

import dev.flows.FlowDefinitionException;
import dev.flows.runtime.FlowsConfig;

/**
 * How a {@link PostgresStateStore} or {@link PostgresTableSink} that builds its own pool connects.
 * Immutable; every {@code withX} returns a copy.
 *
 * @param poolSize the connections of the pool; {@value #SIZED_TO_FLOWS}: as many as the flows of
 *     the runtimes using it need at once (one per flow using it, two for a materialise flow whose
 *     marker purge runs beside its batches, at least one), grown and shrunk as runtimes start and
 *     close. A size smaller than the flows need is refused when a runtime starts.
 * @param pgBouncer whether the database is reached through a pooler in transaction mode
 *     (PgBouncer): the driver then prepares no statement on the server ({@code
 *     prepareThreshold=0}), since the next transaction may run on another server connection
 */
public record PostgresOptions(int poolSize, boolean pgBouncer) {
  /** The pool size that means "as many as the flows need": {@value}. */
  public static final int SIZED_TO_FLOWS = 0;

  /** Validates the pool size. */
  public PostgresOptions {
    if (poolSize < 0) {
      throw invalidSize(poolSize);
    }
  }

  /** A pool sized to the flows, reaching PostgreSQL directly. */
  public static PostgresOptions defaults() {
    return new PostgresOptions(SIZED_TO_FLOWS, false);
  }

  /** The options of {@code FLOWS_POSTGRES_POOL_SIZE} and {@code FLOWS_POSTGRES_PGBOUNCER}. */
  public static PostgresOptions from(FlowsConfig config) {
    PostgresOptions options = defaults().withPgBouncer(config.postgresPgBouncer());
    return config.postgresPoolSize().isPresent()
        ? options.withPoolSize(config.postgresPoolSize().getAsInt())
        : options;
  }

  /**
   * A copy whose pool holds {@code connections}, at least one; a runtime whose flows need more
   * refuses to start.
   */
  public PostgresOptions withPoolSize(int connections) {
    if (connections < 1) {
      throw invalidSize(connections);
    }
    return new PostgresOptions(connections, pgBouncer);
  }

  /** A copy that reaches PostgreSQL through a pooler in transaction mode, or not. */
  public PostgresOptions withPgBouncer(boolean throughPooler) {
    return new PostgresOptions(poolSize, throughPooler);
  }

  /** Whether the pool is sized to the flows rather than set. */
  public boolean sizedToFlows() {
    return poolSize == SIZED_TO_FLOWS;
  }

  private static FlowDefinitionException invalidSize(int size) {
    return FlowDefinitionException.of(
        "poolSize",
        size,
        "is not a pool size",
        "use 1 or more connections, or PostgresOptions.defaults() to size the pool to the flows");
  }
}
