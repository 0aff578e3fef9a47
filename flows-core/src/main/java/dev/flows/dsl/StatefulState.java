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

  /**
   * Applies {@code function} to each record, seen as a {@link dev.flows.Message} (its topic,
   * partition, offset, timestamp and headers), and its persistence id's state. Its outputs are
   * messages: each carries its own key, headers and timestamp (by default the input's), stored with
   * the state change and re-emitted as they are after a crash.
   */
  <O> StatefulOutput<K, O> applyMessage(MessageStateFunction<K, ? super V, S, O> function);
}
