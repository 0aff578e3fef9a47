package dev.flows.dsl;

import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.Topic;
import dev.flows.Windows;

/**
 * The input of a stateful flow, before its state is chosen.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface StatefulSource<K, V> {

  /** Also reads {@code other}. */
  StatefulSource<K, V> merge(Topic<K, V> other);

  /** Keys state by {@code id} instead of by the record key (the default: the key's string form). */
  StatefulSource<K, V> stateKey(KeyValueMapper<? super K, ? super V, String> id);

  /**
   * Keeps state per key and event-time window instead of per key: each record updates every window
   * it falls in, and outputs are keyed by {@link dev.flows.Windowed} keys.
   */
  WindowedSource<K, V> windowedBy(Windows windows);

  /**
   * Keeps state per key and event-time session instead of per key: records of a key closer than the
   * gap share a session, and outputs are keyed by {@link dev.flows.Windowed} keys spanning it.
   */
  SessionSource<K, V> windowedBy(SessionWindows sessions);

  /** The state kept per key. */
  <S> StatefulState<K, V, S> state(StateSpec<S> spec);
}
