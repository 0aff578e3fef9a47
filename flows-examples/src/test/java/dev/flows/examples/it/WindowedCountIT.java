package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A count per word and one-minute tumbling window (30 s grace) on the real broker and PostgreSQL,
 * fed out-of-order and late records, stopped and restarted between them: each window's last count
 * is exact, and the late records, including one that is late only by the stream time reached before
 * the restart, are in the dead-letter topic. The stream time comes back from the metadata committed
 * with the offset.
 */
@FlowsServices
class WindowedCountIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long S = 1_000;
  private static final long BASE = (System.currentTimeMillis() / 60_000 - 60) * 60_000;
  private static final Topic<String, String> WORDS = topic("it-window-words", string(), string());
  private static final Topic<Windowed<String>, String> WINDOW_COUNTS =
      topic("it-window-counts", Windowed.format(string()), string());
  private static final StateSpec<Long> COUNT =
      StateSpec.of("it_window_count", Formats.longs(), () -> 0L);

  static Flow flow() {
    return Flows.stateful("it-window-count")
        .from(WORDS)
        .windowedBy(Windows.tumbling(Duration.ofMinutes(1)).withGrace(Duration.ofSeconds(30)))
        .state(COUNT) // per word and window: id "<word>@<window start>", retention 90 s
        .apply((window, value, count) -> StateUpdate.set(count + 1, Long.toString(count + 1)))
        .to(WINDOW_COUNTS);
  }

  @Test
  void shouldCountEachWindowExactlyWhenRecordsComeOutOfOrderLateAndAcrossARestart(
      TestKafka kafka, TestPostgres postgres) throws Exception {
    Flow flow = flow();
    kafka.createTopic(WORDS.name(), 1);
    kafka.createTopic(WINDOW_COUNTS.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + COUNT.table());
    produce(
        kafka,
        List.of(
            word("a", 10),
            word("b", 20),
            word("a", 70), // window 0 and 1
            word("a", 50), // out of order, within grace: stream time 70 s, window 0 open to 90 s
            word("b", 100), // stream time 100 s: window 0 closed
            word("a", 30))); // late
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = runtime(flow, kafka, store)) {
      awaitCommitted(kafka, 6);
    }
    assertEquals("flows.stream-time=" + (BASE + 100 * S) + "@6", committedMetadata(kafka));

    produce(
        kafka,
        List.of(
            word("a", 40), // late only by the stream time before the restart
            word("b", 110),
            word("a", 125), // window 1 and 2
            word("a", 80))); // within grace: window 1 open to 150 s
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime second = runtime(flow, kafka, store)) {
      awaitCommitted(kafka, 10);
    }

    Map<String, String> last = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(WINDOW_COUNTS.name(), 8, DEADLINE)) {
      Windowed<String> key = WINDOW_COUNTS.keyFormat().decode(r.key());
      last.put(key.key() + "@" + (key.start() - BASE) / 60_000, utf8(r.value()));
    }
    assertEquals(Map.of("a@0", "2", "b@0", "1", "a@1", "2", "b@1", "2", "a@2", "1"), last);
    List<String> dead = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(flow.deadLetterTopic(), 2, DEADLINE)) {
      String reason = utf8(r.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value());
      assertTrue(reason.contains("late record"), reason);
      dead.add(utf8(r.key()) + "@" + (r.timestamp() - BASE) / S);
    }
    assertEquals(List.of("a@30", "a@40"), dead);
  }

  private static FlowRuntime runtime(Flow flow, TestKafka kafka, PostgresStateStore store) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .stateStore(store)
        .meterRegistry(new SimpleMeterRegistry())
        .build()
        .start();
  }

  private static ProducerRecord<byte[], byte[]> word(String word, long second) {
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(WORDS.name(), 0, BASE + second * S, bytes, bytes);
  }

  private static void produce(TestKafka kafka, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitCommitted(TestKafka kafka, long next) {
    Awaits.until(
        DEADLINE,
        "offset " + next + " committed",
        () -> kafka.committedOffsets("it-window-count", WORDS.name()).getOrDefault(0, 0L) >= next);
  }

  private static String committedMetadata(TestKafka kafka) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets("it-window-count")
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      return offsets.get(new TopicPartition(WORDS.name(), 0)).metadata();
    }
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
