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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  void shouldRunTasksAboutConcurrencyTimesFasterWhenConcurrencyIsTwenty(TestRabbitMq rabbit)
      throws Exception {
    int count = 1_000;
    long taskMillis = 50;
    Queue<String> work = queue(Amqp.uniqueName("it-concurrency"), string());
    CountDownLatch finished = new CountDownLatch(count);
    Flow flow =
        Flows.task("it-tasks-concurrent", TaskOptions.defaults().withConcurrency(20))
            .from(work)
            .run(
                task -> {
                  Thread.sleep(taskMillis); // the task's own work: 50 ms of I/O
                  finished.countDown();
                  return null;
                });
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit)) {
      send(
          tasks,
          work.name(),
          java.util.stream.IntStream.range(0, count)
              .mapToObj(i -> "task-" + i)
              .toArray(String[]::new));
      Awaits.until(
          Duration.ofSeconds(30), "every task queued", () -> amqp.ready(work.name()) == count);
      long start = System.nanoTime();
      try (FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
        assertTrue(finished.await(60, TimeUnit.SECONDS), "all tasks finished within 60 s");
        double seconds = (System.nanoTime() - start) / 1e9;
        double serial = count * taskMillis / 1000.0;
        double ratio = serial / seconds;
        LOG.info(
            "{} tasks of {} ms at concurrency 20: {} s ({} tasks/s), serial {} s: {}x faster (ideal 20x)",
            count,
            taskMillis,
            String.format("%.2f", seconds),
            Math.round(count / seconds),
            serial,
            String.format("%.1f", ratio));
        assertTrue(ratio >= 5, "at least 5x faster than serial, got " + ratio);
        Awaits.until(
            Duration.ofSeconds(30), "every task acked", () -> amqp.ready(work.name()) == 0);
      }
    }
  }

  /** Sends tasks through the code under test and waits for every confirm. */
  static void send(RabbitTaskQueue tasks, String queue, String... values)
      throws InterruptedException {
    CountDownLatch confirmed = new CountDownLatch(values.length);
    List<Exception> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
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
