package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.FlowKind;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.runtime.FlowRuntime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Opens only what the selected flows need (state store, table sink, task queue), attaches it to a
 * runtime builder, and closes it all, last opened first. One place for the launcher and the demo.
 */
final class Wiring implements AutoCloseable {
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** What to open, when a flow needs it. */
  record Sources(
      Supplier<PostgresStateStore> stateStore,
      Supplier<PostgresTableSink> tableSink,
      Supplier<RabbitTaskQueue> taskQueue) {}

  FlowRuntime.Builder attach(FlowRuntime.Builder builder, List<Flow> flows, Sources sources) {
    FlowRuntime.Builder wired = builder;
    if (flows.stream().anyMatch(f -> f.kind() == FlowKind.STATEFUL)) {
      wired = wired.stateStore(open(sources.stateStore()));
    }
    if (flows.stream().anyMatch(f -> f.kind() == FlowKind.MATERIALISE)) {
      wired = wired.tableSink(open(sources.tableSink()));
    }
    if (usesQueues(flows)) {
      wired = wired.taskQueue(open(sources.taskQueue()));
    }
    return wired;
  }

  static boolean usesQueues(List<Flow> flows) {
    return flows.stream().anyMatch(f -> !f.inputQueues().isEmpty() || !f.outputQueues().isEmpty());
  }

  private <T extends AutoCloseable> T open(Supplier<T> source) {
    T resource = source.get();
    opened.push(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
  }
}
