package dev.flows.internal.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * The body of a flow's own thread: a Kafka poll loop, or the loop of a flow without a Kafka source
 * (task, cron). {@link #run()} returns after {@link #stop()} once the loop drained.
 */
public interface FlowLoop extends Runnable {
  /** Asks the loop to drain and end. Returns at once. */
  void stop();

  /**
   * Registers its clients' metrics (a Kafka consumer's) with {@code tags}, before the loop's thread
   * starts; loops without client metrics do nothing.
   */
  default void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {}
}
