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

  static FlowDescription describe(Plan plan) {
    return new FlowDescription(text(plan), mermaid(plan));
  }

  private static String text(Plan plan) {
    StringBuilder out = new StringBuilder();
    out.append(plan.kind().name().toLowerCase(Locale.ROOT))
        .append(" flow ")
        .append(plan.name())
        .append('\n');
    plan.inputs().forEach(t -> out.append("  from ").append(t).append('\n'));
    plan.inputQueues().forEach(q -> out.append("  from queue ").append(q).append('\n'));
    plan.otherSources().forEach(s -> out.append("  from ").append(s).append('\n'));
    plan.stepLabels().forEach(label -> out.append("  ").append(label).append('\n'));
    plan.outputs().forEach(t -> out.append("  to ").append(t).append('\n'));
    plan.outputQueues().forEach(q -> out.append("  to queue ").append(q).append('\n'));
    plan.closingLabels().forEach(label -> out.append("  ").append(label).append('\n'));
    return out.toString();
  }

  /** The options as descriptions print them. */
  static String options(FlowOptions o) {
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
        + o.errorPolicy().onExhausted()
        + " guarantee="
        + o.guarantee().label();
  }

  private static String mermaid(Plan plan) {
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
    for (String source : plan.otherSources()) {
      lines.add("  route([\"" + source.substring(0, source.indexOf(" [")) + "\"]) --> " + first);
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
    if (plan.deadLetters()) {
      lines.add("  f -. dead letters .-> dlq[/\"" + plan.deadLetterTopic() + "\"/]");
    }
    return String.join("\n", lines) + "\n";
  }

  private static String topic(Topic<?, ?> topic) {
    return "[/\"" + topic.name() + "\"/]";
  }
}
