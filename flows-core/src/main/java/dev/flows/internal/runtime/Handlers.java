package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.internal.plan.CollectorPlan;
import dev.flows.internal.plan.FlowPlan;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;

/** Chooses the batch handler of a plan: one place for the runtime and the test driver. */
public final class Handlers {
  private Handlers() {}

  /**
   * The handler for {@code flow}; a stateful flow needs {@code stateStore}, a materialise flow
   * {@code tableSink}.
   */
  public static BatchHandler forFlow(
      Flow flow,
      Sink sink,
      StateStore stateStore,
      dev.flows.spi.TableSink tableSink,
      KeyLanes lanes,
      Sleeper sleeper,
      FlowMetrics metrics) {
    if (flow instanceof dev.flows.internal.plan.MaterialisePlan materialise) {
      if (tableSink == null) {
        throw FlowDefinitionException.of(
            "tableSink",
            null,
            "is missing for materialise flow " + flow.name(),
            "call .tableSink(PostgresTableSink.create(...)) or .tableSink(InMemoryTableSink.create())");
      }
      return new MaterialiseBatchProcessor(materialise, tableSink, sink, sleeper, metrics);
    }
    return forFlow(flow, sink, stateStore, lanes, sleeper, metrics);
  }

  /** The handler for {@code flow}; a stateful flow needs {@code stateStore}. */
  public static BatchHandler forFlow(
      Flow flow,
      Sink sink,
      StateStore stateStore,
      KeyLanes lanes,
      Sleeper sleeper,
      FlowMetrics metrics) {
    if (flow instanceof FlowPlan stateless) {
      return new BatchProcessor(stateless, sink, lanes, sleeper, metrics);
    }
    if (flow instanceof CollectorPlan collector) {
      return new CollectorBatchProcessor(collector, sink, sleeper, metrics);
    }
    StatefulPlan stateful = (StatefulPlan) flow;
    if (stateStore == null) {
      throw FlowDefinitionException.of(
          "stateStore",
          null,
          "is missing for stateful flow " + flow.name(),
          "call .stateStore(PostgresStateStore.create(...)) or InMemoryStateStore.create()");
    }
    return new StatefulBatchProcessor(
        stateful, stateStore.table(stateful.state().table()), sink, sleeper, metrics);
  }
}
