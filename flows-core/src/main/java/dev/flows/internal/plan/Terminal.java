package dev.flows.internal.plan;

import dev.flows.Queue;
import dev.flows.Topic;
import java.util.List;

/**
 * How a flow ends: the node writing outputs and the topics it writes.
 *
 * @param node the last node of the pipeline
 * @param topics the output topics, in declaration order
 * @param queues the output task queues
 */
record Terminal(Node node, List<Topic<?, ?>> topics, List<Queue<?>> queues) {
  Terminal(Node node, List<Topic<?, ?>> topics) {
    this(node, topics, List.of());
  }
}
