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

  /** Releases connections. */
  @Override
  void close();
}
