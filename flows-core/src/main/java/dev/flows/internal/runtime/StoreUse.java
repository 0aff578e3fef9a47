package dev.flows.internal.runtime;

import java.util.List;

/**
 * Which database a flow's engine uses and how many of its connections the flow holds at once,
 * decided where it is wired ({@link FlowWiring}): one, since its batches, claims and topic checks
 * run on one thread, one after another (its key lanes run only its functions, never a statement);
 * two for a materialise flow whose table's deleted markers are purged beside its batches, on a
 * thread of its own ({@link MarkerPurger}), and for a stateful flow whose state has a retention
 * ({@link RowPurger}).
 */
public enum StoreUse {
  /** No database. */
  NONE,
  /** The state store: stateful flows, a join's merge step (topic checks), cron flows' claims. */
  STATE_STORE,
  /**
   * The state store, twice at once: a stateful flow's batches and the purge of its expired rows
   * beside them.
   */
  STATE_STORE_AND_PURGE,
  /** The table sink: materialise flows whose table is not versioned (or in the test driver). */
  TABLE_SINK,
  /**
   * The table sink, twice at once: a materialise flow's batches and the purge of its versioned
   * table's deleted markers beside them.
   */
  TABLE_SINK_AND_PURGE;

  /** Whether it uses the state store. */
  public boolean stateStore() {
    return this == STATE_STORE || this == STATE_STORE_AND_PURGE;
  }

  /** Whether it uses the table sink. */
  public boolean tableSink() {
    return this == TABLE_SINK || this == TABLE_SINK_AND_PURGE;
  }

  /**
   * What holds one of its connections at once, by name, for a reservation: {@code flow}, and {@code
   * <flow> (marker purge)} or {@code <flow> (row purge)} beside it; none without a database.
   */
  public List<String> holders(String flow) {
    return switch (this) {
      case NONE -> List.of();
      case STATE_STORE, TABLE_SINK -> List.of(flow);
      case TABLE_SINK_AND_PURGE -> List.of(flow, flow + " (marker purge)");
      case STATE_STORE_AND_PURGE -> List.of(flow, flow + " (row purge)");
    };
  }
}
