package dev.flows.dsl;

import dev.flows.Join;
import dev.flows.Topic;

/**
 * A join with one or more sources: add more, or end it.
 *
 * @param <S> the state type
 * @param <O> the output type
 */
public interface JoinSources<S, O> {
  /** Joins one more topic with its own persistence id and state function. */
  <K, V> JoinSources<S, O> on(
      Topic<K, V> topic,
      KeyValueMapper<? super K, ? super V, String> stateKey,
      StateFunction<? super K, ? super V, S, O> function);

  /** Ends the join: outputs go to {@code topic}, keyed by persistence id. */
  Join to(Topic<String, O> topic);
}
