package dev.flows.internal.plan;

import dev.flows.FlowDescription;
import dev.flows.FlowOptions;
import dev.flows.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints plans as text and as Mermaid. Output is deterministic so it can be kept as a golden file.
 */
final class Describer {
  private Describer() {}

  static FlowDescription describe(BasePlan plan) {
    return new FlowDescription(text(plan), mermaid(plan));
  }

  private static String text(BasePlan plan) {
    StringBuilder out = new StringBuilder();
    out.append(plan.kind().name().toLowerCase(Locale.ROOT))
        .append(" flow ")
        .append(plan.name())
        .append('\n');
    plan.inputs().forEach(t -> out.append("  from ").append(t).append('\n'));
    plan.inputQueues().forEach(q -> out.append("  from queue ").append(q).append('\n'));
    if (plan instanceof HttpPlan http) {
      out.append("  from ").append(http.route()).append('\n');
    }
    plan.stepLabels().forEach(label -> out.append("  ").append(label).append('\n'));
    plan.outputs().forEach(t -> out.append("  to ").append(t).append('\n'));
    plan.outputQueues().forEach(q -> out.append("  to queue ").append(q).append('\n'));
    if (plan
        instanceof
        HttpPlan http) { // errors are answered to the client: no dead letters, no batches
      out.append("  errors answered to the client (no dead letters)\n");
      out.append("  options maxBodyBytes=")
          .append(http.httpOptions().maxBodyBytes())
          .append(" ackTimeout=")
          .append(http.httpOptions().ackTimeout().toMillis())
          .append("ms\n");
      return out.toString();
    }
    out.append("  dead letters to ").append(plan.deadLetterTopic()).append('\n');
    out.append("  options ").append(options(plan.options())).append('\n');
    return out.toString();
  }

  private static String options(FlowOptions o) {
    return "maxRecords="
        + o.maxRecords()
        + " maxWait="
        + o.maxWait().toMillis()
        + "ms"
        + " maxPerKey="
        + o.maxPerKey()
        + " concurrency="
        + o.concurrency()
        + " attempts="
        + o.errorPolicy().maxAttempts()
        + " onExhausted="
        + o.errorPolicy().onExhausted();
  }

  private static String mermaid(BasePlan plan) {
    List<String> lines = new ArrayList<>();
    lines.add("flowchart LR");
    List<String> chain = plan.stepLabels();
    String first = chain.isEmpty() ? "f" : "s0";
    lines.add("  f[\"" + plan.name() + "\"]");
    for (int i = 0; i < plan.inputs().size(); i++) {
      lines.add("  in" + i + topic(plan.inputs().get(i)) + " --> " + first);
    }
    for (int i = 0; i < plan.inputQueues().size(); i++) {
      lines.add("  inQueue" + i + "[(\"" + plan.inputQueues().get(i).name() + "\")] --> " + first);
    }
    if (plan instanceof HttpPlan http) {
      lines.add("  route([\"POST " + http.path() + "\"]) --> " + first);
    }
    for (int i = 0; i < chain.size(); i++) {
      String next = i + 1 < chain.size() ? "s" + (i + 1) : "f";
      lines.add("  s" + i + "[\"" + chain.get(i) + "\"] --> " + next);
    }
    for (int i = 0; i < plan.outputs().size(); i++) {
      lines.add("  f --> out" + i + topic(plan.outputs().get(i)));
    }
    for (int i = 0; i < plan.outputQueues().size(); i++) {
      lines.add("  f --> queue" + i + "[(\"" + plan.outputQueues().get(i).name() + "\")]");
    }
    if (!(plan instanceof HttpPlan)) {
      lines.add("  f -. dead letters .-> dlq[/\"" + plan.deadLetterTopic() + "\"/]");
    }
    return String.join("\n", lines) + "\n";
  }

  private static String topic(Topic<?, ?> topic) {
    return "[/\"" + topic.name() + "\"/]";
  }
}
