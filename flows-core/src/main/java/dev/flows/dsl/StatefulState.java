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
   * Applies {@code function} to each record, as {@link #apply(StateFunction)}, and calls {@code
   * onTimer} when a key's timer fires (in event time, or with {@link
   * StatefulOutput#timersOnWallClock()} wall-clock time): {@code function} (and {@code onTimer})
   * set a key's timer with {@link dev.flows.StateUpdate#withTimer} or {@link
   * dev.flows.StateUpdate#withTimerIn}. Timers are kept with the key's row, survive restarts and
   * fire effectively once (docs/semantics.md, "Timers").
   *
   * @throws dev.flows.FlowDefinitionException on a windowed flow (its windows close on their own)
   */
  <O> StatefulOutput<K, O> apply(
      StateFunction<? super K, ? super V, S, O> function, TimerFunction<? super K, S, O> onTimer);

  /**
   * Applies {@code function} to each record, seen as a {@link dev.flows.Message} (its topic,
   * partition, offset, timestamp and headers), and its persistence id's state. Its outputs are
   * messages: each carries its own key, headers and timestamp (by default the input's), stored with
   * the state change and re-emitted as they are after a crash.
   */
  <O> StatefulOutput<K, O> applyMessage(MessageStateFunction<K, ? super V, S, O> function);

  /**
   * Applies {@code function} to each record seen as a message, as {@link
   * #applyMessage(MessageStateFunction)}, and calls {@code onTimer} when a key's timer fires, as
   * {@link #apply(StateFunction, TimerFunction)}: the message's timestamp is what a timer is
   * usually set from.
   *
   * @throws dev.flows.FlowDefinitionException on a windowed flow
   */
  <O> StatefulOutput<K, O> applyMessage(
      MessageStateFunction<K, ? super V, S, O> function, TimerFunction<? super K, S, O> onTimer);
}
