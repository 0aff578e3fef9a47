package dev.flows.spi;

/**
 * Where stateful flows keep their state: PostgreSQL in production ({@code flows-postgres}), or in
 * memory ({@link dev.flows.state.InMemoryStateStore}).
 */
public interface StateStore extends AutoCloseable {

  /** The table called {@code name}, created if absent. The name is a validated SQL identifier. */
  StateTable table(String name);

  /** The store's record of the topics each flow reads (see {@link TopicLedger}). */
  TopicLedger topics();

  /**
   * The claims that let one replica of a cron flow fire each tick (see {@link CronClaims}). By
   * default every instance fires every tick ({@link CronClaims#EVERY_INSTANCE}).
   */
  default CronClaims cronClaims() {
    return CronClaims.EVERY_INSTANCE;
  }

  /** Releases connections. */
  @Override
  void close();
}
