package dev.flows.dsl;

import dev.flows.StateSpec;

/** A join with its intermediate topic: choose the shared state. */
public interface JoinVia {
  /** The state all sources update, one row per persistence id. */
  <S> JoinState<S> state(StateSpec<S> spec);
}
