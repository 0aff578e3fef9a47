package dev.flows.dsl;

/**
 * A stateful flow with its state chosen: give it the state function.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <S> the state type
 */
public interface StatefulState<K, V, S> {
  /** Applies {@code function} to each record and its key's state: effectively-once state update. */
  <O> StatefulOutput<K, O> apply(StateFunction<? super K, ? super V, S, O> function);
}
