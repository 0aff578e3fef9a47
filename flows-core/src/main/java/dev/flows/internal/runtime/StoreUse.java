package dev.flows.internal.runtime;

/**
 * Which database a flow's engine uses, decided where it is wired ({@link FlowWiring}): a flow holds
 * at most one connection of it at a time, since its batches, claims and topic checks run on one
 * thread, one after another (its key lanes run only its functions, never a statement).
 */
public enum StoreUse {
  /** No database. */
  NONE,
  /** The state store: stateful flows, a join's merge step (topic checks), cron flows' claims. */
  STATE_STORE,
  /** The table sink: materialise flows. */
  TABLE_SINK
}
