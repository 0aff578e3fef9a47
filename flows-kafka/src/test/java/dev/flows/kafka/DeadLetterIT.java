package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

@FlowsServices
class DeadLetterIT {
  record Order(String id, int quantity) {}

  @Test
  void shouldDeadLetterPoisonAndUndecodableRecordsWhenTheFlowGoesOn(TestKafka kafka) {
    Topic<String, Order> in = topic("dlq-it-orders", string(), json(Order.class));
    Topic<String, String> out = topic("dlq-it-out", string(), string());
    Flow flow =
        Flows.stateless("it-orders-check")
            .from(in)
            .mapValues(
                order -> {
                  if (order.quantity() < 0) {
                    throw new IllegalArgumentException("negative quantity " + order.quantity());
                  }
                  return order.id();
                })
            .to(out);
    for (String name : List.of(in.name(), out.name(), flow.deadLetterTopic())) {
      kafka.createTopic(name, 3);
    }
    List<byte[][]> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(record("o" + i, "{\"id\":\"o" + i + "\",\"quantity\":1}"));
    }
    records.add(record("bad", "{\"id\":\"bad\",\"quantity\":-1}"));
    records.add(record("garbage", "not json"));
    kafka.produce(in.name(), records);

    try (FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .build()
            .start()) {
      List<ConsumerRecord<byte[], byte[]>> dead =
          kafka.readAll(flow.deadLetterTopic(), 2, Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> outputs =
          kafka.readAll(out.name(), 50, Duration.ofSeconds(60));
      assertEquals(50, outputs.size());
      Map<String, ConsumerRecord<byte[], byte[]>> byKey =
          dead.stream()
              .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
      ConsumerRecord<byte[], byte[]> poison = byKey.get("bad");
      assertEquals("process", header(poison, DeadLetterHeaders.ERROR_STAGE));
      assertEquals(
          IllegalArgumentException.class.getName(), header(poison, DeadLetterHeaders.ERROR_CLASS));
      assertEquals("negative quantity -1", header(poison, DeadLetterHeaders.ERROR_MESSAGE));
      assertEquals("3", header(poison, DeadLetterHeaders.ATTEMPTS));
      assertEquals(in.name(), header(poison, DeadLetterHeaders.SOURCE_TOPIC));
      assertEquals("it-orders-check", header(poison, DeadLetterHeaders.FLOW));
      ConsumerRecord<byte[], byte[]> garbage = byKey.get("garbage");
      assertEquals("decode", header(garbage, DeadLetterHeaders.ERROR_STAGE));
      assertEquals("1", header(garbage, DeadLetterHeaders.ATTEMPTS));
      assertEquals("not json", new String(garbage.value(), StandardCharsets.UTF_8));
    }
  }

  private static byte[][] record(String key, String value) {
    return new byte[][] {
      key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)
    };
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
