package dev.flows.dsl;

import dev.flows.StateSpec;
import dev.flows.Windowed;

/**
 * A stateful flow's input in event-time windows, before its state is chosen: the state is kept per
 * key and window, and the state function sees the key as a {@link Windowed} one.
 *
 * @param <K> the record key type
 * @param <V> the value type
 */
public interface WindowedSource<K, V> {

  /** Takes each record's event time from {@code extractor} instead of the record's timestamp. */
  WindowedSource<K, V> timestampFrom(TimestampExtractor<? super K, ? super V> extractor);

  /**
   * The state kept per key and window (persistence id {@code <key>@<window start millis>}). Its
   * retention defaults to the windows' size plus grace; a shorter one is refused.
   *
   * @throws dev.flows.FlowDefinitionException if {@code spec}'s retention is shorter than size plus
   *     grace
   */
  <S> StatefulState<Windowed<K>, V, S> state(StateSpec<S> spec);
}
