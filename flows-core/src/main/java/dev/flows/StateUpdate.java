package dev.flows;

import java.time.Duration;
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
   * A key's timer after an update: it fires once the flow's timer time reaches it (the stream time
   * of the key's input partition, or with {@link dev.flows.dsl.StatefulOutput#timersOnWallClock()}
   * the wall clock); at {@code at}, or {@code in} after the update's time (see {@link
   * StateUpdate#withTimerIn}); neither means no timer (the update cancels it).
   *
   * @param at when it fires, or {@code null}
   * @param in how long after the update's time it fires, or {@code null}; not negative
   */
  public record Timer(Instant at, Duration in) {
    /** No timer: an update with it cancels the key's timer. */
    public static final Timer NONE = new Timer(null, null);

    /** A timer at {@code at} ({@code null}: none). */
    public Timer(Instant at) {
      this(at, null);
    }

    /** At most one of {@code at} and {@code in}; {@code in} not negative. */
    public Timer {
      if (at != null && in != null) {
        throw new IllegalArgumentException("a timer is at a time or in a delay, not both");
      }
      if (in != null && in.isNegative()) {
        throw new IllegalArgumentException(
            "a timer's delay must not be negative, got " + in + "; use Duration.ZERO for now");
      }
    }
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
   * A copy that sets the key's timer to fire at {@code at}, replacing any earlier one (a key has at
   * most one timer): in event time, or in wall-clock time on a flow with {@link
   * dev.flows.dsl.StatefulOutput#timersOnWallClock()}. The flow calls its {@link
   * dev.flows.dsl.TimerFunction} then.
   */
  public StateUpdate<S, O> withTimer(Instant at) {
    return new StateUpdate<>(action, state, outputs, new Timer(Objects.requireNonNull(at, "at")));
  }

  /**
   * A copy that sets the key's timer to fire {@code delay} after the update's time, replacing any
   * earlier one: after the record's timestamp in event time (after its partition's stream time for
   * a record without one), after the time the batch started in wall-clock time ({@link
   * dev.flows.dsl.StatefulOutput#timersOnWallClock()}), and from a timer function after the time of
   * the timer that fired.
   */
  public StateUpdate<S, O> withTimerIn(Duration delay) {
    return new StateUpdate<>(
        action, state, outputs, new Timer(null, Objects.requireNonNull(delay, "delay")));
  }

  /** A copy that cancels the key's timer. */
  public StateUpdate<S, O> withoutTimer() {
    return new StateUpdate<>(action, state, outputs, Timer.NONE);
  }
}
