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
 * Runs a {@link KilledFlow} in a child JVM configured from the environment as a container is, for
 * the windowed, session and timer kill tests. Arguments: the flow's class name and its run id.
 */
public final class KillWorker {
  private KillWorker() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    KilledFlow killed =
        (KilledFlow)
            Class.forName(args[0]).getDeclaredConstructor(String.class).newInstance(args[1]);
    FlowsConfig config = FlowsConfig.fromEnv();
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowRuntime.builder(killed.flow())
          .connector(KafkaConnector.create(config))
          .stateStore(store)
          .drainTimeout(CountWorker.DRAIN_TIMEOUT)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * Starts a worker of {@code flow} as static member {@code instance}, so a restarted worker takes
   * the partitions back at once and its transactional producer fences the killed one's.
   */
  static ChildJvm start(KilledFlow flow, TestKafka kafka, TestPostgres postgres, String instance) {
    Map<String, String> env = WorkerEnv.of(kafka, postgres, Map.of("FLOWS_INSTANCE_ID", instance));
    return ChildJvm.start(KillWorker.class, env, flow.getClass().getName(), flow.run());
  }
}
