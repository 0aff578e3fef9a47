package dev.flows.internal.plan;

import dev.flows.ErrorPolicy;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Topic;
import dev.flows.internal.lineage.LineageGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The retry topic a flow reads when its error policy {@linkplain ErrorPolicy#withRetryTopic() opts
 * in}: decided here, once, for every kind. Only stateless flows may: their records need no state
 * and no checked topic list, so a re-driven record is processed exactly like an input record.
 */
final class RetryInput {
  private RetryInput() {}

  /** {@code inputs}, plus {@code <name>.retry} with the first input's formats if opted in. */
  static List<Topic<?, ?>> inputs(
      String name, FlowKind kind, FlowOptions options, List<Topic<?, ?>> inputs) {
    if (options == null || !options.errorPolicy().retryTopic()) {
      return inputs;
    }
    if (kind != FlowKind.STATELESS || inputs.isEmpty()) {
      throw refused(
          name, "is not supported by the " + kind.name().toLowerCase(Locale.ROOT) + " flow");
    }
    Topic<?, ?> first = inputs.get(0);
    for (Topic<?, ?> input : inputs) {
      if (!sameFormats(first, input)) {
        throw refused(
            name,
            "needs inputs of one format, but " + first + " and " + input + " differ, in the flow");
      }
    }
    List<Topic<?, ?>> more = new ArrayList<>(inputs);
    more.add(retryTopic(topicName(name), first));
    return more;
  }

  /** The edge from the plan's dead-letter topic to its retry topic, if it reads one. */
  static void addRedrive(Plan plan, LineageGraph graph) {
    if (plan.options().errorPolicy().retryTopic()) {
      graph.edge(
          graph.topic(plan.deadLetterTopic()),
          graph.topic(topicName(plan.name())),
          EdgeKind.REDRIVE);
    }
  }

  private static String topicName(String flow) {
    return flow + ErrorPolicy.RETRY_SUFFIX;
  }

  /** Refuses a join's merge step, which reads two sources of different formats. */
  static FlowDefinitionException refused(String name, String problem) {
    return FlowDefinitionException.of(
        "retryTopic",
        true,
        problem + " " + name,
        "only stateless flows (not joins) whose inputs share one format may read a retry topic:"
            + " remove withRetryTopic() from its ErrorPolicy");
  }

  private static boolean sameFormats(Topic<?, ?> a, Topic<?, ?> b) {
    return a.keyFormat().name().equals(b.keyFormat().name())
        && a.valueFormat().name().equals(b.valueFormat().name());
  }

  private static <K, V> Topic<K, V> retryTopic(String name, Topic<K, V> first) {
    return Topic.topic(name, first.keyFormat(), first.valueFormat());
  }
}
