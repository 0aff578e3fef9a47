package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.FlowKind;
import dev.flows.kafka.FlowsMain;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowSelection;
import dev.flows.runtime.FlowsConfig;
import java.util.List;

/**
 * The examples' launcher. With {@code FLOWS_KAFKA_BOOTSTRAP_SERVERS} set it runs the flow named by
 * {@code FLOWS_INSTANCE} (or all) until SIGTERM, as a container does; stateful flows keep state and
 * materialise flows their tables in {@code FLOWS_POSTGRES_URL}. Without it, it runs the embedded
 * demo: an in-JVM Kafka broker and an embedded PostgreSQL, sample words, every flow, and prints
 * what they produce.
 */
public final class Main {
  private Main() {}

  /** Runs the examples; see the class comment. */
  public static void main(String[] args) throws Exception {
    FlowsConfig config = FlowsConfig.fromEnv();
    if (config.kafkaBootstrapServers().isPresent()) {
      run(config, FlowSelection.select(Examples.all(), config.instance()));
    } else {
      EmbeddedDemo.run(config);
    }
  }

  private static void run(FlowsConfig config, List<Flow> selected) {
    Flow[] flows = selected.toArray(Flow[]::new);
    if (selected.stream().noneMatch(f -> f.kind() == FlowKind.STATEFUL || f.kind() == FlowKind.MATERIALISE)) {
      FlowsMain.run(config, null, flows);
      return;
    }
    try (PostgresStateStore store = PostgresStateStore.create(config); PostgresTableSink tables = PostgresTableSink.create(config)) {
      FlowRuntime.builder(flows)
          .connector(KafkaConnector.create(config))
          .adminPort(config.httpPort())
          .stateStore(store)
          .tableSink(tables)
          .build()
          .runUntilShutdown();
    }
  }
}
