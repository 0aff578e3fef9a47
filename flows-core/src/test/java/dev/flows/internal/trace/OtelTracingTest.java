package dev.flows.internal.trace;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.tracing.Spans;
import dev.flows.tracing.Spans.TraceParent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry spans and headers of a flow, on an SDK that keeps its spans in memory. */
class OtelTracingTest {
  private static final Flow FLOW =
      Flows.stateless("test-words-upper")
          .from(topic("words", string(), string()))
          .mapValues(String::toUpperCase)
          .to(topic("upper", string(), string()));

  private final Spans spans = new Spans();

  @AfterEach
  void closeSdk() {
    spans.close();
  }

  @Test
  void shouldLinkAtMost128RecordsWhenABatchHoldsMoreTracedRecords() {
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(record(i, Headers.empty().with("traceparent", TraceParent.random().header())));
    }

    BatchTrace batch = tracer(false).batch(records);
    batch.end();

    SpanData span = spans.named("test-words-upper batch").get(0);
    assertEquals(OtelFlowTracer.MAX_LINKS, span.getLinks().size());
    assertEquals(
        true, span.getAttributes().get(AttributeKey.booleanKey("flows.batch.links_capped")));
    assertEquals(
        200L, span.getAttributes().get(AttributeKey.longKey("messaging.batch.message_count")));
  }

  @Test
  void shouldReplaceTheCarriedTraceContextAndKeepOtherHeadersWhenStamping() {
    TraceParent input = TraceParent.random();
    Headers carried =
        Headers.empty()
            .with("traceparent", input.header())
            .with("tracestate", "vendor=1")
            .with("flows.idempotency.key", "k1");
    BatchTrace batch = tracer(false).batch(List.of(record(0, carried)));

    Headers stamped = batch.stamp(carried);
    batch.end();

    SpanData span = spans.named("test-words-upper batch").get(0);
    assertEquals(
        List.of("flows.idempotency.key", "traceparent"),
        stamped.asList().stream().map(Headers.Header::key).toList());
    assertEquals(
        new TraceParent(span.getTraceId(), span.getSpanId()),
        TraceParent.parse(stamped.lastString("traceparent").orElseThrow()));
  }

  @Test
  void shouldParentARecordSpanOnTheBatchWhenTheRecordCarriesNoTraceContext() {
    Message<byte[], byte[]> plain = record(0, Headers.empty());
    BatchTrace batch = tracer(true).batch(List.of(plain));

    Trace record = batch.record(plain);
    record.failed(new IllegalStateException("poison"));
    record.end();
    Headers stamped = batch.stamp(Headers.empty(), plain);
    batch.end();

    SpanData recordSpan =
        spans.await(
            TraceParent.parse(stamped.lastString("traceparent").get()).spanId(),
            Duration.ofSeconds(1));
    SpanData batchSpan = spans.named("test-words-upper batch").get(0);
    assertEquals("test-words-upper process", recordSpan.getName());
    assertEquals(batchSpan.getSpanId(), recordSpan.getParentSpanId());
    assertTrue(recordSpan.getLinks().isEmpty(), "its parent is the batch: no link needed");
    assertEquals(StatusCode.ERROR, recordSpan.getStatus().getStatusCode());
    assertTrue(batchSpan.getLinks().isEmpty());
  }

  @Test
  void shouldTraceNoRecordWhenPerRecordSpansAreOff() {
    Message<byte[], byte[]> plain = record(0, Headers.empty());
    BatchTrace batch = tracer(false).batch(List.of(plain));

    assertSame(Untraced.INSTANCE, batch.record(plain));
    batch.end();
    assertEquals(1, spans.ended().size());
  }

  @Test
  void shouldStampNothingWhenTheOpenTelemetryIsNoop() {
    Headers carried = Headers.empty().with("traceparent", TraceParent.random().header());
    FlowTracer tracer = OtelTracing.of(OpenTelemetry.noop()).flow(FLOW, true);
    BatchTrace batch = tracer.batch(List.of(record(0, carried)));

    assertSame(carried, batch.stamp(carried));
    assertNull(
        tracer
            .task("q", Headers.empty(), 1)
            .stamp(Headers.empty())
            .lastValue("traceparent")
            .orElse(null));
    batch.end();
  }

  private FlowTracer tracer(boolean recordSpans) {
    return OtelTracing.of(spans.openTelemetry()).flow(FLOW, recordSpans);
  }

  private static Message<byte[], byte[]> record(int offset, Headers headers) {
    return new Message<>(
        "words", 0, offset, 1L, "k".getBytes(StandardCharsets.UTF_8), null, headers);
  }
}
