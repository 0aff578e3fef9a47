package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.internal.trace.OtelTracing;
import dev.flows.spi.OutgoingRecord;
import dev.flows.state.InMemoryStateStore;
import dev.flows.tracing.Spans;
import dev.flows.tracing.Spans.TraceParent;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-record spans when a batch's keys run on real lane threads: each output carries the span of
 * the record it came from, a child of that record's own span context, whichever lane ran it.
 */
class TracedLanesTest {
  private static final Topic<String, String> IN = topic("in", string(), string());
  private static final Topic<String, String> OUT = topic("out", string(), string());

  private final RealLanes lanes = new RealLanes();
  private final Spans spans = new Spans();

  @AfterEach
  void close() {
    lanes.close();
    spans.close();
  }

  @Test
  void shouldStampEachOutputWithItsRecordsSpanWhenAStatefulFlowRunsOnFourLanes() {
    StateSpec<Long> count = StateSpec.of("count", Formats.longs(), () -> 0L);
    Flow flow =
        Flows.stateful("test-traced-count", FlowOptions.defaults().withConcurrency(4))
            .from(IN)
            .state(count)
            .apply((key, value, n) -> StateUpdate.set(n + 1, value + "#" + (n + 1)))
            .to(OUT);

    assertEachOutputCarriesItsRecordsSpan(flow);
  }

  @Test
  void shouldStampEachOutputWithItsRecordsSpanWhenAStatelessFlowRunsOnFourLanes() {
    Flow flow =
        Flows.stateless("test-traced-upper", FlowOptions.defaults().withConcurrency(4))
            .from(IN)
            .mapValues(value -> value + "#")
            .to(OUT);

    assertEachOutputCarriesItsRecordsSpan(flow);
  }

  private void assertEachOutputCarriesItsRecordsSpan(Flow flow) {
    Map<String, TraceParent> sent = new HashMap<>();
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (int offset = 0; offset < 32; offset++) {
      TraceParent parent = TraceParent.random();
      String value = "v" + offset;
      sent.put(value, parent);
      records.add(
          new Message<>(
              IN.name(),
              0,
              offset,
              0L,
              bytes("id" + (offset % 8)),
              bytes(value),
              Headers.empty().with("traceparent", parent.header())));
    }
    RecordingSink sink = new RecordingSink();

    lanes
        .handler(
            flow,
            InMemoryStateStore.create(),
            sink,
            OtelTracing.of(spans.openTelemetry()).flow(flow, true))
        .process(Batch.of(records));

    List<OutgoingRecord> outputs = sink.sent();
    assertEquals(32, outputs.size());
    Set<String> recordSpans = new HashSet<>();
    for (OutgoingRecord output : outputs) {
      String value = new String(output.value(), StandardCharsets.UTF_8);
      TraceParent input = sent.get(value.substring(0, value.indexOf('#')));
      TraceParent carried = TraceParent.parse(output.headers().lastString("traceparent").get());
      SpanData span = spans.await(carried.spanId(), Duration.ofSeconds(5));
      assertEquals(flow.name() + " process", span.getName());
      assertEquals(input.traceId(), span.getTraceId(), value);
      assertEquals(input.spanId(), span.getParentSpanId(), value);
      recordSpans.add(span.getSpanId());
    }
    assertEquals(32, recordSpans.size(), "a span of its own per record");
    SpanData batch = spans.named(flow.name() + " batch").get(0);
    assertEquals(32, batch.getLinks().size());
    assertTrue(
        spans.named(flow.name() + " process").stream()
            .allMatch(s -> s.getLinks().get(0).getSpanContext().equals(batch.getSpanContext())),
        "every record span links to the batch span");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
