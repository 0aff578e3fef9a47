package dev.flows.dsl;

import dev.flows.StateSpec;
import dev.flows.Windowed;

/**
 * A stateful flow's input in event-time sessions, before its state is chosen: the state is kept per
 * key and session, and the state function sees the key as a {@link Windowed} one spanning the
 * session.
 *
 * @param <K> the record key type
 * @param <V> the value type
 */
public interface SessionSource<K, V> {

  /** Takes each record's event time from {@code extractor} instead of the record's timestamp. */
  SessionSource<K, V> timestampFrom(TimestampExtractor<? super K, ? super V> extractor);

  /**
   * The state kept per key and session, all of a key's sessions in one row (persistence id: the
   * key's). {@code merger} joins two sessions a record brings together. The retention defaults to
   * the gap plus grace; a shorter one is refused.
   *
   * @throws dev.flows.FlowDefinitionException if {@code spec}'s retention is shorter than gap plus
   *     grace
   */
  <S> StatefulState<Windowed<K>, V, S> state(StateSpec<S> spec, SessionMerger<? super K, S> merger);
}
