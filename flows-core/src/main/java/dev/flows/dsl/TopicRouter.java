package dev.flows.dsl;

import dev.flows.Message;
import dev.flows.Topic;

/**
 * Chooses, at run time, which of a flow's declared output topics an output goes to ({@code
 * toAnyOf}). Returning a topic the flow did not declare, or {@code null}, fails the record, which
 * is dead-lettered at once with the reason: the flow's description and lineage stay true.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface TopicRouter<K, V> {
  /** The topic of {@code output}: one of the topics given to {@code toAnyOf}. */
  Topic<?, ?> route(Message<K, V> output) throws Exception;
}
