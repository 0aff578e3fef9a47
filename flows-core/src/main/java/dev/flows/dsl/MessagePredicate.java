package dev.flows.dsl;

import dev.flows.Message;

/**
 * Decides whether a record goes on, seeing its context (topic, partition, offset, timestamp,
 * headers).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface MessagePredicate<K, V> {
  /** {@code true} to keep the record. */
  boolean test(Message<K, V> message) throws Exception;
}
