package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Record context end to end on a real broker and PostgreSQL: a stateless flow reads each order's
 * headers and timestamp, stamps its own header and timestamp and routes it at run time to the topic
 * of its region; a stateful flow counts the EU orders and gives each count a key, a header and a
 * timestamp of its own. What a consumer reads carries exactly what the functions set.
 */
@FlowsServices
class MessageContextIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final long T0 = 1_700_000_000_000L;
  private static final int ORDERS = 30;

  private static final Topic<String, String> ORDERS_IN = topic("it-ctx-orders", string(), string());
  private static final Topic<String, String> EU = topic("it-ctx-eu", string(), string());
  private static final Topic<String, String> US = topic("it-ctx-us", string(), string());
  private static final Topic<String, String> COUNTS = topic("it-ctx-counts", string(), string());
  private static final StateSpec<Long> COUNT =
      StateSpec.of("it_ctx_count", Formats.longs(), () -> 0L);

  static Flow route() {
    return Flows.stateless("it-ctx-route")
        .from(ORDERS_IN)
        .mapMessage(
            m ->
                m.withHeaders(
                        m.headers()
                            .with(
                                "routed-from", m.topic() + "-" + m.partition() + "@" + m.offset()))
                    .withTimestamp(m.timestamp() + 1))
        .toAnyOf(
            List.of(EU, US),
            m -> "us".equals(m.headers().lastString("region").orElse("")) ? US : EU);
  }

  static Flow count() {
    return Flows.stateful("it-ctx-count")
        .from(EU)
        .state(COUNT)
        .applyMessage(
            (m, count) -> {
              long next = count + 1;
              return StateUpdate.set(
                  next,
                  m.withKey("eu-" + m.key())
                      .withValue(Long.toString(next))
                      .withHeaders(m.headers().with("count", Long.toString(next)))
                      .withTimestamp(m.timestamp() + 1_000));
            })
        .to(COUNTS);
  }

  @Test
  void shouldCarryTheHeadersTimestampsKeysAndTopicsTheFunctionsSetWhenRunOnKafka(
      TestKafka kafka, TestPostgres postgres) {
    Flow route = route();
    Flow count = count();
    for (Topic<?, ?> topic : List.of(ORDERS_IN, EU, US, COUNTS)) {
      kafka.createTopic(topic.name(), 3);
    }
    kafka.createTopic(route.deadLetterTopic(), 1);
    kafka.createTopic(count.deadLetterTopic(), 1);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(route, count)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .stateStore(store)
                .build()
                .start()) {
      produceOrders(kafka);

      List<ConsumerRecord<byte[], byte[]>> us = kafka.readAll(US.name(), ORDERS / 3, DEADLINE);
      List<ConsumerRecord<byte[], byte[]>> counts =
          kafka.readAll(COUNTS.name(), ORDERS - ORDERS / 3, DEADLINE);

      assertEquals(ORDERS / 3, us.size(), "every third order is a US one");
      for (ConsumerRecord<byte[], byte[]> r : us) {
        int i = Integer.parseInt(text(r.value()));
        assertEquals("us", header(r, "region"));
        assertEquals(T0 + i + 1, r.timestamp(), "the routing flow's timestamp");
        assertEquals("it-ctx-orders-" + orderPartition(i), header(r, "routed-from").split("@")[0]);
      }
      assertEquals(ORDERS - ORDERS / 3, counts.size(), "one count per EU order");
      Map<String, List<String>> byKey = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : counts) {
        long i = r.timestamp() - 1_000 - 1 - T0; // the order's index, through both timestamps
        assertEquals("eu", header(r, "region"), "the order's headers kept, order " + i);
        assertEquals(text(r.value()), header(r, "count"), "the header the function added");
        byKey.computeIfAbsent(text(r.key()), k -> new ArrayList<>()).add(i + ":" + text(r.value()));
      }
      assertEquals(expectedCounts(), byKey, "keyed, counted and stamped as the functions said");
    }
  }

  /** Per output key, {@code index:count} of each EU order of the key, in order. */
  private static Map<String, List<String>> expectedCounts() {
    Map<String, List<String>> expected = new TreeMap<>();
    for (int i = 0; i < ORDERS; i++) {
      if (i % 3 != 2) {
        List<String> counts = expected.computeIfAbsent("eu-o" + (i % 2), k -> new ArrayList<>());
        counts.add(i + ":" + (counts.size() + 1));
      }
    }
    return expected;
  }

  /** Order {@code i}: key {@code o0} or {@code o1}, region us for every third, timestamp T0 + i. */
  private static void produceOrders(TestKafka kafka) {
    var props = kafka.clientProperties();
    props.put("acks", "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("region", bytes(i % 3 == 2 ? "us" : "eu"));
        sends.add(
            producer.send(
                new ProducerRecord<>(
                    ORDERS_IN.name(),
                    orderPartition(i),
                    T0 + i,
                    bytes("o" + (i % 2)),
                    bytes(Integer.toString(i)),
                    headers)));
      }
      for (var send : sends) {
        send.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("an order was not acknowledged: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while producing orders", e);
    }
  }

  /** The partition of order {@code i}: by its key, so one key's orders stay in order. */
  private static int orderPartition(int i) {
    return i % 2;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : text(header.value());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
