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
import dev.flows.dsl.TaskFunction;
import dev.flows.kafka.KafkaConnector;
import dev.flows.rabbitmq.internal.Topology;
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
import java.util.concurrent.ConcurrentHashMap;
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
 * The broker fails mid-stream while a Kafka-to-queue bridge publishes, an executor holds tasks and
 * more wait in the queue, and a cron flow publishes ticks: every connection is dropped, or the
 * broker is restarted. The runtime reports not ready (the executor and the cron flow report their
 * AMQP connection lost), recovers by itself, and every task reaches the result topic
 * (at-least-once: tasks held during the failure run again; a batch the bridge could not get
 * confirmed is published again, its offsets uncommitted).
 */
@FlowsServices
class ConnectionLossIT {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLossIT.class);
  private static final int TASKS = 400;
  private static final int CONCURRENCY = 8;
  private static final TaskOptions OPTIONS = TaskOptions.defaults().withConcurrency(CONCURRENCY);

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();

  @Test
  void shouldReportNotReadyRecoverAndLoseNoTaskWhenTheBrokerClosesEveryConnection(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    runThrough(
        kafka,
        rabbit,
        "it-loss",
        false, // a short loss: the bridge polls Kafka between its reports and may miss it
        (midStream, probe) -> {
          rabbit.closeAllConnections();
          midStream.run(); // the bridge publishes the second half while or after it recovers
        });
  }

  @Test
  void shouldReportNotReadyRecoverAndLoseNoTaskWhenTheBrokerRestartsMidStream(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    runThrough(
        kafka,
        rabbit,
        "it-restart",
        true,
        (midStream, probe) ->
            rabbit.restart(
                () -> {
                  midStream.run();
                  Awaits.until( // so its offsets stay uncommitted until it publishes them again
                      Duration.ofSeconds(30),
                      "the bridge failing to publish the second half while the broker is down",
                      probe.sawBridgeFail()::get);
                }));
  }

  /** A broker failure, during which it runs the mid-stream steps. */
  @FunctionalInterface
  private interface Fault {
    void inject(Runnable midStream, ReadinessProbe probe);
  }

  /**
   * Runs the flows; once every worker holds a task and more wait in the queue, {@code fault} runs
   * the mid-stream steps (second half produced, held tasks released, not-ready seen) inside the
   * failure. Then checks recovery, and that no task is lost.
   */
  private void runThrough(
      TestKafka kafka, TestRabbitMq rabbit, String prefix, boolean bridgeSeesLoss, Fault fault)
      throws Exception {
    Scenario s = Scenario.create(kafka, Amqp.uniqueName(prefix), this::runTask);
    try (RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        FlowRuntime runtime = s.start(kafka, queue)) {
      Awaits.until(Duration.ofSeconds(60), "the runtime ready", runtime::isReady);
      produce(kafka, s.in(), 0, TASKS / 2);
      awaitTasksHeldAndQueued(rabbit, s.work());
      try (ReadinessProbe probe = ReadinessProbe.start(runtime, s.bridge())) {
        fault.inject(
            () -> {
              produce(kafka, s.in(), TASKS / 2, TASKS);
              release.countDown(); // the held tasks finish: their acks cannot reach the broker
              Awaits.until(
                  Duration.ofSeconds(30),
                  "the runtime reporting not ready",
                  probe.sawNotReady::get);
            },
            probe);
        Awaits.until(
            Duration.ofSeconds(90),
            "the runtime ready again after automatic recovery",
            runtime::isReady);
        Set<String> lost = probe.disconnected();
        assertTrue(
            lost.containsAll(Set.of(s.executor(), s.cron())),
            "task and cron flows report their AMQP connection lost: " + lost);
        assertTrue(
            !bridgeSeesLoss || lost.contains(s.bridge()),
            "the bridge reports the connection of its output queue lost: " + lost);
      }
      awaitTickAfterRecovery(rabbit, s.ticks());
      Awaits.until(
          Duration.ofSeconds(90),
          "every task's result",
          () -> distinct(kafka, s.results()).size() == TASKS);
    }
    assertNoTaskLost(kafka, s.results());
    s.deleteQueues(rabbit);
  }

  /**
   * Every worker holds a task of the second quarter, and the rest of it waits in the queue: the
   * failure hits tasks in flight and tasks stored by the broker.
   */
  private void awaitTasksHeldAndQueued(TestRabbitMq rabbit, String work) throws Exception {
    Awaits.until(
        Duration.ofSeconds(60),
        "tasks held unacknowledged by every worker",
        () -> held.get() >= CONCURRENCY);
    try (Amqp amqp = new Amqp(rabbit)) {
      Awaits.until(
          Duration.ofSeconds(60),
          "the rest of the second quarter waiting in the queue",
          () -> amqp.ready(work) >= TASKS / 4 - CONCURRENCY);
    }
  }

  /** The cron flow publishes again after the recovery. */
  private static void awaitTickAfterRecovery(TestRabbitMq rabbit, String ticks) throws Exception {
    try (Amqp amqp = new Amqp(rabbit)) {
      long before = amqp.ready(ticks);
      Awaits.until(
          Duration.ofSeconds(60),
          "a tick published after the recovery",
          () -> amqp.ready(ticks) > before);
    }
  }

  private static void assertNoTaskLost(TestKafka kafka, String results) {
    Set<String> expected =
        IntStream.range(0, TASKS).mapToObj(i -> "done:v" + i).collect(Collectors.toSet());
    assertEquals(expected, distinct(kafka, results), "every task ran to completion");
    long total = kafka.endOffsetsSum(results);
    assertTrue(total >= TASKS, "at least one result per task, got " + total);
    LOG.info(
        "{} results for {} tasks after the failure: {} ran twice (at-least-once)",
        total,
        TASKS,
        total - TASKS);
  }

  /** Tasks of the second quarter wait for the release: the broker fails while they run. */
  private String runTask(String task) throws InterruptedException {
    int number = Integer.parseInt(task.substring(1));
    if (number >= TASKS / 4 && number < TASKS / 2 && release.getCount() > 0) {
      held.incrementAndGet();
      if (!release.await(90, TimeUnit.SECONDS)) {
        throw new IllegalStateException("task " + task + " not released within 90 s");
      }
    }
    return "done:" + task;
  }

  /**
   * A bridge from a topic to the work queue, an executor of that queue writing results to a topic,
   * and a cron flow ticking every second into a queue of its own.
   */
  private record Scenario(String in, String work, String results, String ticks, List<Flow> flows) {
    static Scenario create(TestKafka kafka, String name, TaskFunction<String, String> task) {
      Topic<String, String> in = topic(name + "-in", string(), string());
      Queue<String> work = queue(name, string());
      Topic<String, String> results = topic(name + "-results", string(), string());
      Queue<String> ticks = queue(name + "-ticks", string());
      kafka.createTopic(in.name(), 2);
      kafka.createTopic(results.name(), 1);
      List<Flow> flows =
          List.of(
              Flows.stateless(name + "-bridge").from(in).toQueue(work),
              Flows.task(name + "-run", OPTIONS).from(work).run(task).to(results),
              Flows.cron(name + "-tick")
                  .schedule("* * * * * *")
                  .produce(() -> "tick")
                  .toQueue(ticks));
      return new Scenario(in.name(), work.name(), results.name(), ticks.name(), flows);
    }

    FlowRuntime start(TestKafka kafka, RabbitTaskQueue queue) {
      return FlowRuntime.builder(flows.toArray(Flow[]::new))
          .connector(KafkaConnector.create(kafka.bootstrapServers()))
          .taskQueue(queue)
          .build()
          .start();
    }

    String bridge() {
      return flows.get(0).name();
    }

    String executor() {
      return flows.get(1).name();
    }

    String cron() {
      return flows.get(2).name();
    }

    /** Deletes the queues the flows declared: restarts take longer with every quorum queue. */
    void deleteQueues(TestRabbitMq rabbit) throws Exception {
      List<String> queues = new ArrayList<>();
      for (String q : List.of(work, ticks)) {
        queues.add(q);
        queues.add(q + Queue.DEAD_LETTER_SUFFIX);
      }
      Topology.delays(OPTIONS).forEach(delay -> queues.add(Topology.delayQueue(work, delay)));
      try (Amqp amqp = new Amqp(rabbit)) {
        amqp.delete(queues.toArray(String[]::new));
      }
    }
  }

  /**
   * Samples the runtime every 10 ms, remembering whether it was ever not ready, which flows
   * reported themselves disconnected, and whether the bridge failed a batch.
   */
  private record ReadinessProbe(
      ScheduledExecutorService sampler,
      AtomicBoolean sawNotReady,
      Set<String> disconnected,
      AtomicBoolean sawBridgeFail)
      implements AutoCloseable {
    static ReadinessProbe start(FlowRuntime runtime, String bridge) {
      ReadinessProbe probe =
          new ReadinessProbe(
              Executors.newSingleThreadScheduledExecutor(),
              new AtomicBoolean(),
              ConcurrentHashMap.newKeySet(),
              new AtomicBoolean());
      probe.sampler.scheduleAtFixedRate(
          () -> probe.sample(runtime, bridge), 0, 10, TimeUnit.MILLISECONDS);
      return probe;
    }

    private void sample(FlowRuntime runtime, String bridge) {
      if (!runtime.isReady()) {
        sawNotReady.set(true);
      }
      for (FlowStatus status : runtime.status()) {
        if (!status.connected()) {
          disconnected.add(status.flow());
        }
        if (status.flow().equals(bridge) && !status.healthy()) {
          sawBridgeFail.set(true);
        }
      }
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
