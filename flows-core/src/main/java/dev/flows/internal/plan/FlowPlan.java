package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.dsl.BatchFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * A stateless plan plus its compiled pipeline. The runtime and the test driver reach the pipeline
 * through this type; users only see {@link dev.flows.Flow}.
 */
public final class FlowPlan extends BasePlan {
  private final BatchFunction<Object, Object, Object, Object> batchFunction;
  private final List<Step> steps;
  private final Node pipeline;
  private final List<dev.flows.Queue<?>> queues;

  FlowPlan(Draft draft, Terminal terminal) {
    super(draft.name(), FlowKind.STATELESS, draft.options(), draft.inputs(), terminal.topics());
    this.queues = List.copyOf(terminal.queues());
    this.batchFunction = draft.batchFunction();
    this.steps = List.copyOf(draft.steps());
    this.pipeline = compile(steps, terminal.node());
  }

  private static Node compile(List<Step> steps, Node terminal) {
    Node node = terminal;
    for (int i = steps.size() - 1; i >= 0; i--) {
      node = steps.get(i).wrap().apply(node);
    }
    return node;
  }

  /**
   * The per-record pipeline, from the first step after the source (or batch function) to the
   * topics.
   */
  public Node pipeline() {
    return pipeline;
  }

  /** The whole-batch function, or {@code null} when the flow has none. */
  public BatchFunction<Object, Object, Object, Object> batchFunction() {
    return batchFunction;
  }

  @Override
  public List<dev.flows.Queue<?>> outputQueues() {
    return queues;
  }

  @Override
  List<String> stepLabels() {
    List<String> labels = new ArrayList<>();
    if (batchFunction != null) {
      labels.add("batch");
    }
    steps.forEach(s -> labels.add(s.label()));
    return labels;
  }
}
