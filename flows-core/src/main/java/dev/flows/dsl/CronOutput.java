package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Queue;
import dev.flows.Topic;

/**
 * What a cron flow produces, before its destination is chosen. When the runtime has a state store,
 * each firing is claimed in it first and only the replica that claimed it publishes ({@link
 * dev.flows.spi.CronClaims}); without one, every running instance fires every firing. Firings
 * missed while no instance ran are skipped, and a value whose publishing failed is retried until
 * the broker confirmed it or the flow stops.
 *
 * @param <V> the value type
 */
public interface CronOutput<V> {
  /** Ends the flow: each value becomes a task on {@code queue}, confirmed by the broker. */
  Flow toQueue(Queue<V> queue);

  /**
   * Ends the flow: each value becomes a record (without a key) on {@code topic}, acknowledged by
   * Kafka.
   */
  Flow to(Topic<?, V> topic);
}
