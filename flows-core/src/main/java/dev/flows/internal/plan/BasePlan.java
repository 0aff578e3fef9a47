package dev.flows.internal.plan;

import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowDescription;
import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Topic;
import java.util.List;

/** What every plan has: name, kind, options, inputs and outputs, and its description. */
abstract class BasePlan implements Flow {
  private final String name;
  private final FlowKind kind;
  private final FlowOptions options;
  private final List<Topic<?, ?>> inputs;
  private final List<Topic<?, ?>> outputs;

  BasePlan(
      String name,
      FlowKind kind,
      FlowOptions options,
      List<Topic<?, ?>> inputs,
      List<Topic<?, ?>> outputs) {
    this.name = name;
    this.kind = kind;
    this.options = options;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  /** The labels of the steps between inputs and outputs, in order, for descriptions. */
  abstract List<String> stepLabels();

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
