package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.internal.plan.CollectorPlan;
import dev.flows.internal.plan.FlowPlan;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;

/** Chooses the batch handler of a plan: one place for the runtime and the test driver. */
public final class Handlers {
  private Handlers() {}

  /**
   * What a flow's handler may need.
   *
   * @param sink where outputs go
   * @param stateStore the state store, {@code null} if there is none
   * @param tableSink the table sink, {@code null} if there is none
   * @param broker describes topics for the topic checks, {@code null} to check nothing
   * @param lanes the key lanes of stateless flows
   * @param sleeper how retries wait
   * @param metrics where the flow's metrics go
   */
  public record Parts(
      Sink sink,
      StateStore stateStore,
      TableSink tableSink,
      Connector broker,
      KeyLanes lanes,
      Sleeper sleeper,
      FlowMetrics metrics) {}

  /**
   * The handler for {@code flow}; a stateful flow needs a state store, a materialise flow a table
   * sink.
   */
  public static BatchHandler forFlow(Flow flow, Parts parts) {
    if (flow instanceof MaterialisePlan materialise) {
      if (parts.tableSink() == null) {
        throw FlowDefinitionException.of(
            "tableSink",
            null,
            "is missing for materialise flow " + flow.name(),
            "call .tableSink(PostgresTableSink.create(...)) or .tableSink(InMemoryTableSink.create())");
      }
      return new GuardedHandler(
          new MaterialiseBatchProcessor(
              materialise, parts.tableSink(), parts.sink(), parts.sleeper(), parts.metrics()),
          guard(
              flow.name(),
              topics(flow),
              parts.tableSink().topics(),
              parts,
              resetOffsets(materialise.table())));
    }
    if (flow instanceof FlowPlan stateless) {
      BatchHandler handler =
          new BatchProcessor(
              stateless, parts.sink(), parts.lanes(), parts.sleeper(), parts.metrics());
      return stateless.topicRecordName() == null || parts.stateStore() == null
          ? handler
          : new GuardedHandler(
              handler,
              guard(
                  stateless.topicRecordName(),
                  topics(flow),
                  parts.stateStore().topics(),
                  parts,
                  ""));
    }
    if (flow instanceof CollectorPlan collector) {
      return new CollectorBatchProcessor(collector, parts.sink(), parts.sleeper(), parts.metrics());
    }
    StatefulPlan stateful = (StatefulPlan) flow;
    if (parts.stateStore() == null) {
      throw FlowDefinitionException.of(
          "stateStore",
          null,
          "is missing for stateful flow " + flow.name(),
          "call .stateStore(PostgresStateStore.create(...)) or InMemoryStateStore.create()");
    }
    return new StatefulBatchProcessor(
        stateful,
        parts.stateStore().table(stateful.state().table()),
        parts.sink(),
        guard(stateful.name(), stateful.guardedTopics(), parts.stateStore().topics(), parts, ""),
        parts.sleeper(),
        parts.metrics());
  }

  private static java.util.List<String> topics(Flow flow) {
    return flow.inputs().stream().map(dev.flows.Topic::name).toList();
  }

  private static TopicGuard guard(
      String name,
      java.util.List<String> topics,
      dev.flows.spi.TopicLedger ledger,
      Parts parts,
      String alsoOnRecreate) {
    return parts.broker() == null
        ? TopicGuard.NONE
        : new TopicGuard(name, topics, ledger, parts.broker(), alsoOnRecreate);
  }

  /** A versioned table's rows hold offsets of the old topic, which would refuse the new ones. */
  private static String resetOffsets(dev.flows.TableSpec table) {
    return table.versioned()
        ? "; also clear the offsets the table holds for the old topic, or the new topic's records"
            + " would be refused as older: UPDATE "
            + table.name()
            + " SET "
            + table.offsetColumn()
            + " = NULL"
        : "";
  }
}
