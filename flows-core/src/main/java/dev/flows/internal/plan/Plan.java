package dev.flows.internal.plan;

import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowDescription;
import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Guarantee;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Topic;
import dev.flows.internal.lineage.LineageGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every plan has: name, kind, options, inputs and outputs, and its description. The kinds are
 * a closed set: what varies by kind is decided by a {@link PlanVisitor} (one exhaustive method per
 * kind), or by a method of the plan itself.
 */
public abstract sealed class Plan implements Flow
    permits StatelessPlan,
        StatefulPlan,
        CollectorPlan,
        MaterialisePlan,
        TaskPlan,
        CronPlan,
        HttpPlan {
  private final String name;
  private final FlowKind kind;
  private final FlowOptions options;
  private final List<Topic<?, ?>> inputs;
  private final List<Topic<?, ?>> outputs;

  Plan(
      String name,
      FlowKind kind,
      FlowOptions options,
      List<Topic<?, ?>> inputs,
      List<Topic<?, ?>> outputs) {
    this.name = name;
    this.kind = kind;
    this.options = options;
    this.inputs = List.copyOf(RetryInput.inputs(name, kind, options, inputs));
    this.outputs = List.copyOf(outputs);
  }

  /** Hands this plan to the method of {@code visitor} for its kind. */
  public abstract <R> R accept(PlanVisitor<R> visitor);

  /** The labels of the steps between inputs and outputs, in order, for descriptions. */
  abstract List<String> stepLabels();

  /**
   * Why this flow cannot be {@linkplain Guarantee#EXACTLY_ONCE exactly-once}, or {@code null} if it
   * can: the one place that decides.
   */
  public String exactlyOnceRefusal() {
    if (inputs.isEmpty()) {
      return "a "
          + kind.name().toLowerCase(Locale.ROOT)
          + " flow does not read Kafka, so there are no offsets to commit in a transaction";
    }
    if (!outputQueues().isEmpty()) {
      return "it writes to a task queue, and RabbitMQ cannot take part in a Kafka transaction";
    }
    return null;
  }

  /**
   * Adds this flow to {@code graph}: what it reads, its step, what it writes, where its dead
   * letters go, and the re-drive of its dead letters to its retry topic if it reads one. The
   * lineage's counterpart of {@link #describe()}, from the same parts.
   */
  public final void addTo(LineageGraph graph) {
    List<String> sources = new ArrayList<>();
    inputs.forEach(t -> sources.add(graph.topic(t.name())));
    inputQueues().forEach(q -> sources.add(graph.queue(q.name())));
    String step = graph.step(name, kind);
    sources.forEach(source -> graph.edge(source, step, EdgeKind.INPUT));
    addOwnLineage(graph, step);
    outputs.forEach(t -> graph.edge(step, graph.topic(t.name()), EdgeKind.OUTPUT));
    outputQueues().forEach(q -> graph.edge(step, graph.queue(q.name()), EdgeKind.OUTPUT));
    if (deadLetters()) {
      graph.edge(step, deadLetterNode(graph), EdgeKind.DEAD_LETTERS);
    }
    RetryInput.addRedrive(this, graph);
  }

  /** What this kind adds to the lineage besides topics and queues: a table, a route, a schedule. */
  void addOwnLineage(LineageGraph graph, String step) {}

  /** The node its dead letters go to: the dead-letter topic (a task flow: its queue's). */
  String deadLetterNode(LineageGraph graph) {
    return graph.topic(deadLetterTopic());
  }

  /** Where records come from besides topics and queues, as the description prints it. */
  List<String> otherSources() {
    return List.of();
  }

  /** Whether failed records go to a dead-letter topic (not so where errors answer a client). */
  boolean deadLetters() {
    return true;
  }

  /** The description's last lines: dead letters and options. */
  List<String> closingLabels() {
    return List.of("dead letters to " + deadLetterTopic(), "options " + Describer.options(options));
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final FlowKind kind() {
    return kind;
  }

  @Override
  public final List<Topic<?, ?>> inputs() {
    return inputs;
  }

  @Override
  public final List<Topic<?, ?>> outputs() {
    return outputs;
  }

  /**
   * {@code <flow-name>.dlq} or the policy's topic; a task flow overrides it with its dead-letter
   * queue.
   */
  @Override
  public String deadLetterTopic() {
    String configured = options.errorPolicy().deadLetterTopic();
    return configured != null ? configured : name + ErrorPolicy.DEAD_LETTER_SUFFIX;
  }

  @Override
  public final FlowOptions options() {
    return options;
  }

  @Override
  public final FlowDescription describe() {
    return Describer.describe(this);
  }

  @Override
  public final String toString() {
    return describe().text();
  }
}
