package dev.flows.spi;

import dev.flows.StateSpec;
import dev.flows.state.StateReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where stateful flows keep their state: PostgreSQL in production ({@code flows-postgres}), or in
 * memory ({@link dev.flows.state.InMemoryStateStore}).
 */
public interface StateStore extends AutoCloseable {

  /** The table called {@code name}, created if absent. The name is a validated SQL identifier. */
  StateTable table(String name);

  /**
   * The stored rows among {@code ids} of table {@code name}, read without creating or changing
   * anything, so a reader may run with a role allowed only to read; absent ids are missing from the
   * map. Each call reads committed rows, all of them as of one moment.
   *
   * <p>By default this throws {@link UnsupportedOperationException}: a store that cannot read
   * without writing has no read API. Both stores of Flows have one.
   *
   * @throws dev.flows.FlowsException if the store cannot read them; for PostgreSQL also when the
   *     table does not exist (in memory, an absent table has no rows)
   */
  default Map<String, StateRow> read(String name, Collection<String> ids) {
    throw new UnsupportedOperationException(
        getClass().getName()
            + " has no read API: read states through PostgresStateStore or InMemoryStateStore");
  }

  /**
   * Typed, read-only lookups of the states of {@code spec} in this store: the same as {@link
   * StateReader#of StateReader.of(this, spec)}.
   */
  default <S> StateReader<S> reader(StateSpec<S> spec) {
    return StateReader.of(this, spec);
  }

  /** The store's record of the topics each flow reads (see {@link TopicLedger}). */
  TopicLedger topics();

  /**
   * The claims that let one replica of a cron flow fire each tick (see {@link CronClaims}). By
   * default every instance fires every tick ({@link CronClaims#EVERY_INSTANCE}).
   */
  default CronClaims cronClaims() {
    return CronClaims.EVERY_INSTANCE;
  }

  /**
   * Reserves a connection for each of {@code flows}, the flows of a runtime that use this state
   * store (each holds at most one of its connections at a time), until the reservation is closed. A
   * store with a pool of its own sizes it to what is reserved, or refuses a pool set smaller. The
   * runtime reserves when it starts and gives back when it closes. By default nothing is reserved.
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
