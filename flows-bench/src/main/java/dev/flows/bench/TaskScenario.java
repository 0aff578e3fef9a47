package dev.flows.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flows.Headers;
import dev.flows.Queue;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.spi.OutgoingTask;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 5: tasks. The Flows task executor vs a raw amqp-client consume/ack loop, both at
 * prefetch {@value #CONCURRENCY} and again at twice that (Flows: {@code
 * TaskOptions.withPrefetchMultiplier(2)}), each on its own preloaded queue of the same kind
 * (declared by flows-rabbitmq: durable quorum queues). The task is a no-op, so this measures the
 * executor. Complete when the child counted every task (its DONE mark).
 */
final class TaskScenario implements Scenario {
  static final int TASKS = 50_000;
  static final int CONCURRENCY = 16;

  /**
   * One loop of the scenario, each on its own queue.
   *
   * @param multiplier the prefetch is {@link #CONCURRENCY} times this
   */
  private record Contender(String label, String child, int multiplier, String note) {}

  private static final List<Contender> CONTENDERS =
      List.of(
          new Contender("raw-amqp", "raw-amqp", 1, "basicQos 16, ack each"),
          new Contender("flows", "flows-task", 1, "TaskOptions concurrency 16"),
          new Contender("raw-amqp qos 32", "raw-amqp", 2, "basicQos 32, ack each"),
          new Contender(
              "flows prefetch x2",
              "flows-task",
              2,
              "TaskOptions concurrency 16, prefetch multiplier 2"));

  @Override
  public String name() {
    return "tasks";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "%,d no-op tasks of %d B, concurrency %d, prefetch 1x and 2x; until the child handled the last one",
        h.args().scaled(TASKS), KafkaOps.VALUE_BYTES, CONCURRENCY);
  }

  @Override
  public Optional<String> skipReason(Harness h) {
    return h.services().rabbitMq().isPresent()
        ? Optional.empty()
        : Optional.of(
            "no RabbitMQ answers at FLOWS_RABBITMQ_URI or localhost:5672 (make services starts one)");
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    URI uri = h.services().rabbitMq().orElseThrow();
    int tasks = h.args().scaled(TASKS);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      List<String> queues = new ArrayList<>();
      for (Contender c : CONTENDERS) {
        queues.add(h.name("tasks-" + c.child() + "-" + c.multiplier() + "-r" + rep));
      }
      try {
        preload(uri, queues, tasks);
        for (int i = 0; i < CONTENDERS.size(); i++) {
          Contender c = CONTENDERS.get(i);
          samples.add(
              c.label(),
              run(h, c.label(), c.child(), queues.get(i), tasks, uri, c.multiplier()),
              c.note());
        }
      } finally {
        delete(uri, queues);
      }
    }
    if (h.args().jfr()) {
      profile(h, uri, tasks);
    }
    return samples.results();
  }

  /** One more Flows run with a JFR recording; prints the hottest frames. Not a row of the table. */
  private void profile(Harness h, URI uri, int tasks) throws Exception {
    String queue = h.name("tasks-flows-jfr");
    try {
      preload(uri, List.of(queue), tasks);
      Path recording = h.args().out().resolve("flows-tasks.jfr").toAbsolutePath();
      Measurement m =
          h.measure(
              name(),
              "flows (JFR on)",
              "flows-task",
              params(h, "flowsjfr", queue, tasks, uri),
              tasks,
              null,
              JfrTop.flags(recording, h.args().out()));
      JfrTop.print(recording, Instant.ofEpochMilli(m.startMillis()), 25);
    } finally {
      delete(uri, List.of(queue));
    }
  }

  private Measurement run(
      Harness h, String label, String child, String queue, int tasks, URI uri, int multiplier)
      throws Exception {
    Params params = params(h, label, queue, tasks, uri).with("prefetchMultiplier", multiplier);
    return h.measure(name(), label, child, params, tasks, null, List.of());
  }

  private static Params params(Harness h, String label, String queue, int tasks, URI uri) {
    return Params.of(
        "rabbitUri",
        uri.toString(),
        "queue",
        queue,
        "count",
        Integer.toString(tasks),
        "concurrency",
        Integer.toString(CONCURRENCY),
        "name",
        h.name("tasks-" + label.replaceAll("[^a-z0-9]", "")));
  }

  private static void preload(URI uri, List<String> queues, int tasks) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (RabbitTaskQueue queue = RabbitTaskQueue.create(uri)) {
      for (String name : queues) {
        for (int i = 0; i < tasks; i++) {
          queue.send(
              new OutgoingTask(name, KafkaOps.value(i), Headers.empty()),
              error -> {
                if (error != null) {
                  failure.compareAndSet(null, error);
                }
              });
        }
        queue.flush(Duration.ofMinutes(2));
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "cannot preload the task queues: " + failure.get().getMessage(), failure.get());
    }
  }

  private static void delete(URI uri, List<String> queues) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    try (Connection connection = factory.newConnection("bench-cleanup");
        Channel channel = connection.createChannel()) {
      for (String name : queues) {
        channel.queueDelete(name);
        channel.queueDelete(name + Queue.DEAD_LETTER_SUFFIX);
      }
    }
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows", "raw-amqp", 0.9),
        new Comparison(name(), "flows prefetch x2", "raw-amqp qos 32", 0.9),
        new Comparison(name(), "flows prefetch x2", "raw-amqp", Double.NaN));
  }
}
