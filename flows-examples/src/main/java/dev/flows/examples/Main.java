package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.FlowKind;
import dev.flows.kafka.FlowsMain;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowSelection;
import dev.flows.runtime.FlowsConfig;
import java.util.List;

/**
 * The examples' launcher. With {@code FLOWS_KAFKA_BOOTSTRAP_SERVERS} set it runs the flow named by
 * {@code FLOWS_INSTANCE} (or all) until SIGTERM, as a container does; stateful flows keep state in
 * {@code FLOWS_POSTGRES_URL}. Without it, it runs the embedded demo: an in-JVM Kafka broker and an
 * embedded PostgreSQL, sample words, every flow, and prints what they produce.
 */
public final class Main {
  private Main() {}

  /** Runs the examples; see the class comment. */
  public static void main(String[] args) throws Exception {
    FlowsConfig config = FlowsConfig.fromEnv();
    if (config.kafkaBootstrapServers().isPresent()) {
      List<Flow> selected = FlowSelection.select(Examples.all(), config.instance());
      if (selected.stream().anyMatch(f -> f.kind() == FlowKind.STATEFUL)) {
        try (PostgresStateStore store = PostgresStateStore.create(config)) {
          FlowsMain.run(config, store, selected.toArray(Flow[]::new));
        }
      } else {
        FlowsMain.run(config, null, selected.toArray(Flow[]::new));
      }
    } else {
      EmbeddedDemo.run(config);
    }
  }
}
