package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowStatus;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestRabbitMq;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker drops every AMQP connection while a Kafka-to-queue bridge publishes and an executor
 * holds tasks: the runtime reports not ready, recovers by itself, and every task reaches the result
 * topic (at-least-once: tasks held during the loss run again).
 */
@FlowsServices
class ConnectionLossIT {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLossIT.class);
  private static final int TASKS = 400;
  private static final int CONCURRENCY = 8;

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();

  @Test
  void shouldReportNotReadyRecoverAndLoseNoTaskWhenTheBrokerClosesEveryConnection(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    String name = Amqp.uniqueName("it-loss");
    Topic<String, String> in = topic(name + "-in", string(), string());
    Queue<String> work = queue(name, string());
    Topic<String, String> results = topic(name + "-results", string(), string());
    kafka.createTopic(in.name(), 2);
    kafka.createTopic(results.name(), 1);
    Flow bridge = Flows.stateless(name + "-bridge").from(in).toQueue(work);
    Flow executor =
        Flows.task(name + "-run", TaskOptions.defaults().withConcurrency(CONCURRENCY))
            .from(work)
            .run(this::runTask)
            .to(results);

    try (RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        FlowRuntime runtime =
            FlowRuntime.builder(bridge, executor)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .taskQueue(queue)
                .build()
                .start()) {
      Awaits.until(Duration.ofSeconds(60), "the runtime ready", runtime::isReady);
      produce(kafka, in.name(), 0, TASKS / 2);
      Awaits.until(
          Duration.ofSeconds(60),
          "tasks held unacknowledged by every worker",
          () -> held.get() >= CONCURRENCY);

      ReadinessProbe probe = ReadinessProbe.start(runtime, executor.name());
      try {
        rabbit.closeAllConnections();
        produce(
            kafka, in.name(), TASKS / 2,
            TASKS); // the bridge publishes these while or after it recovers
        release
            .countDown(); // the held tasks finish: their acks cannot reach the broker, so they run
                          // again
        Awaits.until(
            Duration.ofSeconds(30), "the runtime reporting not ready", probe.sawNotReady::get);
        Awaits.until(
            Duration.ofSeconds(60),
            "the runtime ready again after automatic recovery",
            runtime::isReady);
      } finally {
        probe.close();
      }
      assertTrue(
          probe.sawExecutorDisconnected.get(), "the executor reported its AMQP connection lost");
      Awaits.until(
          Duration.ofSeconds(90),
          "every task's result",
          () -> distinct(kafka, results.name()).size() == TASKS);
    }
    Set<String> expected =
        IntStream.range(0, TASKS).mapToObj(i -> "done:v" + i).collect(Collectors.toSet());
    assertEquals(expected, distinct(kafka, results.name()), "every task ran to completion");
    long total = kafka.endOffsetsSum(results.name());
    assertTrue(total >= TASKS, "at least one result per task, got " + total);
    LOG.info(
        "{} results for {} tasks after the connection loss: {} ran twice (at-least-once)",
        total,
        TASKS,
        total - TASKS);
  }

  /** Tasks of the second quarter wait for the release: the connections drop while they run. */
  private String runTask(String task) throws InterruptedException {
    int number = Integer.parseInt(task.substring(1));
    if (number >= TASKS / 4 && number < TASKS / 2 && release.getCount() > 0) {
      held.incrementAndGet();
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("task " + task + " not released within 60 s");
      }
    }
    return "done:" + task;
  }

  /** Samples the runtime's readiness every 10 ms, remembering whether it was ever not ready. */
  private record ReadinessProbe(
      ScheduledExecutorService sampler,
      AtomicBoolean sawNotReady,
      AtomicBoolean sawExecutorDisconnected)
      implements AutoCloseable {
    static ReadinessProbe start(FlowRuntime runtime, String executor) {
      ReadinessProbe probe =
          new ReadinessProbe(
              Executors.newSingleThreadScheduledExecutor(),
              new AtomicBoolean(),
              new AtomicBoolean());
      probe.sampler.scheduleAtFixedRate(
          () -> {
            if (!runtime.isReady()) {
              probe.sawNotReady.set(true);
            }
            for (FlowStatus status : runtime.status()) {
              if (status.flow().equals(executor) && !status.connected()) {
                probe.sawExecutorDisconnected.set(true);
              }
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);
      return probe;
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }

  private static void produce(TestKafka kafka, String topic, int from, int to) {
    List<byte[][]> records = new ArrayList<>();
    IntStream.range(from, to)
        .forEach(i -> records.add(new byte[][] {bytes("k" + i), bytes("v" + i)}));
    kafka.produce(topic, records);
  }

  private static Set<String> distinct(TestKafka kafka, String topic) {
    int count = (int) kafka.endOffsetsSum(topic);
    Set<String> values = new HashSet<>();
    kafka
        .readAll(topic, count, Duration.ofSeconds(30))
        .forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    return values;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
