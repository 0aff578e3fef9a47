package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * Bad input at the edges: the record goes to the dead-letter topic with its reason, the flow goes
 * on.
 */
@FlowsServices
class BadInputIT {
  record Id(String id) {}

  @Test
  void shouldDeadLetterAtPublishWhenAnOutputIsTooLargeForTheBroker(TestKafka kafka) {
    Topic<String, String> in = topic("bad-it-sizes", string(), string());
    Topic<String, String> out = topic("bad-it-sizes-out", string(), string());
    Flow flow =
        Flows.stateless("it-bad-sizes")
            .from(in)
            .mapValues(v -> v.equals("huge") ? "x".repeat(2 * 1024 * 1024) : v)
            .to(out);
    createTopics(kafka, flow);
    kafka.produce(in.name(), List.of(kv("a", "small"), kv("b", "huge"), kv("c", "small too")));

    try (FlowRuntime runtime = runtime(flow, kafka).start()) {
      ConsumerRecord<byte[], byte[]> dead =
          kafka.readAll(flow.deadLetterTopic(), 1, Duration.ofSeconds(60)).get(0);
      List<ConsumerRecord<byte[], byte[]>> outputs =
          kafka.readAll(out.name(), 2, Duration.ofSeconds(60));

      assertEquals(
          List.of("small", "small too"), outputs.stream().map(BadInputIT::value).sorted().toList());
      assertEquals("huge", value(dead), "the original input, not the oversized output");
      assertEquals("publish", header(dead, DeadLetterHeaders.ERROR_STAGE));
      assertEquals(
          RecordTooLargeException.class.getName(), header(dead, DeadLetterHeaders.ERROR_CLASS));
    }
  }

  @Test
  void shouldDeadLetterAtDecodeWhenTheKeyIsUndecodable(TestKafka kafka) {
    Topic<Id, String> in = topic("bad-it-keys", json(Id.class), string());
    Topic<Id, String> out = topic("bad-it-keys-out", json(Id.class), string());
    Flow flow = Flows.stateless("it-bad-keys").from(in).mapValues(String::toUpperCase).to(out);
    createTopics(kafka, flow);
    kafka.produce(
        in.name(),
        List.of(
            kv("{\"id\":\"1\"}", "one"), kv("{not json", "two"), kv("{\"id\":\"3\"}", "three")));

    try (FlowRuntime runtime = runtime(flow, kafka).start()) {
      ConsumerRecord<byte[], byte[]> dead =
          kafka.readAll(flow.deadLetterTopic(), 1, Duration.ofSeconds(60)).get(0);
      Map<String, String> outputs =
          kafka.readAll(out.name(), 2, Duration.ofSeconds(60)).stream()
              .collect(
                  Collectors.toMap(
                      r -> new String(r.key(), StandardCharsets.UTF_8), BadInputIT::value));

      assertEquals(Map.of("{\"id\":\"1\"}", "ONE", "{\"id\":\"3\"}", "THREE"), outputs);
      assertEquals("{not json", new String(dead.key(), StandardCharsets.UTF_8));
      assertEquals("decode", header(dead, DeadLetterHeaders.ERROR_STAGE));
      assertEquals(in.name(), header(dead, DeadLetterHeaders.SOURCE_TOPIC));
      assertTrue(
          header(dead, DeadLetterHeaders.ERROR_MESSAGE).contains("cannot decode key"),
          header(dead, DeadLetterHeaders.ERROR_MESSAGE));
    }
  }

  private static void createTopics(TestKafka kafka, Flow flow) {
    flow.inputs().forEach(t -> kafka.createTopic(t.name(), 2));
    flow.outputs().forEach(t -> kafka.createTopic(t.name(), 2));
    kafka.createTopic(flow.deadLetterTopic(), 1);
  }

  private static FlowRuntime runtime(Flow flow, TestKafka kafka) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .build();
  }

  private static byte[][] kv(String key, String value) {
    return new byte[][] {
      key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)
    };
  }

  private static String value(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
