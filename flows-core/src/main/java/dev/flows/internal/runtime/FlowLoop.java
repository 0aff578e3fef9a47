package dev.flows.internal.runtime;

/**
 * The body of a flow's own thread: a Kafka poll loop, or the loop of a flow without a Kafka source
 * (task, cron). {@link #run()} returns after {@link #stop()} once the loop drained.
 */
public interface FlowLoop extends Runnable {
  /** Asks the loop to drain and end. Returns at once. */
  void stop();
}
