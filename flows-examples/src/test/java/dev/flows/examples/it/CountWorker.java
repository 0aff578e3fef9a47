package dev.flows.examples.it;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import java.time.Duration;

/**
 * Runs a {@link CountFlow} in a child JVM for the fault tests, which kill it with SIGKILL, freeze
 * it with SIGSTOP and restart it. Static membership ({@code group.instance.id}) lets a restarted
 * worker take its partitions back at once.
 *
 * <p>Arguments: run id, bootstrap servers, JDBC URL, user ({@code -} for none), group instance id.
 * The database password, if any, comes in {@code FLOWS_IT_PG_PASSWORD}. With {@code
 * FLOWS_IT_BLOCK_ON} set, the record with that value waits for a line on stdin.
 */
public final class CountWorker {
  private CountWorker() {}

  public static void main(String[] args) {
    CountFlow count = new CountFlow(args[0]);
    KafkaConnector kafka =
        KafkaConnector.create(args[1])
            .withProperty("group.instance.id", args[4])
            .withProperty("session.timeout.ms", 6_000)
            .withProperty("heartbeat.interval.ms", 1_000);
    String user = args[3].equals("-") ? null : args[3];
    try (PostgresStateStore store =
        PostgresStateStore.create(args[2], user, System.getenv("FLOWS_IT_PG_PASSWORD"))) {
      FlowRuntime.builder(count.flow(System.getenv("FLOWS_IT_BLOCK_ON")))
          .connector(kafka)
          .stateStore(store)
          .drainTimeout(Duration.ofSeconds(10))
          .build()
          .runUntilShutdown();
    }
  }
}
