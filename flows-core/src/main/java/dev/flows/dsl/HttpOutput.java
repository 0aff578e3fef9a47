package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Topic;

/**
 * The records of an http route, before their topic is chosen.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface HttpOutput<K, V> {
  /**
   * Ends the flow: each request's record is written to {@code topic}, and the request is answered
   * {@code 202 Accepted} only after Kafka acknowledged the record (it is then durably in Kafka).
   * At-least-once: a client that got no 2xx answer (an error, a timeout, a lost connection) may
   * retry, and a retry after a lost answer writes the record twice.
   */
  Flow to(Topic<? super K, ? super V> topic);
}
