package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
import java.net.URI;

/**
 * The bridge process of {@link BridgeKillChaosIT}: a stateless flow from topic {@code IT_NAME-in}
 * to the task queue {@code IT_NAME}, committing offsets only after RabbitMQ confirmed every task.
 */
public final class BridgeMain {
  private BridgeMain() {}

  /** Reads FLOWS_TEST_KAFKA, FLOWS_TEST_RABBITMQ and IT_NAME; runs until killed or SIGTERM. */
  public static void main(String[] args) {
    String name = System.getenv("IT_NAME");
    Flow bridge =
        Flows.stateless(name, FlowOptions.defaults().withMaxRecords(500))
            .from(topic(name + "-in", string(), string()))
            .mapValues(v -> "task:" + v)
            .toQueue(queue(name, string()));
    try (RabbitTaskQueue tasks =
        RabbitTaskQueue.create(URI.create(System.getenv("FLOWS_TEST_RABBITMQ")))) {
      FlowRuntime.builder(bridge)
          .connector(KafkaConnector.create(System.getenv("FLOWS_TEST_KAFKA")))
          .taskQueue(tasks)
          .build()
          .runUntilShutdown();
    }
  }
}
