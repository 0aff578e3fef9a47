package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.rabbitmq.client.GetResponse;
import dev.flows.DeadLetterHeaders;
import dev.flows.FailureClass;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.rabbitmq.internal.Retries;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestRabbitMq;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Failure classes of tasks on a real RabbitMQ: a task whose dependency is down goes back to the
 * queue without counting its attempts, however long the outage (here more failures than its
 * attempts), and the flow is not ready meanwhile; a permanent failure is dead-lettered at the first
 * try.
 */
@FlowsServices
class TaskFailureClassIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void shouldRetryATaskWithoutCountingAttemptsWhileItsDependencyIsDown(TestRabbitMq rabbit)
      throws Exception {
    Queue<String> work = queue(Amqp.uniqueName("it-transient"), string());
    AtomicBoolean down = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    Set<String> done = ConcurrentHashMap.newKeySet();
    TaskOptions options =
        TaskOptions.defaults()
            .withMaxAttempts(2)
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .withFailureClass(ConnectException.class, FailureClass.TRANSIENT)
            .withFailureClass(IllegalArgumentException.class, FailureClass.PERMANENT);
    Flow flow =
        Flows.task("it-tasks-transient", options)
            .from(work)
            .run(
                task -> {
                  if (task.equals("fatal")) {
                    throw new IllegalArgumentException("no retry can fix " + task);
                  }
                  if (down.get()) {
                    failures.incrementAndGet();
                    throw new ConnectException("dependency refused the connection");
                  }
                  done.add(task);
                  return null;
                });
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit);
        FlowRuntime runtime = FlowRuntime.builder(flow).taskQueue(tasks).build().start()) {
      Awaits.until(DEADLINE, "the executor consuming", runtime::isReady);
      TaskExecutorIT.send(tasks, work.name(), "t1");
      Awaits.until(
          DEADLINE, "five transient failures, more than 2 attempts", () -> failures.get() >= 5);
      assertFalse(runtime.isReady(), "not ready while the dependency is down");
      down.set(false);
      Awaits.until(
          DEADLINE, "the task done once the dependency is back", () -> done.contains("t1"));
      Awaits.until(DEADLINE, "ready again", runtime::isReady);
      TaskExecutorIT.send(tasks, work.name(), "fatal");
      Awaits.until(
          DEADLINE,
          "the permanent failure dead-lettered",
          () -> amqp.ready(work.deadLetterQueue()) == 1);

      GetResponse dead = amqp.drain(work.deadLetterQueue()).get(0);
      Map<String, Object> headers = dead.getProps().getHeaders();
      assertEquals("fatal", new String(dead.getBody(), StandardCharsets.UTF_8));
      assertEquals("1", Retries.text(headers.get(DeadLetterHeaders.ATTEMPTS)), "at the first try");
    }
  }
}
