package dev.flows.spi;

/**
 * Connections of a state store or table sink that a runtime's flows reserved ({@link
 * StateStore#reserve}, {@link TableSink#reserve}), given back by {@link #close()}. Idempotent.
 */
@FunctionalInterface
public interface Reservation extends AutoCloseable {
  /** A reservation that holds nothing: what a store without a pool of its own gives. */
  Reservation NONE = () -> {};

  /** Gives the connections back. */
  @Override
  void close();
}
