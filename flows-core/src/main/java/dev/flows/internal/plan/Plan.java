package dev.flows.internal.plan;

import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowDescription;
import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Guarantee;
import dev.flows.Topic;
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
