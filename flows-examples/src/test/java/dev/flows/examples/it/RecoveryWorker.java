package dev.flows.examples.it;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowsConfig;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.RecoveryMarks;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.util.Map;

/**
 * Runs a {@link CountFlow} in a child JVM configured the way a container is, from the environment
 * ({@link FlowsConfig#fromEnv()}, {@link KafkaConnector#create(FlowsConfig)}, as {@code FlowsMain}
 * and the examples' launcher do), and prints {@link RecoveryMarks} so the recovery tests can time
 * its start, its partitions and its first output. Argument: the run id of the count.
 */
public final class RecoveryWorker {
  private RecoveryWorker() {}

  public static void main(String[] args) {
    FlowsConfig config = FlowsConfig.fromEnv();
    CountFlow count = new CountFlow(args[0]);
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowRuntime.builder(count.flow(null))
          .connector(RecoveryMarks.around(KafkaConnector.create(config)))
          .stateStore(store)
          .drainTimeout(CountWorker.DRAIN_TIMEOUT)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * Starts a worker of {@code count} on the test's Kafka and PostgreSQL, with {@code env} added to
   * its environment (e.g. {@code FLOWS_INSTANCE_ID}).
   */
  static ChildJvm start(
      CountFlow count, TestKafka kafka, TestPostgres postgres, Map<String, String> env) {
    return ChildJvm.start(RecoveryWorker.class, WorkerEnv.of(kafka, postgres, env), count.run());
  }
}
