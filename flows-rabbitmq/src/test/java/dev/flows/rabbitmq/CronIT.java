package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Queue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestRabbitMq;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@FlowsServices
class CronIT {

  @Test
  void shouldQueueOneTaskPerSecondWhenScheduledEverySecond(TestRabbitMq rabbit) throws Exception {
    Queue<String> ticks = queue(Amqp.uniqueName("it-cron"), string());
    Flow cron =
        Flows.cron("it-cron-ticks")
            .schedule("* * * * * *")
            .produce(() -> "tick at " + Instant.now())
            .toQueue(ticks);
    try (RabbitTaskQueue tasks = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit)) {
      long start = System.nanoTime();
      try (FlowRuntime runtime = FlowRuntime.builder(cron).taskQueue(tasks).build().start()) {
        Awaits.until(Duration.ofSeconds(20), "three ticks", () -> amqp.ready(ticks.name()) >= 3);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<GetResponse> queued = amqp.drain(ticks.name());
      assertTrue(
          queued.size() <= Math.ceil(seconds) + 1,
          queued.size() + " ticks in " + seconds + " s: at most one per second");
      assertTrue(
          new String(queued.get(0).getBody(), StandardCharsets.UTF_8).startsWith("tick at "));
    }
  }
}
