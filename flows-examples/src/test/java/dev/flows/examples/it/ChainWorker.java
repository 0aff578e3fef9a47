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
 * Runs one step of the {@link ChainFlows} in a child JVM configured from the environment as a
 * container is ({@code FLOWS_PROCESSING_GUARANTEE}, {@code FLOWS_INSTANCE_ID}), for the kill tests.
 * Arguments: the run id, the step (0: tag, 1: count, 2: done).
 */
public final class ChainWorker {
  /** The environment variable naming the value the tag step waits on (see {@link ChainFlows}). */
  static final String BLOCK_ON = "FLOWS_IT_BLOCK_ON";

  private ChainWorker() {}

  public static void main(String[] args) {
    FlowsConfig config = FlowsConfig.fromEnv();
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowRuntime.builder(
              new ChainFlows(args[0]).flows(System.getenv(BLOCK_ON)).get(Integer.parseInt(args[1])))
          .connector(KafkaConnector.create(config))
          .stateStore(store)
          .guarantee(config.guarantee())
          .drainTimeout(CountWorker.DRAIN_TIMEOUT)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * Starts a worker of step {@code step} of {@code chain} with {@code guarantee} ({@code
   * exactly_once} or {@code at_least_once}) as static member {@code instance}, so a restarted
   * worker takes the partitions back at once and its transactional producer fences the killed
   * one's; with {@code extraEnv} added to its environment (e.g. {@link #BLOCK_ON}).
   */
  static ChildJvm start(
      ChainFlows chain,
      int step,
      TestKafka kafka,
      TestPostgres postgres,
      String guarantee,
      String instance,
      Map<String, String> extraEnv) {
    Map<String, String> env = WorkerEnv.of(kafka, postgres, extraEnv);
    env.put("FLOWS_PROCESSING_GUARANTEE", guarantee);
    env.put("FLOWS_INSTANCE_ID", instance);
    return ChildJvm.start(ChainWorker.class, env, chain.run(), Integer.toString(step));
  }
}
