package dev.flows.tracing;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.OutgoingRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * A stateless flow run by the runtime, for {@link WithoutOpenTelemetryTest} to load through a class
 * loader without the OpenTelemetry API: returns what happened, line by line.
 */
public final class NoOpenTelemetryScenario implements Callable<List<String>> {
  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @Override
  public List<String> call() {
    List<String> seen = new ArrayList<>();
    seen.add("api: " + apiVisible());
    Topic<String, String> in = topic("words", string(), string());
    Topic<String, String> out = topic("words-upper", string(), string());
    Message<byte[], byte[]> traced =
        new Message<>(
            in.name(),
            0,
            0,
            1L,
            bytes("k"),
            bytes("a"),
            Headers.empty().with("traceparent", TRACEPARENT));
    Message<byte[], byte[]> plain =
        new Message<>(in.name(), 0, 1, 1L, bytes("l"), bytes("b"), Headers.empty());
    OneBatchConnector connector = new OneBatchConnector(List.of(traced, plain));
    FlowRuntime.Builder builder =
        FlowRuntime.builder(
                Flows.stateless("test-words-upper").from(in).mapValues(String::toUpperCase).to(out))
            .connector(connector);
    try (FlowRuntime runtime = builder.build().start()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (connector.sent.size() < 2 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
    }
    for (OutgoingRecord record : connector.sent) {
      seen.add(
          new String(record.value(), StandardCharsets.UTF_8)
              + " "
              + record.headers().lastString("traceparent").orElse("no traceparent"));
    }
    try {
      builder.recordSpans(true).build();
      seen.add("record spans: built");
    } catch (FlowDefinitionException e) {
      seen.add("record spans: " + e.getMessage());
    }
    return seen;
  }

  private static String apiVisible() {
    try {
      Class.forName("io.opentelemetry.api.trace.Span");
      return "visible";
    } catch (ClassNotFoundException e) {
      return "absent";
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
