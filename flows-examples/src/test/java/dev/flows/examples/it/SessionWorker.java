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
 * Runs a {@link SessionFinalCount} in a child JVM configured from the environment as a container
 * is, for the session kill test. Argument: the run id.
 */
public final class SessionWorker {
  private SessionWorker() {}

  public static void main(String[] args) {
    FlowsConfig config = FlowsConfig.fromEnv();
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowRuntime.builder(new SessionFinalCount(args[0]).flow())
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
      SessionFinalCount count, TestKafka kafka, TestPostgres postgres, String instance) {
    Map<String, String> env = WorkerEnv.of(kafka, postgres, Map.of("FLOWS_INSTANCE_ID", instance));
    return ChildJvm.start(SessionWorker.class, env, count.run());
  }
}
