package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.kafka.FlowsMain;
import dev.flows.runtime.FlowsConfig;

/**
 * The examples' launcher. With {@code FLOWS_KAFKA_BOOTSTRAP_SERVERS} set it runs the flow named by
 * {@code FLOWS_INSTANCE} (or all) until SIGTERM, as a container does. Without it, it runs the
 * embedded demo: an in-JVM Kafka broker, sample words, every flow, and prints what they produce.
 */
public final class Main {
  private Main() {}

  /** Runs the examples; see the class comment. */
  public static void main(String[] args) throws Exception {
    FlowsConfig config = FlowsConfig.fromEnv();
    if (config.kafkaBootstrapServers().isPresent()) {
      FlowsMain.run(config, Examples.all().toArray(Flow[]::new));
    } else {
      EmbeddedDemo.run(config);
    }
  }
}
