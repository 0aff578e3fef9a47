package dev.flows.dsl;

import dev.flows.KeyValue;

/**
 * An http route whose request type is known: choose the record each request becomes.
 *
 * @param <T> the decoded request body
 */
public interface HttpRoute<T> {
  /**
   * Maps each decoded request to one record (key and value). The function runs once per request, on
   * the request's thread, without retries: if it throws, or returns {@code null}, the request is
   * answered {@code 422} with the exception's message and nothing is written. Throw to reject a
   * request that is well-formed but invalid.
   */
  <K, V> HttpOutput<K, V> map(
      ValueMapper<? super T, ? extends KeyValue<? extends K, ? extends V>> mapper);
}
