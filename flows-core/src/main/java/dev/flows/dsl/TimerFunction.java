package dev.flows.dsl;

import dev.flows.StateUpdate;
import java.time.Instant;

/**
 * Called back when a key's timer fires (a {@link StateUpdate#withTimer} or {@link
 * StateUpdate#withTimerIn} of its state function): once the stream time of the key's input
 * partition (the highest record timestamp consumed from it) reaches the timer's time, or with
 * {@link StatefulOutput#timersOnWallClock()} the runtime's clock, with or without a record. It sees
 * the key's state and decides like the state function: the next state, outputs (keyed by {@code
 * key}, stamped with {@code time}) and maybe the next timer. Called effectively once per firing:
 * its state change, outputs and the timer's end are committed together.
 *
 * @param <K> the key type
 * @param <S> the state type
 * @param <O> the output value type
 */
@FunctionalInterface
public interface TimerFunction<K, S, O> {
  /**
   * The update when the timer set at {@code time} fires for {@code key} (the key of the record
   * whose update set it), given the key's current {@code state}.
   */
  StateUpdate<S, O> onTimer(K key, S state, Instant time) throws Exception;
}
