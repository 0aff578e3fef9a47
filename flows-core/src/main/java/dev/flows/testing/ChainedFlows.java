package dev.flows.testing;

import dev.flows.Flow;
import dev.flows.Message;
import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.plan.TaskPlan;
import dev.flows.internal.runtime.Batch;
import dev.flows.internal.runtime.BatchHandler;
import dev.flows.internal.runtime.HttpIngress;
import dev.flows.internal.runtime.RowPurger;
import dev.flows.internal.runtime.TaskProcessor;
import dev.flows.internal.runtime.TestBench;
import dev.flows.spi.SourcePartition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The flows of a {@link FlowTestDriver}, registered by their engines ({@link TestBench}), and how a
 * record written anywhere reaches every flow that reads it, and what those flows write in turn.
 */
final class ChainedFlows implements TestBench {
  private final InMemorySink sink;
  private final InMemoryTaskQueue taskQueue;
  private final Map<Flow, BatchHandler> handlers = new LinkedHashMap<>();
  private final Map<TaskPlan<?>, TaskProcessor> tasks = new LinkedHashMap<>();
  private final Map<String, CronPlan> crons = new HashMap<>();
  private final Map<String, HttpIngress> ingresses = new HashMap<>();
  private final Map<Flow, RowPurger> purgers = new LinkedHashMap<>();
  private final Map<Flow, Map<SourcePartition, String>> committedMetadata = new HashMap<>();

  ChainedFlows(InMemorySink sink, InMemoryTaskQueue taskQueue) {
    this.sink = sink;
    this.taskQueue = taskQueue;
  }

  @Override
  public void batches(Flow flow, BatchHandler handler) {
    handlers.put(flow, handler);
  }

  @Override
  public void tasks(TaskPlan<?> plan, TaskProcessor processor) {
    tasks.put(plan, processor);
  }

  @Override
  public void firings(CronPlan plan) {
    crons.put(plan.name(), plan);
  }

  @Override
  public void requests(Flow flow, HttpIngress ingress) {
    ingresses.put(flow.name(), ingress);
  }

  @Override
  public void rowPurges(Flow flow, RowPurger purger) {
    purgers.put(flow, purger);
  }

  /**
   * Runs one purge round of every stateful flow whose state has a retention; every record written
   * so far has been processed, so each topic's single partition counts as committed up to its end,
   * with the metadata the flow committed last.
   */
  void purgeRows() {
    purgers.forEach(
        (flow, purger) ->
            purger.round(
                new RowPurger.Committed() {
                  @Override
                  public Map<Integer, Long> offsets(String topic) {
                    return Map.of(0, (long) sink.read(topic, 0).size());
                  }

                  @Override
                  public Map<Integer, String> metadata(String topic) {
                    String committed =
                        committedMetadata
                            .getOrDefault(flow, Map.of())
                            .get(new SourcePartition(topic, 0));
                    return committed == null ? Map.of() : Map.of(0, committed);
                  }

                  @Override
                  public int partitions(String topic) {
                    return 1;
                  }
                }));
  }

  /**
   * Tells every flow the partitions it committed metadata for are assigned, as after a restart:
   * each reads back what it committed with its offsets.
   */
  void assignCommitted() {
    handlers.forEach(
        (flow, handler) -> {
          Map<SourcePartition, String> committed = committedMetadata.getOrDefault(flow, Map.of());
          handler.assigned(
              committed.keySet(),
              partitions ->
                  committed.entrySet().stream()
                      .filter(e -> partitions.contains(e.getKey()))
                      .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        });
  }

  /** Whether a flow reads {@code topic}. */
  boolean reads(String topic) {
    return handlers.keySet().stream().anyMatch(f -> reads(f, topic));
  }

  /** The cron flow named {@code name}, {@code null} if there is none. */
  CronPlan cron(String name) {
    return crons.get(name);
  }

  /** The http flow named {@code name}'s ingress, {@code null} if there is none. */
  HttpIngress ingress(String name) {
    return ingresses.get(name);
  }

  /** The dead-letter topics of the flows that read topics. */
  List<String> deadLetterTopics() {
    return handlers.keySet().stream().map(Flow::deadLetterTopic).distinct().toList();
  }

  /**
   * Runs new tasks of {@code queue} in every task flow consuming it, then whatever their results
   * feed.
   */
  void runTasks(String queue, List<Message<byte[], byte[]>> newTasks) {
    tasks.forEach(
        (plan, processor) -> {
          if (plan.queue().name().equals(queue)) {
            for (Message<byte[], byte[]> task : newTasks) {
              Map<String, Integer> before = outputSizes(plan);
              taskQueue.runAttempts(plan.name(), task, plan.taskOptions(), processor);
              before.forEach(
                  (out, size) -> {
                    List<Message<byte[], byte[]>> written = sink.read(out, size);
                    if (!written.isEmpty()) {
                      deliver(out, written);
                    }
                  });
            }
          }
        });
  }

  /**
   * Processes a batch in every flow reading {@code topic}, then whatever those flows wrote
   * downstream.
   */
  void deliver(String topic, List<Message<byte[], byte[]>> batch) {
    for (Map.Entry<Flow, BatchHandler> entry : handlers.entrySet()) {
      if (reads(entry.getKey(), topic)) {
        process(entry.getKey(), entry.getValue(), Batch.of(batch));
      }
    }
  }

  /**
   * Runs a batch without records in every flow with wall-clock timers due on a partition it reads,
   * which fires them, then whatever those flows wrote downstream. Every record written so far was
   * processed, so each topic's single partition is idle at its end.
   */
  void tick() {
    handlers.forEach(
        (flow, handler) -> {
          Map<SourcePartition, Long> idle = new HashMap<>();
          handler.dueTicks().forEach(p -> idle.put(p, (long) sink.size(p.topic())));
          if (!idle.isEmpty()) {
            process(flow, handler, Batch.of(List.of()).withIdle(idle));
          }
        });
  }

  /** Processes {@code batch} in {@code flow}, then whatever it wrote downstream. */
  private void process(Flow flow, BatchHandler handler, Batch batch) {
    Map<String, Integer> before = outputSizes(flow);
    Map<String, Integer> queuesBefore = new LinkedHashMap<>();
    flow.outputQueues()
        .forEach(q -> queuesBefore.put(q.name(), taskQueue.read(q.name(), 0).size()));
    handler.process(batch);
    committedMetadata
        .computeIfAbsent(flow, f -> new HashMap<>())
        .putAll(batch.commitMetadata().get());
    queuesBefore.forEach((q, size) -> runTasks(q, taskQueue.read(q, size)));
    before.forEach(
        (out, size) -> {
          List<Message<byte[], byte[]>> written = sink.read(out, size);
          if (!written.isEmpty()) {
            deliver(out, written);
          }
        });
  }

  private Map<String, Integer> outputSizes(Flow flow) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    flow.outputs().forEach(t -> sizes.put(t.name(), sink.size(t.name())));
    return sizes;
  }

  private static boolean reads(Flow flow, String topic) {
    return flow.inputs().stream().anyMatch(t -> t.name().equals(topic));
  }
}
