package dev.flows.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * An OpenTelemetry SDK that keeps every ended span in memory, with W3C trace-context propagation:
 * what the tracing tests give a runtime, and read back. Shared with the connector modules' tests.
 */
public final class Spans implements AutoCloseable {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  /** A W3C {@code traceparent}: a trace id and the id of the span it names as parent. */
  public record TraceParent(String traceId, String spanId) {
    /** A sampled span context of a new trace, as a producer upstream would send it. */
    public static TraceParent random() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      return new TraceParent(
          String.format("%016x%016x", random.nextLong() | 1, random.nextLong()),
          String.format("%016x", random.nextLong() | 1));
    }

    /** Parses a {@code traceparent} header value. */
    public static TraceParent parse(String header) {
      String[] parts = header.split("-");
      if (parts.length != 4 || !parts[0].equals("00")) {
        throw new AssertionError("not a W3C traceparent: " + header);
      }
      return new TraceParent(parts[1], parts[2]);
    }

    /** Parses a {@code traceparent} header value given as bytes. */
    public static TraceParent parse(byte[] header) {
      return parse(new String(header, StandardCharsets.UTF_8));
    }

    /** The header value, sampled. */
    public String header() {
      return "00-" + traceId + "-" + spanId + "-01";
    }

    /** Whether {@code context} is the span this names. */
    public boolean is(SpanContext context) {
      return context.getTraceId().equals(traceId) && context.getSpanId().equals(spanId);
    }
  }

  /** The SDK to give the runtime. */
  public OpenTelemetrySdk openTelemetry() {
    return sdk;
  }

  /** The spans ended so far. */
  public List<SpanData> ended() {
    return exporter.getFinishedSpanItems();
  }

  /** The spans ended so far named {@code name}. */
  public List<SpanData> named(String name) {
    return ended().stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** The span with id {@code spanId}, waiting up to {@code timeout} for it to end. */
  public SpanData await(String spanId, Duration timeout) {
    return awaitMatching(s -> s.getSpanId().equals(spanId), "span " + spanId, timeout);
  }

  /** A span matching {@code condition}, waiting up to {@code timeout} for one to end. */
  public SpanData awaitMatching(Predicate<SpanData> condition, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<SpanData> found = ended().stream().filter(condition).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " ended within " + timeout + "; ended: " + ended());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  @Override
  public void close() {
    sdk.close();
  }
}
