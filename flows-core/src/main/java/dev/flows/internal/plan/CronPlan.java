package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.dsl.ValueSupplier;
import dev.flows.format.Format;
import dev.flows.internal.cron.Schedule;
import dev.flows.internal.lineage.LineageGraph;
import java.util.List;

/** A cron flow: on its schedule, produce a value and publish it to one queue or one topic. */
public final class CronPlan extends Plan {
  private final Schedule schedule;
  private final ValueSupplier<?> supplier;
  private final Queue<?> queue;
  private final Format<?> format;
  private final String destination;

  CronPlan(
      String name,
      FlowOptions options,
      Schedule schedule,
      ValueSupplier<?> supplier,
      Queue<?> queue,
      Topic<?, ?> topic) {
    super(name, FlowKind.CRON, options, List.of(), topic == null ? List.of() : List.of(topic));
    this.schedule = schedule;
    this.supplier = supplier;
    this.queue = queue;
    this.format = queue != null ? queue.valueFormat() : topic.valueFormat();
    this.destination = queue != null ? queue.name() : topic.name();
  }

  /** When it fires. */
  public Schedule schedule() {
    return schedule;
  }

  /** Whether values go to a task queue (else to a topic). */
  public boolean toQueue() {
    return queue != null;
  }

  /** The queue or topic name. */
  public String destination() {
    return destination;
  }

  /** Produces the value of one firing: the caller is the one place that calls user code. */
  public Object produce() throws Exception {
    return supplier.get();
  }

  /** Encodes a value with the destination's value format. */
  public byte[] encode(Object value) {
    return Codec.encode(format, value);
  }

  @Override
  public List<Queue<?>> outputQueues() {
    return queue == null ? List.of() : List.of(queue);
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.cron(this);
  }

  /** Its schedule, its input. */
  @Override
  void addOwnLineage(LineageGraph graph, String step) {
    graph.edge(graph.schedule(name(), schedule.toString()), step, EdgeKind.INPUT);
  }

  @Override
  List<String> stepLabels() {
    return List.of("schedule " + schedule + " (UTC)", "produce");
  }

  /** A firing that keeps failing is logged and skipped: there is no record to dead-letter. */
  @Override
  boolean deadLetters() {
    return false;
  }

  @Override
  List<String> closingLabels() {
    return List.of(
        "a failed firing is logged and skipped (no dead letters)",
        "options attempts=" + options().errorPolicy().maxAttempts());
  }
}
