package dev.flows.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestRabbitMq;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@FlowsServices
class WorkerKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerKillIT.class);
  private static final int TASKS = 400;

  @Test
  void shouldLoseNoTaskWhenAWorkerIsKilledWhileTasksRun(TestKafka kafka, TestRabbitMq rabbit)
      throws Exception {
    String queue = Amqp.uniqueName("it-kill");
    String results = queue + "-results";
    kafka.createTopic(results, 1);
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit)) {
      TaskExecutorIT.send(
          tasks,
          queue,
          IntStream.range(0, TASKS).mapToObj(i -> "task-" + i).toArray(String[]::new));
      Map<String, String> env =
          Map.of(
              "FLOWS_TEST_KAFKA",
              kafka.bootstrapServers(),
              "FLOWS_TEST_RABBITMQ",
              rabbit.uri().toString(),
              "IT_QUEUE",
              queue,
              "IT_TOPIC",
              results);

      ChildJvm first = ChildJvm.start(TaskWorkerMain.class, env);
      Awaits.until(
          Duration.ofSeconds(60),
          "the first worker half-way",
          () -> kafka.endOffsetsSum(results) >= TASKS / 4);
      first.kill(); // SIGKILL with about ten tasks running and unacknowledged
      long atKill = kafka.endOffsetsSum(results);
      LOG.info("killed the first worker after {} results", atKill);
      assertTrue(
          atKill < TASKS,
          "killed while tasks were left, got " + atKill + " results already:\n" + first.output());

      try (ChildJvm second = ChildJvm.start(TaskWorkerMain.class, env)) {
        Awaits.until(
            Duration.ofSeconds(90),
            "every task done by the second worker",
            () -> distinct(kafka, results).size() == TASKS);
        Awaits.until(Duration.ofSeconds(30), "the queue empty", () -> amqp.ready(queue) == 0);
      }
      Set<String> expected =
          IntStream.range(0, TASKS).mapToObj(i -> "task-" + i).collect(Collectors.toSet());
      assertEquals(expected, distinct(kafka, results), "every task ran to completion");
      LOG.info(
          "{} results for {} tasks: {} tasks ran twice (at-least-once)",
          kafka.endOffsetsSum(results),
          TASKS,
          kafka.endOffsetsSum(results) - TASKS);
    }
  }

  private static Set<String> distinct(TestKafka kafka, String topic) {
    int count = (int) kafka.endOffsetsSum(topic);
    Set<String> values = new HashSet<>();
    kafka
        .readAll(topic, count, Duration.ofSeconds(30))
        .forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    return values;
  }
}
