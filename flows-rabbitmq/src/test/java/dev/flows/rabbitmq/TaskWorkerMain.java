package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.TaskOptions;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
import java.net.URI;

/**
 * The worker process of {@link WorkerKillIT}: runs tasks of 100 ms, ten at a time, each writing its
 * task as result to a Kafka topic before the task is acked.
 */
public final class TaskWorkerMain {
  private TaskWorkerMain() {}

  /**
   * Reads FLOWS_TEST_KAFKA, FLOWS_TEST_RABBITMQ, IT_QUEUE and IT_TOPIC; runs until killed or
   * SIGTERM.
   */
  public static void main(String[] args) {
    Flow worker =
        Flows.task("it-tasks-worker", TaskOptions.defaults().withConcurrency(10))
            .from(queue(System.getenv("IT_QUEUE"), string()))
            .run(
                task -> {
                  Thread.sleep(100); // the work
                  return task;
                })
            .to(topic(System.getenv("IT_TOPIC"), string(), string()));
    try (RabbitTaskQueue tasks =
        RabbitTaskQueue.create(URI.create(System.getenv("FLOWS_TEST_RABBITMQ")))) {
      FlowRuntime.builder(worker)
          .connector(KafkaConnector.create(System.getenv("FLOWS_TEST_KAFKA")))
          .taskQueue(tasks)
          .build()
          .runUntilShutdown();
    }
  }
}
