package dev.flows.examples.it;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a {@link CountFlow} in a child JVM for the fault tests, which kill it with SIGKILL, freeze
 * it with SIGSTOP, stop it with SIGTERM and restart it. Static membership ({@code
 * group.instance.id}) lets a restarted worker take its partitions back at once.
 *
 * <p>Arguments: run id, bootstrap servers, JDBC URL, user ({@code -} for none), group instance id.
 * The database password, if any, comes in {@code FLOWS_IT_PG_PASSWORD}. With {@link #BLOCK_ON} set,
 * the record with that value waits for a line on stdin.
 */
public final class CountWorker {
  /** The environment variable naming the value of the record that waits for a line on stdin. */
  static final String BLOCK_ON = "FLOWS_IT_BLOCK_ON";

  /** The environment variable that, set to {@code true}, runs the merged count. */
  static final String MERGED = "FLOWS_IT_MERGED";

  /** The environment variable holding the count's concurrency. */
  static final String CONCURRENCY = "FLOWS_IT_CONCURRENCY";

  /** How long a stop waits for the current batch. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private CountWorker() {}

  public static void main(String[] args) {
    CountFlow count =
        new CountFlow(
            args[0],
            Boolean.parseBoolean(System.getenv(MERGED)),
            Integer.parseInt(System.getenv(CONCURRENCY)));
    KafkaConnector kafka =
        KafkaConnector.create(args[1])
            .withProperty("group.instance.id", args[4])
            .withProperty("session.timeout.ms", 6_000)
            .withProperty("heartbeat.interval.ms", 1_000);
    String user = args[3].equals("-") ? null : args[3];
    try (PostgresStateStore store =
        PostgresStateStore.create(args[2], user, System.getenv("FLOWS_IT_PG_PASSWORD"))) {
      FlowRuntime.builder(count.flow(System.getenv(BLOCK_ON)))
          .connector(kafka)
          .stateStore(store)
          .drainTimeout(DRAIN_TIMEOUT)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * Starts a worker of {@code count} as group member {@code instance}, with {@code env} added to
   * its environment (e.g. {@link #BLOCK_ON}).
   */
  static ChildJvm start(
      CountFlow count,
      TestKafka kafka,
      TestPostgres postgres,
      String instance,
      Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put(MERGED, Boolean.toString(count.merged()));
    all.put(CONCURRENCY, Integer.toString(count.concurrency()));
    if (postgres.password() != null) {
      all.put("FLOWS_IT_PG_PASSWORD", postgres.password());
    }
    return ChildJvm.start(
        CountWorker.class,
        all,
        count.run(),
        kafka.bootstrapServers(),
        postgres.jdbcUrl(),
        postgres.user() == null ? "-" : postgres.user(),
        instance);
  }
}
