package dev.flows.examples;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.Topic;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The seed's task examples: a cron flow that queues a task every second, and an executor that runs
 * each task on a worker (slow work never blocks a Kafka partition) and reports its result on a
 * topic. Tasks travel over RabbitMQ with publisher confirms and manual acks: none is lost.
 */
public final class TaskExamples {
  /** The work queue (and its dead-letter queue {@code tasks-example.dlq}). */
  public static final Queue<String> TASKS = queue("tasks-example", string());

  /** Results of the executor. */
  public static final Topic<String, String> DONE = topic("tasks-example-done", string(), string());

  private TaskExamples() {}

  /** {@code tasks-example-cron}: one task a second, UTC. */
  public static Flow cron() {
    return Flows.cron("tasks-example-cron")
        .schedule("@every 1s")
        .produce(() -> "report for " + Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .toQueue(TASKS);
  }

  /**
   * {@code tasks-example-executor}: 4 tasks at once, 30 s each at most, 5 attempts with backoff.
   */
  public static Flow executor() {
    TaskOptions options =
        TaskOptions.defaults()
            .withConcurrency(4)
            .withTimeout(Duration.ofSeconds(30))
            .withMaxAttempts(5);
    return Flows.task("tasks-example-executor", options)
        .from(TASKS)
        .run(
            task -> {
              Thread.sleep(200); // the slow part: a report, a call-out, an upload
              return task + " done";
            })
        .to(DONE);
  }

  /** Both task examples. */
  public static List<Flow> all() {
    return List.of(cron(), executor());
  }
}
