package dev.flows.dsl;

import dev.flows.Topic;

/**
 * A join with its state: add the first source.
 *
 * @param <S> the state type
 */
public interface JoinState<S> {
  /**
   * Joins {@code topic}: each record goes to the state of {@code stateKey(key, value)} and is
   * applied by {@code function}.
   */
  <K, V, O> JoinSources<S, O> on(
      Topic<K, V> topic,
      KeyValueMapper<? super K, ? super V, String> stateKey,
      StateFunction<? super K, ? super V, S, O> function);
}
