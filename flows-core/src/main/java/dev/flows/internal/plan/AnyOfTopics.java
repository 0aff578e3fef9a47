package dev.flows.internal.plan;

import dev.flows.FlowDefinitionException;
import dev.flows.Topic;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The one check of the topics a flow ending in {@code toAnyOf} declares. */
final class AnyOfTopics {
  private AnyOfTopics() {}

  /**
   * The declared topics, in order.
   *
   * @throws FlowDefinitionException if there are none or one is named twice
   */
  static List<Topic<?, ?>> check(String flow, List<? extends Topic<?, ?>> topics) {
    Objects.requireNonNull(topics, "topics");
    if (topics.isEmpty()) {
      throw FlowDefinitionException.of(
          "toAnyOf",
          List.of(),
          "declares no topic for flow " + flow,
          "declare every topic an output may go to, or end the flow with to(topic)");
    }
    Set<String> names = new HashSet<>();
    List<Topic<?, ?>> declared = new ArrayList<>(topics.size());
    for (Topic<?, ?> topic : topics) {
      Objects.requireNonNull(topic, "topic of toAnyOf");
      if (!names.add(topic.name())) {
        throw FlowDefinitionException.of(
            "toAnyOf",
            topic.name(),
            "names a topic twice for flow " + flow,
            "declare each output topic once");
      }
      declared.add(topic);
    }
    return List.copyOf(declared);
  }
}
