package dev.flows.state;

import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.KeyValue;
import dev.flows.StateSpec;
import dev.flows.Windowed;
import dev.flows.internal.state.Codecs;
import dev.flows.internal.state.KeySessions;
import dev.flows.internal.state.KeyTimer;
import dev.flows.internal.state.StateCodec;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed, read-only lookups of a stateful flow's stored states by persistence id, decoded with the
 * {@link StateSpec}'s format (a state stored in an older format version is upgraded, as the flow
 * would read it). It never creates or changes anything, so another service may read a flow's states
 * with it, on the same database, with a role allowed only to read. Thread-safe.
 *
 * <pre>{@code
 * StateReader<Count> counts = store.reader(WordCount.COUNT);
 * Optional<Count> apple = counts.find("apple");
 * }</pre>
 *
 * <p>What it sees: the states committed when each call reads, all of one call's states as of one
 * moment. A state may be ahead of the outputs published so far (a flow commits a state before it
 * publishes the outputs of the same records), never behind what a committed offset covers
 * (docs/semantics.md, "Reading state").
 *
 * @param <S> the state type
 */
public final class StateReader<S> {
  private final StateStore store;
  private final StateSpec<S> spec;

  private StateReader(StateStore store, StateSpec<S> spec) {
    this.store = store;
    this.spec = spec;
  }

  /** Lookups of the states of {@code spec} kept in {@code store}. */
  public static <S> StateReader<S> of(StateStore store, StateSpec<S> spec) {
    return new StateReader<>(
        Objects.requireNonNull(store, "store"), Objects.requireNonNull(spec, "spec"));
  }

  /**
   * The state of {@code id}, if one is stored (a deleted state is not).
   *
   * @throws FormatException if the stored bytes do not decode with the spec's format
   * @throws FlowsException if the store cannot be read, or a newer format version than the spec's
   *     wrote the state
   */
  public Optional<S> find(String id) {
    return Optional.ofNullable(findAll(List.of(id)).get(id));
  }

  /**
   * The states stored for {@code ids}, in one read: ids without a state are missing from the map.
   *
   * @throws FormatException if a stored state does not decode with the spec's format
   * @throws FlowsException if the store cannot be read, or a newer format version than the spec's
   *     wrote a state
   */
  @SuppressWarnings("unchecked")
  public Map<String, S> findAll(Collection<String> ids) {
    Map<String, S> states = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return states;
    }
    Map<String, StateRow> rows = store.read(spec.table(), List.copyOf(ids));
    for (String id : ids) {
      StateRow row = rows.get(id);
      if (row != null && row.state() != null) {
        states.put(id, (S) StateCodec.decode(spec, row.stateVersion(), row.state(), id));
      }
    }
    return states;
  }

  /**
   * The sessions stored for the key {@code id} of a session-windowed flow ({@code
   * .windowedBy(SessionWindows)}), oldest first: each session's window ({@code id}, first event
   * time, last event time + 1) and state. Closed sessions are gone from it; none stored, none.
   * ({@link #find} does not read a session-windowed flow's rows: they hold a list of sessions.)
   *
   * @throws FormatException if a stored session does not decode with the spec's format
   * @throws FlowsException if the store cannot be read, or a newer format version wrote it
   */
  @SuppressWarnings("unchecked")
  public List<KeyValue<Windowed<String>, S>> sessions(String id) {
    StateRow row = store.read(spec.table(), List.of(id)).get(id);
    if (row == null || row.state() == null) {
      return List.of();
    }
    StateSpec<KeySessions> rows = KeySessions.spec(spec);
    KeySessions stored = (KeySessions) StateCodec.decode(rows, row.stateVersion(), row.state(), id);
    List<KeyValue<Windowed<String>, S>> sessions = new ArrayList<>(stored.all().size());
    for (KeySessions.Session session : stored.all()) {
      sessions.add(
          new KeyValue<>(
              new Windowed<>(id, session.start(), session.end() + 1), (S) session.state()));
    }
    return sessions;
  }

  /**
   * When the timer of {@code id} fires, if the row has one: the event time an update of a flow with
   * timers set ({@link dev.flows.StateUpdate#withTimer}), not fired yet.
   *
   * @throws FlowsException if the store cannot be read, or a newer layout wrote the row
   */
  public Optional<Instant> timer(String id) {
    StateRow row = store.read(spec.table(), List.of(id)).get(id);
    KeyTimer timer = row == null ? null : Codecs.decodeTimer(row.results());
    return timer == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(timer.at()));
  }

  @Override
  public String toString() {
    return "StateReader[" + spec.table() + "]";
  }
}
