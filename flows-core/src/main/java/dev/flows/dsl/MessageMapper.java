package dev.flows.dsl;

import dev.flows.Message;

/**
 * Maps a whole record, with its context, to a result: the {@code ...Message} variants of the DSL
 * take one. The message's topic, partition and offset are those of the input record; its key,
 * value, headers and timestamp are the record's as earlier steps left them. May throw: the flow's
 * {@link dev.flows.ErrorPolicy} decides.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface MessageMapper<K, V, R> {
  /** The result for one record. */
  R apply(Message<K, V> message) throws Exception;
}
