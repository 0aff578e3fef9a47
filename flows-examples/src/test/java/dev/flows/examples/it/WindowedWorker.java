package dev.flows.examples.it;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowsConfig;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.util.Map;

/**
 * Runs a {@link WindowedFinalCount} in a child JVM configured from the environment as a container
 * is, for the windowed kill test. Argument: the run id.
 */
public final class WindowedWorker {
  private WindowedWorker() {}

  public static void main(String[] args) {
    FlowsConfig config = FlowsConfig.fromEnv();
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowRuntime.builder(new WindowedFinalCount(args[0]).flow())
          .connector(KafkaConnector.create(config))
          .stateStore(store)
          .drainTimeout(CountWorker.DRAIN_TIMEOUT)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * Starts a worker of {@code count} as static member {@code instance}, so a restarted worker takes
   * the partitions back at once and its transactional producer fences the killed one's.
   */
  static ChildJvm start(
      WindowedFinalCount count, TestKafka kafka, TestPostgres postgres, String instance) {
    Map<String, String> env = WorkerEnv.of(kafka, postgres, Map.of("FLOWS_INSTANCE_ID", instance));
    return ChildJvm.start(WindowedWorker.class, env, count.run());
  }
}
