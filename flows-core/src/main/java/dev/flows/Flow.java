package dev.flows;

import java.util.List;

/**
 * An immutable flow plan: what to read, what to do and where to write. Building a flow touches no
 * network; the same flow runs in production ({@link dev.flows.runtime.FlowRuntime}), in the
 * in-memory {@link dev.flows.testing.FlowTestDriver} and in benchmarks. Built by {@link Flows}.
 */
public interface Flow {

  /** The validated flow name ({@code app-domain-function}): consumer group and metrics tag. */
  String name();

  /** The kind of step. */
  FlowKind kind();

  /** The topics it reads. */
  List<Topic<?, ?>> inputs();

  /** The topics it writes, without the dead-letter topic. */
  List<Topic<?, ?>> outputs();

  /** The topic dead letters go to. */
  String deadLetterTopic();

  /** Batching, concurrency and error handling. */
  FlowOptions options();

  /** The plan in words and as a Mermaid diagram. */
  FlowDescription describe();

  /** The task queues it consumes (a task flow's queue); empty for flows that read topics. */
  default List<Queue<?>> inputQueues() {
    return List.of();
  }

  /** The task queues it writes ({@code toQueue}); empty for most flows. */
  default List<Queue<?>> outputQueues() {
    return List.of();
  }
}
