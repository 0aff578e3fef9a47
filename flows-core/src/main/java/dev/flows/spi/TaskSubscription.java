package dev.flows.spi;

/** A running consumer of a task queue, returned by {@link TaskQueue#consume}. */
public interface TaskSubscription extends AutoCloseable {

  /**
   * Drains: stops taking new tasks, lets running tasks finish (and be acknowledged) for at most the
   * drain timeout, then releases the consumer. Tasks not acknowledged by then are delivered again.
   */
  @Override
  void close();
}
