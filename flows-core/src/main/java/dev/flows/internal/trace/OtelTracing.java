package dev.flows.internal.trace;

import dev.flows.Flow;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Tracing through an OpenTelemetry: its tracer starts the spans, its text-map propagator (W3C trace
 * context with the agent, the autoconfigured SDK or {@code W3CTraceContextPropagator}) reads and
 * writes the headers. The instance is looked up at the first span, so a global set after the
 * runtime was built still counts.
 */
public final class OtelTracing implements Tracing {
  /** The instrumentation scope of Flows' spans: {@value}. */
  public static final String SCOPE = "dev.flows";

  /** What the spans need of the OpenTelemetry. */
  record Otel(Tracer tracer, TextMapPropagator propagator) {}

  private final Supplier<OpenTelemetry> source;
  private final String origin;
  private volatile Otel otel;

  private OtelTracing(Supplier<OpenTelemetry> source, String origin) {
    this.source = source;
    this.origin = origin;
  }

  /** Tracing through {@code openTelemetry}. */
  public static Tracing of(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new OtelTracing(() -> openTelemetry, "the OpenTelemetry given to the runtime");
  }

  /** Tracing through {@code GlobalOpenTelemetry} (the agent's, or whatever the service set). */
  static Tracing global() {
    return new OtelTracing(
        GlobalOpenTelemetry::get,
        "GlobalOpenTelemetry, looked up at the first span (the Java agent's, or the one the"
            + " service set; without either a no-op, which traces nothing)");
  }

  @Override
  public FlowTracer flow(Flow flow, boolean recordSpans) {
    return new OtelFlowTracer(this::otel, flow.name(), recordSpans);
  }

  @Override
  public String describe() {
    return "OpenTelemetry, through " + origin;
  }

  private Otel otel() {
    Otel resolved = otel;
    if (resolved == null) {
      synchronized (this) {
        if (otel == null) {
          OpenTelemetry openTelemetry = source.get();
          otel =
              new Otel(
                  openTelemetry.getTracer(SCOPE),
                  openTelemetry.getPropagators().getTextMapPropagator());
        }
        resolved = otel;
      }
    }
    return resolved;
  }
}
