package dev.flows.rabbitmq;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.GetResponse;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@FlowsServices
class KafkaToQueueIT {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaToQueueIT.class);
  private static final int RECORDS = 5_000;
  private static final int PARTITIONS = 3;

  @Test
  void shouldQueueEveryRecordExactlyOnceAndCommitWhenEveryTaskIsConfirmed(
      TestKafka kafka, TestRabbitMq rabbit) throws Exception {
    String name = Amqp.uniqueName("it-bridge");
    Topic<String, String> in = topic(name + "-in", string(), string());
    Queue<String> tasks = queue(name, string());
    kafka.createTopic(in.name(), PARTITIONS);
    Flow bridge =
        Flows.stateless(name, FlowOptions.defaults().withMaxRecords(500))
            .from(in)
            .mapValues(v -> "task:" + v)
            .toQueue(tasks);
    List<byte[][]> records = new ArrayList<>();
    IntStream.range(0, RECORDS)
        .forEach(i -> records.add(new byte[][] {bytes("k" + (i % 101)), bytes("v" + i)}));
    kafka.produce(in.name(), records);

    long start = System.nanoTime();
    try (RabbitTaskQueue queue = RabbitTaskQueue.create(rabbit.uri());
        Amqp amqp = new Amqp(rabbit);
        FlowRuntime runtime =
            FlowRuntime.builder(bridge)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .taskQueue(queue)
                .build()
                .start()) {
      Awaits.until(
          Duration.ofSeconds(60),
          "every task in " + tasks.name(),
          () -> amqp.ready(tasks.name()) >= RECORDS);
      Awaits.until(
          Duration.ofSeconds(60),
          "every offset committed",
          () ->
              kafka.committedOffsets(name, in.name()).values().stream()
                      .mapToLong(Long::longValue)
                      .sum()
                  == RECORDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      List<GetResponse> queued = amqp.drain(tasks.name());
      LOG.info(
          "{} records bridged to confirmed tasks in {} s: {} tasks/s",
          queued.size(),
          String.format("%.2f", seconds),
          Math.round(queued.size() / seconds));
      Set<String> values =
          queued.stream()
              .map(r -> new String(r.getBody(), StandardCharsets.UTF_8))
              .collect(Collectors.toSet());
      Set<String> expected = new HashSet<>();
      IntStream.range(0, RECORDS).forEach(i -> expected.add("task:v" + i));
      assertEquals(expected, values, "no task missing");
      assertEquals(RECORDS, queued.size(), "no task twice in a run without failures");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
