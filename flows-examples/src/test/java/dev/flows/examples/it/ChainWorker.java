package dev.flows.examples.it;

import dev.flows.Flow;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowsConfig;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the three {@link ChainFlows} in a child JVM configured from the environment as a container
 * is ({@code FLOWS_PROCESSING_GUARANTEE}, {@code FLOWS_INSTANCE_ID}), for the kill tests. Argument:
 * the run id.
 */
public final class ChainWorker {
  private ChainWorker() {}

  public static void main(String[] args) {
    FlowsConfig config = FlowsConfig.fromEnv();
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowRuntime.builder(new ChainFlows(args[0]).flows().toArray(Flow[]::new))
          .connector(KafkaConnector.create(config))
          .stateStore(store)
          .guarantee(config.guarantee())
          .drainTimeout(CountWorker.DRAIN_TIMEOUT)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * Starts a worker of {@code chain} with {@code guarantee} ({@code exactly_once} or {@code
   * at_least_once}) as static member {@code instance}, so a restarted worker takes the partitions
   * back at once and its transactional producers fence the killed one's.
   */
  static ChildJvm start(
      ChainFlows chain, TestKafka kafka, TestPostgres postgres, String guarantee, String instance) {
    Map<String, String> env = new HashMap<>();
    env.put("FLOWS_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("FLOWS_POSTGRES_URL", postgres.jdbcUrl());
    if (postgres.user() != null) {
      env.put("FLOWS_POSTGRES_USER", postgres.user());
    }
    if (postgres.password() != null) {
      env.put("FLOWS_POSTGRES_PASSWORD", postgres.password());
    }
    env.put("FLOWS_PROCESSING_GUARANTEE", guarantee);
    env.put("FLOWS_INSTANCE_ID", instance);
    return ChildJvm.start(ChainWorker.class, env, chain.run());
  }
}
