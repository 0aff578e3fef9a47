package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowSelection;
import dev.flows.runtime.FlowsConfig;
import java.util.List;

/**
 * The examples' launcher. With {@code FLOWS_KAFKA_BOOTSTRAP_SERVERS} set it runs the flow named by
 * {@code FLOWS_INSTANCE} (or all) until SIGTERM, as a container does; stateful flows keep state and
 * materialise flows their tables in {@code FLOWS_POSTGRES_URL}, task flows use {@code
 * FLOWS_RABBITMQ_URI}, the HTTP adapter answers on {@code FLOWS_HTTP_PORT}. Without it, it runs the
 * embedded demo: an in-JVM Kafka broker and an embedded PostgreSQL, sample words, every flow, and
 * prints what they produce.
 */
public final class Main {
  private Main() {}

  /** Runs the examples; see the class comment. */
  public static void main(String[] args) throws Exception {
    FlowsConfig config = FlowsConfig.fromEnv();
    if (config.kafkaBootstrapServers().isPresent()) {
      run(config, FlowSelection.select(candidates(config), config.instance()));
    } else {
      EmbeddedDemo.run(config);
    }
  }

  /** Every example; without FLOWS_RABBITMQ_URI and FLOWS_INSTANCE, the task examples stay out. */
  private static List<Flow> candidates(FlowsConfig config) {
    if (config.rabbitmqUri().isPresent() || config.instance().isPresent()) {
      return Examples.all();
    }
    System.out.println("No FLOWS_RABBITMQ_URI: running the examples without the task examples");
    return Examples.words();
  }

  private static void run(FlowsConfig config, List<Flow> selected) throws Exception {
    Wiring.Sources sources =
        new Wiring.Sources(
            () -> PostgresStateStore.create(config),
            () -> PostgresTableSink.create(config),
            () -> RabbitTaskQueue.create(config));
    try (Wiring wiring = new Wiring()) {
      FlowRuntime.Builder builder =
          FlowRuntime.builder(selected.toArray(Flow[]::new))
              .connector(KafkaConnector.create(config))
              .adminPort(config.httpPort());
      wiring.attach(builder, selected, sources).build().runUntilShutdown();
    }
  }
}
