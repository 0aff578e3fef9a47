package dev.flows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a state function decided for one record: the new state (or keep, or delete) and the outputs
 * to publish: values keyed by the input record's key, or, from a {@link
 * dev.flows.dsl.MessageStateFunction}, {@link Message}s carrying their own key, headers and
 * timestamp. Immutable.
 *
 * @param action what happens to the state
 * @param state the new state for {@link Action#SET}, otherwise {@code null}
 * @param outputs the values to publish, in order
 * @param timer what happens to the key's timer: {@code null} leaves it as it was (only flows built
 *     with a {@link dev.flows.dsl.TimerFunction} have timers)
 * @param <S> the state type
 * @param <O> the output value type
 */
public record StateUpdate<S, O>(Action action, S state, List<O> outputs, Timer timer) {

  /** What happens to the stored state. */
  public enum Action {
    /** The state stays as it was. */
    KEEP,
    /** The state is replaced. */
    SET,
    /** The state is removed; the next record of the key starts from the initial state. */
    DELETE
  }

  /**
   * A key's event-time timer after an update: it fires once the stream time of the key's input
   * partition reaches {@code at}; {@code at} {@code null} means no timer (the update cancels it).
   *
   * @param at when it fires, or {@code null}
   */
  public record Timer(Instant at) {
    /** No timer: an update with it cancels the key's timer. */
    public static final Timer NONE = new Timer(null);
  }

  /** An update leaving the key's timer as it was. */
  public StateUpdate(Action action, S state, List<O> outputs) {
    this(action, state, outputs, null);
  }

  /** Copies the outputs; a set needs a state. */
  public StateUpdate {
    Objects.requireNonNull(action, "action");
    if (action == Action.SET) {
      Objects.requireNonNull(state, "state of StateUpdate.set");
    }
    outputs = List.copyOf(outputs);
  }

  /** Keeps the state; publishes nothing. */
  public static <S, O> StateUpdate<S, O> keep() {
    return new StateUpdate<>(Action.KEEP, null, List.of());
  }

  /** Replaces the state; publishes nothing. */
  public static <S, O> StateUpdate<S, O> set(S state) {
    return new StateUpdate<>(Action.SET, state, List.of());
  }

  /** Replaces the state and publishes one output. */
  public static <S, O> StateUpdate<S, O> set(S state, O output) {
    return new StateUpdate<>(Action.SET, state, List.of(output));
  }

  /** Keeps the state and publishes one output. */
  public static <S, O> StateUpdate<S, O> emit(O output) {
    return new StateUpdate<>(Action.KEEP, null, List.of(output));
  }

  /** Deletes the state; publishes nothing. */
  public static <S, O> StateUpdate<S, O> delete() {
    return new StateUpdate<>(Action.DELETE, null, List.of());
  }

  /** A copy publishing one more output. */
  public StateUpdate<S, O> andEmit(O output) {
    List<O> more = new ArrayList<>(outputs);
    more.add(output);
    return new StateUpdate<>(action, state, more, timer);
  }

  /**
   * A copy that sets the key's timer to fire at event time {@code at}, replacing any earlier one (a
   * key has at most one timer). The flow calls its {@link dev.flows.dsl.TimerFunction} then.
   */
  public StateUpdate<S, O> withTimer(Instant at) {
    return new StateUpdate<>(action, state, outputs, new Timer(Objects.requireNonNull(at, "at")));
  }

  /** A copy that cancels the key's timer. */
  public StateUpdate<S, O> withoutTimer() {
    return new StateUpdate<>(action, state, outputs, Timer.NONE);
  }
}
