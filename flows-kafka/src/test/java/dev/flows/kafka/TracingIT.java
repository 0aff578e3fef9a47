package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.PermanentException;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.runtime.FlowRuntime;
import dev.flows.state.InMemoryStateStore;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.tracing.Spans;
import dev.flows.tracing.Spans.TraceParent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trace propagation on a real broker, with an OpenTelemetry SDK that keeps its spans in memory:
 * records produced with known W3C {@code traceparent} headers, and what the flows' outputs, dead
 * letters and spans say about them (docs/operations.md#tracing).
 */
@FlowsServices
class TracingIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TRACEPARENT = "traceparent";

  private final Spans spans = new Spans();

  @AfterEach
  void closeSdk() {
    spans.close();
  }

  @Test
  void shouldLinkEachBatchSpanToItsRecordsAndStampOutputsAndDeadLettersWithItWhenStateless(
      TestKafka kafka) {
    Topic<String, String> in = topic("trace-it-in", string(), string());
    Topic<String, String> out = topic("trace-it-out", string(), string());
    Flow flow =
        Flows.stateless("it-trace-stateless")
            .from(in)
            .mapValues(
                value -> {
                  if (value.equals("bad")) {
                    throw new PermanentException("bad value", null);
                  }
                  return value + "!";
                })
            .to(out);
    createTopics(kafka, in.name(), out.name(), flow.deadLetterTopic());
    Map<String, TraceParent> sent = produceTraced(kafka, in.name(), 30, "k29");

    try (FlowRuntime runtime = start(flow, kafka).openTelemetry(spans.openTelemetry()).build()) {
      runtime.start();
      List<ConsumerRecord<byte[], byte[]>> outputs = kafka.readAll(out.name(), 29, TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(flow.deadLetterTopic(), 1, TIMEOUT);

      assertEquals(29, outputs.size());
      assertEquals(1, dead.size());
      List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(outputs);
      all.addAll(dead);
      for (ConsumerRecord<byte[], byte[]> record : all) {
        TraceParent input = sent.get(key(record));
        TraceParent carried = traceparent(record);
        assertNotEquals(input, carried, "a new traceparent, not the input's copied");
        SpanData batch = spans.await(carried.spanId(), TIMEOUT);
        assertEquals("it-trace-stateless batch", batch.getName());
        assertEquals(SpanKind.CONSUMER, batch.getKind());
        assertEquals(carried.traceId(), batch.getTraceId(), "outputs carry the batch's trace");
        assertFalse(batch.getParentSpanContext().isValid(), "a batch span starts a new trace");
        assertTrue(
            batch.getLinks().stream().anyMatch(l -> input.is(l.getSpanContext())),
            "the batch span links to the span context of record " + key(record));
        assertEquals("kafka", attribute(batch, "messaging.system"));
        assertEquals(in.name(), attribute(batch, "messaging.destination.name"));
        assertEquals(flow.name(), attribute(batch, "messaging.consumer.group.name"));
      }
      Awaits.until(
          TIMEOUT,
          "every record linked from exactly one batch span",
          () -> links(flow.name() + " batch").size() == sent.size());
      assertEquals(
          sent.values().stream().map(TraceParent::header).sorted().toList(),
          links(flow.name() + " batch").stream().map(TraceParent::header).sorted().toList());
      assertTrue(spans.named(flow.name() + " process").isEmpty(), "no per-record spans by default");
    }
  }

  @Test
  void shouldContinueEachRecordsOwnTraceWhenAStatefulFlowTracesEveryRecord(TestKafka kafka) {
    Topic<String, String> in = topic("trace-it-words", string(), string());
    Topic<String, String> out = topic("trace-it-counts", string(), string());
    StateSpec<Long> count = StateSpec.of("trace_it_count", Formats.longs(), () -> 0L);
    Flow flow =
        Flows.stateful("it-trace-count")
            .from(in)
            .state(count)
            .apply(
                (word, value, n) -> {
                  if (value.equals("bad")) {
                    throw new PermanentException("bad word " + word, null);
                  }
                  return StateUpdate.set(n + 1, Long.toString(n + 1));
                })
            .to(out);
    createTopics(kafka, in.name(), out.name(), flow.deadLetterTopic());
    Map<String, TraceParent> sent = produceTraced(kafka, in.name(), 20, "k7");

    try (FlowRuntime runtime =
        start(flow, kafka)
            .stateStore(InMemoryStateStore.create())
            .openTelemetry(spans.openTelemetry())
            .recordSpans(true)
            .build()) {
      runtime.start();
      List<ConsumerRecord<byte[], byte[]>> all =
          new ArrayList<>(kafka.readAll(out.name(), 19, TIMEOUT));
      all.addAll(kafka.readAll(flow.deadLetterTopic(), 1, TIMEOUT));

      assertEquals(20, all.size());
      for (ConsumerRecord<byte[], byte[]> record : all) {
        TraceParent input = sent.get(key(record));
        TraceParent carried = traceparent(record);
        assertEquals(input.traceId(), carried.traceId(), "the output continues its input's trace");
        SpanData span = spans.await(carried.spanId(), TIMEOUT);
        assertEquals("it-trace-count process", span.getName());
        assertEquals(input.spanId(), span.getParentSpanId(), "a child of the input's span");
        boolean deadLettered = record.topic().equals(flow.deadLetterTopic());
        assertEquals(
            deadLettered ? StatusCode.ERROR : StatusCode.UNSET, span.getStatus().getStatusCode());
        LinkData toBatch = span.getLinks().get(0);
        SpanData batch = spans.await(toBatch.getSpanContext().getSpanId(), TIMEOUT);
        assertEquals("it-trace-count batch", batch.getName());
        assertTrue(batch.getLinks().stream().anyMatch(l -> input.is(l.getSpanContext())));
      }
    }
  }

  @Test
  void shouldPassTraceHeadersThroughUnchangedWhenOpenTelemetryIsNoop(TestKafka kafka) {
    Topic<String, String> in = topic("trace-it-noop-in", string(), string());
    Topic<String, String> out = topic("trace-it-noop-out", string(), string());
    Flow flow = Flows.stateless("it-trace-noop").from(in).mapValues(v -> v + "!").to(out);
    createTopics(kafka, in.name(), out.name(), flow.deadLetterTopic());
    Map<String, TraceParent> sent = produceTraced(kafka, in.name(), 10, null);
    List<byte[][]> plain = new ArrayList<>();
    plain.add(new byte[][] {bytes("plain"), bytes("v")});
    kafka.produce(in.name(), plain);

    try (FlowRuntime runtime = start(flow, kafka).openTelemetry(OpenTelemetry.noop()).build()) {
      runtime.start();
      List<ConsumerRecord<byte[], byte[]>> outputs = kafka.readAll(out.name(), 11, TIMEOUT);

      assertEquals(11, outputs.size());
      for (ConsumerRecord<byte[], byte[]> record : outputs) {
        TraceParent input = sent.get(key(record));
        if (input == null) {
          assertNull(record.headers().lastHeader(TRACEPARENT), "no traceparent invented");
        } else {
          assertEquals(input, traceparent(record), "the input's, copied as it came");
        }
      }
    }
  }

  @Test
  void shouldContinueTheCallersTraceWhenAPostCarriesATraceparent(TestKafka kafka) throws Exception {
    Topic<String, String> out = topic("trace-it-posted", string(), string());
    kafka.createTopic(out.name(), 1);
    Flow flow =
        Flows.http("it-trace-adapter", HttpOptions.defaults())
            .post("/trace", string())
            .map(body -> KeyValue.of(body, body))
            .to(out);
    TraceParent caller = TraceParent.random();

    try (FlowRuntime runtime =
        start(flow, kafka).openTelemetry(spans.openTelemetry()).adminPort(0).build()) {
      runtime.start();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://localhost:" + runtime.adminPort().orElseThrow() + "/trace"))
                      .header(TRACEPARENT, caller.header())
                      .POST(HttpRequest.BodyPublishers.ofString("hello"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(202, response.statusCode(), response.body());
      TraceParent carried = traceparent(kafka.readAll(out.name(), 1, TIMEOUT).get(0));

      assertEquals(caller.traceId(), carried.traceId());
      SpanData request = spans.await(carried.spanId(), TIMEOUT);
      assertEquals("POST /trace", request.getName());
      assertEquals(SpanKind.SERVER, request.getKind());
      assertEquals(caller.spanId(), request.getParentSpanId());
      assertEquals(
          202L, request.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    }
  }

  private static FlowRuntime.Builder start(Flow flow, TestKafka kafka) {
    return FlowRuntime.builder(flow).connector(KafkaConnector.create(kafka.bootstrapServers()));
  }

  private static void createTopics(TestKafka kafka, String... topics) {
    for (String topic : topics) {
      kafka.createTopic(topic, 3);
    }
  }

  /**
   * Produces {@code count} records {@code k<i>: v<i>}, each with a traceparent of its own trace
   * ({@code badKey}'s value is {@code bad}); returns the traceparents by key.
   */
  private static Map<String, TraceParent> produceTraced(
      TestKafka kafka, String topic, int count, String badKey) {
    Map<String, TraceParent> sent = new LinkedHashMap<>();
    Properties props = kafka.clientProperties();
    props.put("acks", "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        String key = "k" + i;
        TraceParent parent = TraceParent.random();
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(topic, bytes(key), bytes(key.equals(badKey) ? "bad" : "v" + i));
        record.headers().add(TRACEPARENT, bytes(parent.header()));
        producer.send(record);
        sent.put(key, parent);
      }
      producer.flush();
    }
    return sent;
  }

  /** The span contexts linked from the spans named {@code name}, as traceparents. */
  private List<TraceParent> links(String name) {
    return spans.named(name).stream()
        .flatMap(s -> s.getLinks().stream())
        .map(l -> new TraceParent(l.getSpanContext().getTraceId(), l.getSpanContext().getSpanId()))
        .toList();
  }

  /** The record's one traceparent. */
  private static TraceParent traceparent(ConsumerRecord<byte[], byte[]> record) {
    List<byte[]> values =
        StreamSupport.stream(record.headers().headers(TRACEPARENT).spliterator(), false)
            .map(h -> h.value())
            .toList();
    assertEquals(1, values.size(), "one traceparent on " + key(record));
    return TraceParent.parse(values.get(0));
  }

  private static String attribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
