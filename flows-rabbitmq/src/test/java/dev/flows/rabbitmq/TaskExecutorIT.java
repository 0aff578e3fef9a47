package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.rabbitmq.internal.Retries;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.OutgoingTask;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestRabbitMq;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@FlowsServices
class TaskExecutorIT {
  private static final Logger LOG = LoggerFactory.getLogger(TaskExecutorIT.class);

  @Test
  void shouldDeadLetterAPoisonTaskWithItsReasonWhenEveryAttemptFailsWhileOthersGoOn(
      TestRabbitMq rabbit) throws Exception {
    Queue<String> work = queue(Amqp.uniqueName("it-poison"), string());
    AtomicInteger poisonAttempts = new AtomicInteger();
    Set<String> done = ConcurrentHashMap.newKeySet();
    TaskOptions options =
        TaskOptions.defaults()
            .withConcurrency(4)
            .withMaxAttempts(3)
            .withBackoff(Duration.ofMillis(200), Duration.ofMillis(400));
    Flow flow =
        Flows.task("it-tasks-poison", options)
            .from(work)
            .run(
                task -> {
                  if (task.equals("poison")) {
                    poisonAttempts.incrementAndGet();
                    throw new IllegalStateException("cannot digest " + task);
                  }
                  done.add(task);
                  return null;
                });
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit);
        FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
      Awaits.until(Duration.ofSeconds(30), "the executor consuming", runtime::isReady);
      send(tasks, work.name(), "t1", "t2", "poison", "t3", "t4");
      Awaits.until(Duration.ofSeconds(30), "the good tasks", () -> done.size() == 4);
      Awaits.until(
          Duration.ofSeconds(30),
          "the poison task in " + work.deadLetterQueue(),
          () -> amqp.ready(work.deadLetterQueue()) == 1);

      GetResponse dead = amqp.drain(work.deadLetterQueue()).get(0);
      Map<String, Object> headers = dead.getProps().getHeaders();
      assertEquals("poison", new String(dead.getBody(), StandardCharsets.UTF_8));
      assertEquals(
          IllegalStateException.class.getName(),
          Retries.text(headers.get(DeadLetterHeaders.ERROR_CLASS)));
      assertEquals(
          "cannot digest poison", Retries.text(headers.get(DeadLetterHeaders.ERROR_MESSAGE)));
      assertEquals("3", Retries.text(headers.get(DeadLetterHeaders.ATTEMPTS)));
      assertEquals("it-tasks-poison", Retries.text(headers.get(DeadLetterHeaders.FLOW)));
      assertEquals(3, poisonAttempts.get(), "one attempt per configured attempt, no more");
      assertEquals(0, amqp.ready(work.name()), "nothing left behind");
    }
  }

  @Test
  void shouldRunOrDeadLetterTasksWhoseHeadersAnotherProducerGaveWrongTypes(TestRabbitMq rabbit)
      throws Exception {
    Queue<String> work = queue(Amqp.uniqueName("it-headers"), string());
    Set<String> done = ConcurrentHashMap.newKeySet();
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    TaskOptions options =
        TaskOptions.defaults()
            .withMaxAttempts(3)
            .withBackoff(Duration.ofMillis(100), Duration.ofMillis(200));
    Flow flow =
        Flows.task("it-tasks-headers", options)
            .from(work)
            .run(
                task -> {
                  attempts.computeIfAbsent(task, t -> new AtomicInteger()).incrementAndGet();
                  if (task.startsWith("fail")) {
                    throw new IllegalStateException("cannot do " + task);
                  }
                  done.add(task);
                  return null;
                });
    Map<String, Object> odd = new HashMap<>();
    odd.put(DeadLetterHeaders.ATTEMPTS, Map.of("not", "a count"));
    odd.put("flag", true);
    odd.put("when", new Date(0));
    odd.put("list", List.of(1, "two", List.of()));
    odd.put("table", Map.of("nested", Map.of("deeper", 3L)));
    odd.put("none", null);
    odd.put("bytes", new byte[] {(byte) 0xff, 0x00, (byte) 0xfe});
    odd.put("decimal", new BigDecimal("1.5"));
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit);
        FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
      Awaits.until(Duration.ofSeconds(30), "the executor consuming", runtime::isReady);
      amqp.publish(work.name(), "ok-odd-types", odd);
      amqp.publish(work.name(), "ok-negative", Map.of(DeadLetterHeaders.ATTEMPTS, -7));
      amqp.publish(work.name(), "fail-huge", Map.of(DeadLetterHeaders.ATTEMPTS, "2147483647"));
      amqp.publish(work.name(), "fail-negative", Map.of(DeadLetterHeaders.ATTEMPTS, "-1000000"));

      Awaits.until(Duration.ofSeconds(30), "the two good tasks", () -> done.size() == 2);
      Awaits.until(
          Duration.ofSeconds(30),
          "both failing tasks in " + work.deadLetterQueue(),
          () -> amqp.ready(work.deadLetterQueue()) == 2);
      assertEquals(Set.of("ok-odd-types", "ok-negative"), done);
      assertEquals(1, attempts.get("fail-huge").get(), "a huge count dead-letters at once");
      assertEquals(3, attempts.get("fail-negative").get(), "a negative count buys no retries");
      assertEquals(0, amqp.ready(work.name()), "nothing left behind");
      assertTrue(runtime.isReady(), "odd headers never fail the flow");
    }
  }

  @Test
  void shouldRunTwentyTasksAtOnceAndNeverMoreWhenConcurrencyIsTwenty(TestRabbitMq rabbit)
      throws Exception {
    int count = 1_000;
    int concurrency = 20;
    long taskMillis = 50;
    Queue<String> work = queue(Amqp.uniqueName("it-concurrency"), string());
    CountDownLatch finished = new CountDownLatch(count);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Flow flow =
        Flows.task("it-tasks-concurrent", TaskOptions.defaults().withConcurrency(concurrency))
            .from(work)
            .run(
                task -> {
                  peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                  Thread.sleep(taskMillis); // the task's own work: 50 ms of I/O
                  running.decrementAndGet();
                  finished.countDown();
                  return null;
                });
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit)) {
      send(
          tasks,
          work.name(),
          IntStream.range(0, count).mapToObj(i -> "task-" + i).toArray(String[]::new));
      Awaits.until(
          Duration.ofSeconds(30), "every task queued", () -> amqp.ready(work.name()) == count);
      long start = System.nanoTime();
      try (FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
        assertTrue(finished.await(120, TimeUnit.SECONDS), "all tasks finished within 120 s");
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(
            "{} tasks of {} ms at concurrency {}: {} s, {}x faster than serial (ideal {}x)",
            count,
            taskMillis,
            concurrency,
            String.format("%.2f", seconds),
            String.format("%.1f", count * taskMillis / 1000.0 / seconds),
            concurrency);
        assertEquals(concurrency, peak.get(), "tasks running at once, at the peak");
        Awaits.until(
            Duration.ofSeconds(30), "every task acked", () -> amqp.ready(work.name()) == 0);
      }
    }
  }

  @Test
  void shouldHoldConcurrencyTimesThePrefetchMultiplierUnacknowledgedTasks(TestRabbitMq rabbit)
      throws Exception {
    Queue<String> work = queue(Amqp.uniqueName("it-prefetch"), string());
    HeldTasks held = new HeldTasks();
    Flow flow = held.flow("it-tasks-prefetch", work);
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit)) {
      send(tasks, work.name(), "t1", "t2", "t3", "t4", "t5");
      Awaits.until(Duration.ofSeconds(30), "every task queued", () -> amqp.ready(work.name()) == 5);
      try (FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
        held.awaitStarted();
        Awaits.until(
            Duration.ofSeconds(30),
            "two tasks handed to the instance (one running, one prefetched), three ready",
            () -> amqp.ready(work.name()) == 3);
        held.release.countDown();
        Awaits.until(
            Duration.ofSeconds(30), "every task acked", () -> amqp.ready(work.name()) == 0);
      }
    }
  }

  @Test
  void shouldLetTheRunningTaskFinishAndReturnThePrefetchedOneWhenClosed(TestRabbitMq rabbit)
      throws Exception {
    Queue<String> work = queue(Amqp.uniqueName("it-drain"), string());
    HeldTasks held = new HeldTasks();
    Flow flow = held.flow("it-tasks-drain", work);
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit)) {
      send(tasks, work.name(), "t1", "t2", "t3");
      Awaits.until(Duration.ofSeconds(30), "every task queued", () -> amqp.ready(work.name()) == 3);
      FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start();
      held.awaitStarted();
      Awaits.until(
          Duration.ofSeconds(30),
          "two tasks handed to the instance (one running, one prefetched)",
          () -> amqp.ready(work.name()) == 1);
      Thread closing = new Thread(runtime::close, "it-drain-close");
      closing.start();
      Awaits.until(
          Duration.ofSeconds(30),
          "the close waiting for the running task",
          TaskExecutorIT::drainingTasks);
      assertTrue(closing.isAlive(), "the close waits for the running task");
      held.release.countDown();
      closing.join(Duration.ofSeconds(30).toMillis());
      assertEquals(List.of("t1"), held.ran, "only the running task ran");
      Set<String> left = new HashSet<>();
      amqp.drain(work.name())
          .forEach(r -> left.add(new String(r.getBody(), StandardCharsets.UTF_8)));
      assertEquals(
          Set.of("t2", "t3"),
          left,
          "the running task acked once it finished, the prefetched one back in the queue");
    }
  }

  /**
   * A task flow at concurrency 1 and prefetch multiplier 2 whose tasks note themselves and are held
   * until the test releases them: one runs, the next waits prefetched behind it.
   */
  private static final class HeldTasks {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<String> ran = new CopyOnWriteArrayList<>();

    Flow flow(String name, Queue<String> work) {
      TaskOptions options = TaskOptions.defaults().withConcurrency(1).withPrefetchMultiplier(2);
      return Flows.task(name, options)
          .from(work)
          .run(
              task -> {
                ran.add(task);
                started.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS), "the test released the task");
                return null;
              });
    }

    void awaitStarted() throws InterruptedException {
      assertTrue(started.await(30, TimeUnit.SECONDS), "the first task started");
    }
  }

  /**
   * Whether a thread waits in the task worker's drain (its consumer cancelled, the running tasks
   * not yet finished): the one moment a quorum queue cannot show, since it counts a cancelled
   * consumer until its tasks are settled.
   */
  private static boolean drainingTasks() {
    return Thread.getAllStackTraces().values().stream()
        .flatMap(Arrays::stream)
        .anyMatch(
            frame ->
                frame.getClassName().endsWith(".TaskWorker")
                    && frame.getMethodName().equals("drainWorkers"));
  }

  /** Sends tasks through the code under test and waits for every confirm. */
  static void send(RabbitTaskQueue tasks, String queue, String... values)
      throws InterruptedException {
    CountDownLatch confirmed = new CountDownLatch(values.length);
    List<Exception> errors = new CopyOnWriteArrayList<>();
    for (String v : values) {
      tasks.send(
          new OutgoingTask(queue, v.getBytes(StandardCharsets.UTF_8), Headers.empty()),
          error -> {
            if (error != null) {
              errors.add(error);
            }
            confirmed.countDown();
          });
    }
    assertTrue(confirmed.await(30, TimeUnit.SECONDS), "confirms within 30 s");
    assertEquals(List.of(), errors);
  }
}
