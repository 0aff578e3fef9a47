package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.Queue;
import dev.flows.dsl.BatchFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * A stateless plan plus its compiled pipeline. The runtime and the test driver reach the pipeline
 * through this type; users only see {@link dev.flows.Flow}.
 */
public final class StatelessPlan extends Plan {
  private final BatchFunction<Object, Object, Object, Object> batchFunction;
  private final List<Step> steps;
  private final Node pipeline;
  private final List<Queue<?>> queues;

  private final String topicRecordName;

  StatelessPlan(Draft draft, Terminal terminal) {
    this(draft, terminal, null);
  }

  /**
   * A plan whose input topics are checked against the store's record kept as {@code
   * topicRecordName} (a join's merge step: its sources, recorded under the join's name).
   */
  StatelessPlan(Draft draft, Terminal terminal, String topicRecordName) {
    super(draft.name(), FlowKind.STATELESS, draft.options(), draft.inputs(), terminal.topics());
    if (topicRecordName != null && draft.options().errorPolicy().retryTopic()) {
      throw RetryInput.refused(name(), "is not supported by the join merge step");
    }
    this.topicRecordName = topicRecordName;
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
   * The name under which the store records this flow's input topics, when they are checked at
   * assignments (a join's merge step); {@code null} for plain stateless flows, which store nothing.
   */
  public String topicRecordName() {
    return topicRecordName;
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
  public List<Queue<?>> outputQueues() {
    return queues;
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.stateless(this);
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
