package dev.flows;

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
 * @param <S> the state type
 * @param <O> the output value type
 */
public record StateUpdate<S, O>(Action action, S state, List<O> outputs) {

  /** What happens to the stored state. */
  public enum Action {
    /** The state stays as it was. */
    KEEP,
    /** The state is replaced. */
    SET,
    /** The state is removed; the next record of the key starts from the initial state. */
    DELETE
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
    return new StateUpdate<>(action, state, more);
  }
}
