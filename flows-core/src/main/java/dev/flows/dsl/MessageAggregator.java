package dev.flows.dsl;

import dev.flows.Message;

/**
 * Folds one record, with its context (topic, partition, offset, timestamp, headers), into its key's
 * accumulator.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <A> the accumulator type
 */
@FunctionalInterface
public interface MessageAggregator<K, V, A> {
  /** The accumulator after {@code message}. */
  A apply(Message<K, V> message, A accumulator) throws Exception;
}
