package dev.flows.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestRabbitMq;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka -> queue bridge killed with SIGKILL mid-stream and restarted: no task is missing. Under
 * {@code make chaos} (50k records: about 85 s).
 */
@FlowsServices
class BridgeKillChaosIT {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeKillChaosIT.class);
  private static final int RECORDS = 50_000;

  @Test
  void shouldLeaveNoTaskMissingWhenTheBridgeIsKilledMidStream(TestKafka kafka, TestRabbitMq rabbit)
      throws Exception {
    String name = Amqp.uniqueName("it-bridge-kill");
    kafka.createTopic(name + "-in", 3);
    List<byte[][]> records = new ArrayList<>(RECORDS);
    IntStream.range(0, RECORDS)
        .forEach(i -> records.add(new byte[][] {bytes("k" + (i % 101)), bytes("v" + i)}));
    kafka.produce(name + "-in", records);
    Map<String, String> env =
        Map.of(
            "FLOWS_TEST_KAFKA",
            kafka.bootstrapServers(),
            "FLOWS_TEST_RABBITMQ",
            rabbit.uri().toString(),
            "IT_NAME",
            name);

    try (Amqp amqp = new Amqp(rabbit)) {
      ChildJvm first = ChildJvm.start(BridgeMain.class, env);
      Awaits.until(
          Duration.ofSeconds(90),
          "a fifth of the tasks queued",
          () -> amqp.ready(name) >= RECORDS / 5);
      first.kill();
      long atKill = amqp.ready(name);
      LOG.info("killed the bridge with {} of {} tasks queued", atKill, RECORDS);
      assertTrue(
          atKill < RECORDS,
          "killed mid-stream, got " + atKill + " tasks already:\n" + first.output());

      try (ChildJvm second = ChildJvm.start(BridgeMain.class, env)) {
        Awaits.until(
            Duration.ofSeconds(120),
            "every offset committed by the second bridge",
            () ->
                kafka.committedOffsets(name, name + "-in").values().stream()
                        .mapToLong(Long::longValue)
                        .sum()
                    == RECORDS);
      }
      List<GetResponse> queued = amqp.drain(name);
      Set<String> values =
          queued.stream()
              .map(r -> new String(r.getBody(), StandardCharsets.UTF_8))
              .collect(Collectors.toSet());
      LOG.info(
          "{} tasks queued for {} records: {} duplicates from the replayed batches",
          queued.size(),
          RECORDS,
          queued.size() - values.size());
      assertEquals(
          IntStream.range(0, RECORDS).mapToObj(i -> "task:v" + i).collect(Collectors.toSet()),
          values,
          "no task missing");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
