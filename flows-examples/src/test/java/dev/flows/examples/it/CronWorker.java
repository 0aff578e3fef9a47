package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;

/**
 * A replica of {@link CronReplicasIT}'s cron flow in a child JVM, which the test kills with
 * SIGKILL. Arguments: flow name, ticks topic, bootstrap servers, JDBC URL, user ({@code -} for
 * none); the database password, if any, comes in {@code FLOWS_IT_PG_PASSWORD}.
 */
public final class CronWorker {
  private CronWorker() {}

  public static void main(String[] args) {
    String user = args[4].equals("-") ? null : args[4];
    try (PostgresStateStore store =
        PostgresStateStore.create(args[3], user, System.getenv("FLOWS_IT_PG_PASSWORD"))) {
      FlowRuntime.builder(CronReplicasIT.cron(args[0], topic(args[1], string(), string())))
          .connector(KafkaConnector.create(args[2]))
          .stateStore(store)
          .build()
          .runUntilShutdown();
    }
  }
}
