package dev.flows.bench;

import java.util.Arrays;

/**
 * The entry point of a contender's JVM: {@code ChildMain <contender> name=value...}. Runs the
 * contender until the parent kills the process; the parent measures from outside.
 */
public final class ChildMain {
  private ChildMain() {}

  /** Runs the contender named by {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Params p = Params.parse(Arrays.asList(args).subList(1, args.length));
    switch (args[0]) {
      case "flows-map" -> FlowsContender.stateless(p);
      case "flows-count" -> FlowsContender.count(p);
      case "flows-windowed-count" -> FlowsContender.windowedCount(p);
      case "flows-session-count" -> FlowsContender.sessionCount(p);
      case "flows-recovery" -> FlowsContender.recovering(p);
      case "flows-materialise" -> FlowsContender.materialise(p);
      case "copy-rows" -> CopyContender.copy(p);
      case "flows-slow" -> FlowsContender.ioBound(p);
      case "flows-task" -> FlowsContender.task(p);
      case "streams-map" -> StreamsContender.stateless(p);
      case "streams-count" -> StreamsContender.count(p);
      case "streams-windowed-count" -> StreamsContender.windowedCount(p);
      case "streams-session-count" -> StreamsContender.sessionCount(p);
      case "streams-recovery" -> StreamsRecovery.run(p);
      case "raw-map" -> RawKafkaContender.stateless(p);
      case "raw-amqp" -> RawAmqpContender.consume(p);
      default -> throw new IllegalArgumentException("unknown contender " + args[0]);
    }
  }

  /** Blocks the main thread until the parent ends the process. */
  static void awaitKill() {
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
