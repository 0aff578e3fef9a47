package dev.flows.dsl;

import dev.flows.StateUpdate;

/**
 * Computes a key's next state and outputs from one record. Called at most once per distinct input
 * record whose state change is committed (effectively-once), in partition order per key.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 * @param <S> the state type
 * @param <O> the output value type
 */
@FunctionalInterface
public interface StateFunction<K, V, S, O> {
  /** The update for {@code value} given the key's current {@code state}. */
  StateUpdate<S, O> apply(K key, V value, S state) throws Exception;
}
